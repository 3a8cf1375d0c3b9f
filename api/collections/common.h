/* Pieces every content collection shares; a descriptor lists its own fields and then these.
 * Fields are written with designated initializers: name, type and flags first, then what
 * writing needs (column, limits, enum values, reference table). */
#ifndef KP_COLLECTIONS_COMMON_H
#define KP_COLLECTIONS_COMMON_H

#include "model/collection.h"

extern const char *const region_values[];
extern const char *const status_values[];

#define RO(n, t)                                                                                   \
    { .name = n, .type = t, .flags = F_READONLY }
#define TEXT(n, len, fl)                                                                           \
    { .name = n, .type = FT_TEXT, .flags = (fl), .max_len = (len) }
#define ENUM(n, vals, fl)                                                                          \
    { .name = n, .type = FT_ENUM, .flags = (fl), .values = (vals) }
#define TEXTS(n, items)                                                                            \
    { .name = n, .type = FT_TEXT_ARRAY, .max_len = (items) }
#define PDATE(n)                                                                                   \
    { .name = n, .type = FT_PARTIAL_DATE }
#define REF(n, col, table, key, embeds_coll, ids)                                                  \
    {                                                                                              \
        .name = n, .type = FT_REF, .column = col, .ref_table = table, .ref_key = key,              \
        .embeds = embeds_coll, .embed_ids = ids                                                    \
    }
#define CENTRE_REF(n, col, ids) REF(n, col, "centre", "id", "centres", ids)
#define MUNICIPALITY_REF                                                                           \
    REF("municipality", "municipality_number", "municipality", "number", "municipalities",         \
        "_municipality_number")

#define ITEM_ID_FIELDS                                                                             \
    RO("id", FT_UUID), {                                                                           \
        .name = "slug", .type = FT_TEXT, .flags = F_SLUG, .max_len = 120                           \
    }

#define ITEM_BOOKKEEPING_FIELDS                                                                    \
    {.name = "tags", .type = FT_TAGS, .max_len = 30}, ENUM("status", status_values, 0),            \
        {.name = "publish_at", .type = FT_TIME},                                                   \
        CENTRE_REF("owner_centre", "owner_centre_id", "_owner_centre_id"), RO("version", FT_INT),  \
        RO("created_at", FT_TIME), RO("updated_at", FT_TIME), {                                    \
        .name = NULL                                                                               \
    }

#define FILTER_TAG                                                                                 \
    { "tag", FILTER_TAGS, "tags", NULL, NULL, NULL, NULL, "topic tag slugs" }
#define FILTER_CENTRE_ANY(col)                                                                     \
    { "centre", FILTER_REF_ARRAY, col, NULL, "centre", "id", NULL, "centre ids or slugs" }
#define FILTER_MUNICIPALITY(col)                                                                   \
    {                                                                                              \
        "municipality", FILTER_REF, col, NULL, "municipality", "number", NULL,                     \
            "municipality numbers or slugs"                                                        \
    }
#define FILTER_NETWORK(col)                                                                        \
    { "network", FILTER_REF, col, NULL, "network", "id", NULL, "network ids or slugs" }
#define FILTER_END                                                                                 \
    { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }

#define SORT_NAME(col)                                                                             \
    { "name", "t." col, "text" }
#define SORTS_TIMES                                                                                \
    {"created_at", "t.created_at", "timestamptz"}, {                                               \
        "updated_at", "t.updated_at", "timestamptz"                                                \
    }
#define SORT_END                                                                                   \
    { NULL, NULL, NULL }

#endif
