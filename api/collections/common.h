/* Pieces every content collection shares; a descriptor lists its own fields and then these. */
#ifndef KP_COLLECTIONS_COMMON_H
#define KP_COLLECTIONS_COMMON_H

#include "model/collection.h"

#define ITEM_ID_FIELDS                                                                             \
    {"id", FT_UUID, F_READONLY, NULL, NULL}, {                                                     \
        "slug", FT_TEXT, 0, NULL, NULL                                                             \
    }

#define ITEM_BOOKKEEPING_FIELDS                                                                    \
    {"tags", FT_TAGS, 0, NULL, NULL}, {"status", FT_ENUM, 0, NULL, NULL},                          \
        {"publish_at", FT_TIME, 0, NULL, NULL},                                                    \
        {"owner_centre", FT_REF, F_READONLY, "centres", "_owner_centre_id"},                       \
        {"version", FT_INT, F_READONLY, NULL, NULL},                                               \
        {"created_at", FT_TIME, F_READONLY, NULL, NULL},                                           \
        {"updated_at", FT_TIME, F_READONLY, NULL, NULL}, {                                         \
        NULL, 0, 0, NULL, NULL                                                                     \
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

extern const char *const region_values[];

#endif
