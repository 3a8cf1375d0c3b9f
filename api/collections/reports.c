#include "collections/common.h"

static const char *const kinds[] = {"learning_network_report", "final_report", "evaluation",
                                    "project_report", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"title", FT_TEXT, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, NULL, NULL},
    {"date", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"place", FT_TEXT, 0, NULL, NULL},
    {"municipality", FT_REF, 0, "municipalities", "_municipality_number"},
    {"network", FT_REF, 0, "networks", "_network_id"},
    {"organisers", FT_REFS, 0, NULL, NULL},
    {"participant_count", FT_INT, 0, NULL, NULL},
    {"centres_present", FT_REFS, 0, "centres", "_present_ids"},
    {"summary", FT_TEXT, 0, NULL, NULL},
    {"body", FT_TEXT, 0, NULL, NULL},
    {"group_work", FT_JSON, 0, NULL, NULL},
    {"evaluation_quotes", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"speakers", FT_TEXT_ARRAY, 0, NULL, NULL},
    {"minutes_taker", FT_TEXT, 0, NULL, NULL},
    {"url", FT_TEXT, 0, NULL, NULL},
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, kinds, "kinds of report"},
    FILTER_CENTRE_ANY("_centre_ids"),
    FILTER_NETWORK("_network_id"),
    FILTER_MUNICIPALITY("_municipality_number"),
    {"date", FILTER_DATE_RANGE, "_date_lo", "_date_hi", NULL, NULL, NULL, NULL},
    {"participant_count", FILTER_INT_RANGE, "participant_count", NULL, NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {
    {"date", "coalesce(t._date_lo, '-infinity'::date)", "date"},
    {"title", "t.title", "text"},
    SORTS_TIMES,
    SORT_END,
};

const collection reports_collection = {
    .name = "reports",
    .view = "api_reports",
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
