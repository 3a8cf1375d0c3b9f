#include "collections/common.h"

static const char *const kinds[] = {
    "recovery_factor", "model",    "guide",  "reflection_cards", "film",
    "report",          "web_page", "course", "conference",       NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 300, F_REQUIRED | F_NAME),
    ENUM("kind", kinds, F_REQUIRED),
    TEXT("description", 20000, 0),
    TEXT("url", 500, F_URL),
    TEXTS("authors", 50),
    PDATE("date"),
    CENTRE_REF("centre", "centre_id", "_centre_id"),
    REF("organisation", "organisation_id", "organisation", "id", "organisations",
        "_organisation_id"),
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of resource"},
    FILTER_CENTRE_ANY("_centre_ids"),
    {"organisation", FILTER_REF, "_organisation_id", NULL, "organisation", "id", NULL, NULL},
    {"date", FILTER_DATE_RANGE, "_date_lo", "_date_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {SORT_NAME("name"), SORTS_TIMES, SORT_END};

const collection resources_collection = {
    .name = "resources",
    .view = "api_resources",
    .key = "id",
    .key_type = "uuid",
    .alt_key = "slug",
    .fields = fields,
    .filters = filters,
    .sorts = sorts,
    .searchable = 1,
    .has_public = 1,
    .has_updated_at = 1,
    .table = "resource",
    .rule = RULE_CENTRE_CONTENT,
};
