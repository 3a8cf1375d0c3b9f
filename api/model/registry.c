/* Every collection the API serves. Add a row here (and its descriptor file). */
#include "model/collection.h"

#include <string.h>

extern const collection centres_collection, networks_collection, reports_collection,
    resources_collection, practices_collection, news_collection, events_collection,
    organisations_collection, tags_collection, municipalities_collection;

static const collection *const registry[] = {
    &centres_collection,
    &networks_collection,
    &reports_collection,
    &resources_collection,
    &practices_collection,
    &news_collection,
    &events_collection,
    &organisations_collection,
    &tags_collection,
    &municipalities_collection,
    NULL,
};

const collection *const *collections_all(void) {
    return registry;
}

const collection *collection_find(const char *name) {
    for (const collection *const *c = registry; *c; c++)
        if (strcmp((*c)->name, name) == 0) return *c;
    return NULL;
}

const field *collection_field(const collection *c, const char *name) {
    for (const field *f = c->fields; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}
