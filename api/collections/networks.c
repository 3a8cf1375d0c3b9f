#include "collections/common.h"

static const char *const kinds[] = {"national_collaboration", "regional_network",
                                    "annual_gathering",       "user_voice_network",
                                    "learning_network",       NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 200, F_REQUIRED | F_NAME),
    ENUM("kind", kinds, F_REQUIRED),
    TEXT("description", 20000, 0),
    ENUM("region", region_values, 0),
    PDATE("founded"),
    TEXT("meeting_frequency", 200, 0),
    TEXT("target_group", 1000, 0),
    {.name = "organisers", .type = FT_ORGANISERS, .join_table = "network"},
    {.name = "members",
     .type = FT_REFS,
     .embeds = "centres",
     .embed_ids = "_member_ids",
     .ref_table = "centre",
     .ref_key = "id",
     .join_table = "network_member_centre",
     .join_column = "centre_id",
     .max_len = 100},
    {.name = "contact", .type = FT_CONTACT},
    TEXT("website", 500, F_URL),
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
    .table = "network",
    .rule = RULE_NETWORK,
};
