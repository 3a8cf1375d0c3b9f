#include "collections/common.h"

static const char *const kinds[] = {
    "ministry",         "directorate",       "county_governor", "municipality",
    "knowledge_centre", "university",        "hospital",        "association",
    "foundation",       "user_organisation", "other",           NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 200, F_REQUIRED | F_NAME),
    TEXT("short_name", 100, 0),
    ENUM("kind", kinds, F_REQUIRED),
    TEXT("description", 20000, 0),
    TEXT("website", 500, F_URL),
    MUNICIPALITY_REF,
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of organisation"},
    FILTER_MUNICIPALITY("_municipality_number"),
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {SORT_NAME("name"), SORTS_TIMES, SORT_END};

const collection organisations_collection = {
    .name = "organisations",
    .view = "api_organisations",
    .key = "id",
    .key_type = "uuid",
    .alt_key = "slug",
    .fields = fields,
    .filters = filters,
    .sorts = sorts,
    .searchable = 1,
    .has_public = 1,
    .has_updated_at = 1,
    .table = "organisation",
    .rule = RULE_ADMIN,
};
