#include "collections/common.h"

const char *const region_values[] = {"sor-ost", "vest", "midt", "nord", NULL};
static const char *const kinds[] = {"regional", "local", "department", "recovery_college", NULL};
static const char *const operating[] = {"open", "temporarily_closed", "closed", NULL};

static const char *const precisions[] = {"address", "town", "district", "municipality", NULL};
const char *const status_values[] = {"draft", "published", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 200, F_REQUIRED | F_NAME),
    TEXT("short_name", 100, 0),
    ENUM("kind", kinds, F_REQUIRED),
    CENTRE_REF("parent", "parent_id", "_parent_id"),
    RO("units", FT_REFS),
    ENUM("region", region_values, 0),
    TEXT("town", 100, 0),
    TEXT("address", 300, 0),
    MUNICIPALITY_REF,
    RO("county", FT_REF),
    {.name = "location", .type = FT_POINT},
    ENUM("location_precision", precisions, 0),
    TEXT("location_source", 300, 0),
    TEXT("description", 20000, 0),
    TEXTS("values", 30),
    TEXTS("focus_areas", 30),
    PDATE("founded"),
    PDATE("opened"),
    TEXT("website", 500, F_URL),
    TEXT("phone", 50, 0),
    TEXT("email", 254, F_EMAIL),
    ENUM("operating_status", operating, 0),
    {.name = "opening_hours", .type = FT_JSON, .shape = JS_OPENING_HOURS},
    {.name = "hours_exceptions", .type = FT_JSON, .shape = JS_HOURS_EXCEPTIONS},
    RO("timezone", FT_TEXT),
    RO("open_now", FT_BOOL),
    {.name = "service_area", .type = FT_SERVICE_AREA},
    TEXTS("languages", 20),
    TEXT("accessibility", 2000, 0),
    {.name = "last_verified", .type = FT_DATE},
    {.name = "networks",
     .type = FT_REFS,
     .flags = F_READONLY,
     .embeds = "networks",
     .embed_ids = "_network_ids"},
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
    .table = "centre",
    .rule = RULE_CENTRE_RECORD,
};
