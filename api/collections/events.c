#include "collections/common.h"

static const char *const kinds[] = {"conference", "workshop", "meeting", "gathering",
                                    "debate",     "stand",    "course",  NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("name", 300, F_REQUIRED | F_NAME),
    TEXT("subtitle", 300, 0),
    ENUM("kind", kinds, F_REQUIRED),
    PDATE("starts"),
    PDATE("ends"),
    TEXT("place", 200, 0),
    MUNICIPALITY_REF,
    REF("network", "network_id", "network", "id", "networks", "_network_id"),
    {.name = "organisers", .type = FT_ORGANISERS, .join_table = "event"},
    TEXT("description", 20000, 0),
    TEXT("url", 500, F_URL),
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of event"},
    FILTER_CENTRE_ANY("_centre_ids"),
    FILTER_NETWORK("_network_id"),
    FILTER_MUNICIPALITY("_municipality_number"),
    {"date", FILTER_DATE_RANGE, "_date_lo", "_date_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {
    {"date", "coalesce(t._date_lo, '-infinity'::date)", "date"},
    SORT_NAME("name"),
    SORTS_TIMES,
    SORT_END,
};

const collection events_collection = {
    .name = "events",
    .view = "api_events",
    .key = "id",
    .key_type = "uuid",
    .alt_key = "slug",
    .fields = fields,
    .filters = filters,
    .sorts = sorts,
    .default_desc = 1,
    .searchable = 1,
    .has_public = 1,
    .has_updated_at = 1,
    .table = "event",
    .rule = RULE_CENTRE_CONTENT,
};
