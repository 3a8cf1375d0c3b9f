#include "collections/common.h"

static const char *const kinds[] = {
    "recovery_factor", "model",    "guide",  "reflection_cards", "film",
    "report",          "web_page", "course", "conference",       NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"name", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"description", FT_TEXT, 0, NULL, NULL},
    {"url", FT_TEXT, 0, NULL, NULL},
    {"authors", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"date", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"centre", FT_REF, 0, "centres", "_centre_id"},
    {"organisation", FT_REF, 0, "organisations", "_organisation_id"},
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
};
