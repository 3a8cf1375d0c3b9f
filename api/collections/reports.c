#include "collections/common.h"

static const char *const kinds[] = {"learning_network_report", "final_report", "evaluation",
                                    "project_report", NULL};

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("title", 300, F_REQUIRED | F_NAME),
    ENUM("kind", kinds, F_REQUIRED),
    PDATE("date"),
    TEXT("place", 200, 0),
    MUNICIPALITY_REF,
    REF("network", "network_id", "network", "id", "networks", "_network_id"),
    {.name = "organisers", .type = FT_ORGANISERS, .join_table = "report"},
    {.name = "participant_count", .type = FT_INT},
    {.name = "centres_present",
     .type = FT_REFS,
     .embeds = "centres",
     .embed_ids = "_present_ids",
     .ref_table = "centre",
     .ref_key = "id",
     .join_table = "report_centre_present",
     .join_column = "centre_id",
     .max_len = 100},
    TEXT("summary", 5000, 0),
    TEXT("body", 100000, 0),
    {.name = "group_work", .type = FT_JSON, .shape = JS_GROUP_WORK},
    TEXTS("evaluation_quotes", 100),
    TEXTS("speakers", 100),
    TEXT("minutes_taker", 200, 0),
    TEXT("url", 500, F_URL),
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
    .table = "report",
    .rule = RULE_CENTRE_CONTENT,
};
