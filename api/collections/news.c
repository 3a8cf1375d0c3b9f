#include "collections/common.h"

static const field fields[] = {
    ITEM_ID_FIELDS,
    TEXT("title", 300, F_REQUIRED | F_NAME),
    {.name = "date", .type = FT_PARTIAL_DATE, .flags = F_REQUIRED},
    CENTRE_REF("centre", "centre_id", "_centre_id"),
    TEXT("summary", 5000, 0),
    TEXT("body", 100000, 0),
    TEXT("url", 500, F_URL),
    TEXT("source", 300, 0),
    REF("report", "report_id", "report", "id", "reports", "_report_id"),
    REF("event", "event_id", "event", "id", "events", "_event_id"),
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    FILTER_CENTRE_ANY("_centre_ids"),
    {"date", FILTER_DATE_RANGE, "_date_lo", "_date_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {
    {"date", "t._date_lo", "date"} /* never NULL: news_date_idx */,
    {"title", "t.title", "text"},
    SORTS_TIMES,
    SORT_END,
};

const collection news_collection = {
    .name = "news",
    .view = "api_news",
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
    .table = "news",
    .rule = RULE_CENTRE_CONTENT,
};
