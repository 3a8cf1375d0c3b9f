#include "collections/common.h"

static const char *const kinds[] = {"national_collaboration", "regional_network",
                                    "annual_gathering",       "user_voice_network",
                                    "learning_network",       NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"name", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"description", FT_TEXT, 0, NULL, NULL},
    {"region", FT_ENUM, 0, NULL, NULL},
    {"founded", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"meeting_frequency", FT_TEXT, 0, NULL, NULL},
    {"target_group", FT_TEXT, 0, NULL, NULL},
    {"organisers", FT_REFS, 0, NULL, NULL},
    {"members", FT_REFS, 0, "centres", "_member_ids"},
    {"contact", FT_JSON, 0, NULL, NULL},
    {"website", FT_TEXT, 0, NULL, NULL},
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of network"},
    {"region", FILTER_IN, "region", NULL, NULL, NULL, region_values, "health regions"},
    FILTER_CENTRE_ANY("_centre_ids"),
    {"founded", FILTER_DATE_RANGE, "_founded_lo", "_founded_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {SORT_NAME("name"), SORTS_TIMES, SORT_END};

const collection networks_collection = {
    .name = "networks",
    .view = "api_networks",
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
