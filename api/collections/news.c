#include "collections/common.h"

static const field fields[] = {
    ITEM_ID_FIELDS,
    {"title", FT_TEXT, 0, NULL, NULL},
    {"date", FT_PARTIAL_DATE, 0, NULL, NULL},
    {"centre", FT_REF, 0, "centres", "_centre_id"},
    {"summary", FT_TEXT, 0, NULL, NULL},
    {"body", FT_TEXT, 0, NULL, NULL},
    {"url", FT_TEXT, 0, NULL, NULL},
    {"source", FT_TEXT, 0, NULL, NULL},
    {"report", FT_REF, 0, "reports", "_report_id"},
    {"event", FT_REF, 0, "events", "_event_id"},
    ITEM_BOOKKEEPING_FIELDS,
};

static const filter filters[] = {
    FILTER_CENTRE_ANY("_centre_ids"),
    {"date", FILTER_DATE_RANGE, "_date_lo", "_date_hi", NULL, NULL, NULL, NULL},
    FILTER_TAG,
    FILTER_END,
};

static const sort_key sorts[] = {
    {"date", "coalesce(t._date_lo, '-infinity'::date)", "date"},
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
};
