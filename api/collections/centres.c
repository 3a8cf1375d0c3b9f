#include "collections/common.h"

const char *const region_values[] = {"sor-ost", "vest", "midt", "nord", NULL};
static const char *const kinds[] = {"regional", "local", "department", "recovery_college", NULL};
static const char *const operating[] = {"open", "temporarily_closed", "closed", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"name", FT_TEXT, 0, NULL, NULL},
    {"short_name", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"parent", FT_REF, 0, "centres", "_parent_id"},
    {"units", FT_REFS, F_READONLY, NULL, NULL},
    {"region", FT_ENUM, 0, NULL, NULL},
    {"town", FT_TEXT, 0, NULL, NULL},
    {"address", FT_TEXT, 0, NULL, NULL},
    {"municipality", FT_REF, 0, "municipalities", "_municipality_number"},
    {"county", FT_REF, F_READONLY, NULL, NULL},
    {"location", FT_POINT, 0, NULL, NULL},
    {"location_precision", FT_ENUM, 0, NULL, NULL},
    {"location_source", FT_TEXT, 0, NULL, NULL},
    {"description", FT_TEXT, 0, NULL, NULL},
    {"values", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"focus_areas", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"founded", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"opened", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"website", FT_TEXT, 0, NULL, NULL},
    {"phone", FT_TEXT, 0, NULL, NULL},
    {"email", FT_TEXT, 0, NULL, NULL},
    {"operating_status", FT_ENUM, 0, NULL, NULL},
    {"opening_hours", FT_JSON, 0, NULL, NULL},
    {"hours_exceptions", FT_JSON, 0, NULL, NULL},
    {"timezone", FT_TEXT, F_READONLY, NULL, NULL},
    {"open_now", FT_BOOL, F_READONLY, NULL, NULL},
    {"service_area", FT_JSON, 0, NULL, NULL},
    {"languages", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"accessibility", FT_TEXT, 0, NULL, NULL},
    {"last_verified", FT_DATE, 0, NULL, NULL},
    {"networks", FT_REFS, F_READONLY, "networks", "_network_ids"},
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"region", FILTER_IN, "region", NULL, NULL, NULL, region_values, "health regions"},
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of centre"},
    {"operating_status", FILTER_IN, "operating_status", NULL, NULL, NULL, operating, NULL},
    {"parent", FILTER_REF, "_parent_id", NULL, "centre", "id", NULL, "parent centre"},
    {"network", FILTER_REF_ARRAY, "_network_ids", NULL, "network", "id", NULL, "networks"},
    {"county", FILTER_REF, "_county_number", NULL, "county", "number", NULL, "counties"},
    FILTER_MUNICIPALITY("_municipality_number"),
    {"founded", FILTER_DATE_RANGE, "_founded_lo", "_founded_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {SORT_NAME("name"), SORTS_TIMES, SORT_END};

const collection centres_collection = {
    .name = "centres",
    .view = "api_centres",
    .key = "id",
    .key_type = "uuid",
    .alt_key = "slug",
    .fields = fields,
    .filters = filters,
    .sorts = sorts,
    .searchable = 1,
    .has_public = 1,
    .has_updated_at = 1,
    .geo = "_geog",
};
