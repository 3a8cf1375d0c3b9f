#include "collections/common.h"

static const char *const kinds[] = {"conference", "workshop", "meeting", "gathering",
                                    "debate",     "stand",    "course",  NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"name", FT_TEXT, 0, NULL, NULL},
    {"subtitle", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"starts", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"ends", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"place", FT_TEXT, 0, NULL, NULL},
    {"municipality", FT_REF, 0, "municipalities", "_municipality_number"},
    {"network", FT_REF, 0, "networks", "_network_id"},
    {"organisers", FT_REFS, 0, NULL, NULL},
    {"description", FT_TEXT, 0, NULL, NULL},
    {"url", FT_TEXT, 0, NULL, NULL},
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
};
