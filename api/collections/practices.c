#include "collections/common.h"

static const char *const kinds[] = {"measure", "example", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 300, F_REQUIRED | F_NAME),
    ENUM("kind", kinds, F_REQUIRED),
    TEXT("description", 20000, 0),
    TEXT("url", 500, F_URL),
    TEXT("link_text", 300, 0),
    MUNICIPALITY_REF,
    CENTRE_REF("centre", "centre_id", "_centre_id"),
    REF("organisation", "organisation_id", "organisation", "id", "organisations",
        "_organisation_id"),
    REF("network", "network_id", "network", "id", "networks", "_network_id"),
    REF("resource", "resource_id", "resource", "id", "resources", "_resource_id"),
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "measure or example"},
    FILTER_CENTRE_ANY("_centre_ids"),
    FILTER_NETWORK("_network_id"),
    FILTER_MUNICIPALITY("_municipality_number"),
    {"county", FILTER_REF, "_county_number", NULL, "county", "number", NULL, "counties"},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {SORT_NAME("name"), SORTS_TIMES, SORT_END};

const collection practices_collection = {
    .name = "practices",
    .view = "api_practices",
    .key = "id",
    .key_type = "uuid",
    .alt_key = "slug",
    .fields = fields,
    .filters = filters,
    .sorts = sorts,
    .searchable = 1,
    .has_public = 1,
    .has_updated_at = 1,
    .table = "practice",
    .rule = RULE_CENTRE_CONTENT,
};
