#include "collections/common.h"

static const char *const kinds[] = {"measure", "example", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"name", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"description", FT_TEXT, 0, NULL, NULL},
    {"url", FT_TEXT, 0, NULL, NULL},
    {"link_text", FT_TEXT, 0, NULL, NULL},
    {"municipality", FT_REF, 0, "municipalities", "_municipality_number"},
    {"centre", FT_REF, 0, "centres", "_centre_id"},
    {"organisation", FT_REF, 0, "organisations", "_organisation_id"},
    {"network", FT_REF, 0, "networks", "_network_id"},
    {"resource", FT_REF, 0, "resources", "_resource_id"},
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
};
