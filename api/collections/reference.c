/* Read-only reference collections: the topic vocabulary and the municipality registry. */
#include "collections/common.h"

static const char *const tag_kinds[] = {"recovery_factor", "chime", "core_task", "topic", NULL};

static const field tag_fields[] = {
    RO("slug", FT_TEXT),        RO("name", FT_TEXT), RO("kind", FT_ENUM),
    RO("description", FT_TEXT), {.name = NULL},
};
static const filter tag_filters[] = {
    {"kind", FILTER_IN, "kind", NULL, NULL, NULL, tag_kinds, "kinds of tag"},
    FILTER_END,
};
static const sort_key tag_sorts[] = {SORT_NAME("name"), SORT_END};

const collection tags_collection = {
    .name = "tags",
    .view = "api_tags",
    .key = "slug",
    .key_type = "text",
    .fields = tag_fields,
    .filters = tag_filters,
    .sorts = tag_sorts,
};

static const field municipality_fields[] = {
    RO("number", FT_TEXT),
    RO("slug", FT_TEXT),
    RO("name", FT_TEXT),
    RO("name_alt", FT_TEXT_ARRAY),
    RO("name_alt_lang", FT_TEXT_ARRAY),
    RO("name_official", FT_TEXT),
    RO("county", FT_REF),
    RO("region", FT_ENUM),
    RO("admin_centre", FT_TEXT),
    RO("location", FT_POINT),
    RO("point_type", FT_ENUM),
    RO("population", FT_INT),
    RO("population_date", FT_DATE),
    {.name = NULL},
};
static const filter municipality_filters[] = {
    {"county", FILTER_REF, "_county_number", NULL, "county", "number", NULL, "counties"},
    {"region", FILTER_IN, "region", NULL, NULL, NULL, region_values, "health regions"},
    {"population", FILTER_INT_RANGE, "population", NULL, NULL, NULL, NULL, NULL},
    FILTER_END,
};
static const sort_key municipality_sorts[] = {
    {"number", "t.number", "text"},
    SORT_NAME("name"),
    {"population", "t.population", "integer"},
    SORT_END,
};

const collection municipalities_collection = {
    .name = "municipalities",
    .view = "api_municipalities",
    .key = "number",
    .key_type = "text",
    .alt_key = "slug",
    .fields = municipality_fields,
    .filters = municipality_filters,
    .sorts = municipality_sorts,
    .geo = "_geog",
    .lookup = "_lookup_keys",
};
