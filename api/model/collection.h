/* A collection is data: its view, fields, filters and sort keys. The generic handlers in
 * handlers/items.c and the SQL composer in db/sql.c read these descriptors; adding a
 * collection is a migration (table + api_<name> view) plus one descriptor file. */
#ifndef KP_MODEL_COLLECTION_H
#define KP_MODEL_COLLECTION_H

#include <stddef.h>

typedef enum field_type {
    FT_TEXT,
    FT_ENUM,
    FT_INT,
    FT_NUMBER,
    FT_BOOL,
    FT_UUID,
    FT_TIME,         /* timestamptz, RFC 3339 */
    FT_DATE,         /* YYYY-MM-DD */
    FT_PARTIAL_DATE, /* EDTF string in, {"value","precision","earliest","latest"} out */
    FT_REF,          /* {"id","slug","name"} */
    FT_REFS,         /* array of refs */
    FT_TAGS,         /* array of tag slugs */
    FT_TEXT_ARRAY,
    FT_JSON,
    FT_POINT,        /* {"lat","lon"} */
    FT_ORGANISERS,   /* [{"type":"centre"|"organisation","id","slug","name"}] */
    FT_CONTACT,      /* {"name","role","phone","email"} over contact_* columns */
    FT_SERVICE_AREA, /* {"counties":[…],"municipalities":[…]} over two text[] columns */
} field_type;

#define F_READONLY (1u << 0) /* computed or bookkeeping: never accepted in a body */
#define F_REQUIRED (1u << 1) /* must be given on create, may not be patched to null */
#define F_SLUG     (1u << 2) /* the item's slug: [a-z0-9-], generated from the name if absent */
#define F_URL      (1u << 3) /* text that must be an http(s) URL */
#define F_EMAIL    (1u << 4) /* text that must be an e-mail address */
#define F_NAME     (1u << 5) /* the item's display name (slugs are made from it) */

typedef enum json_shape {
    JS_ANY,
    JS_OPENING_HOURS,    /* [{"day":"mon".."sun","opens":"HH:MM","closes":"HH:MM"}] */
    JS_HOURS_EXCEPTIONS, /* [{"date":"YYYY-MM-DD","closed":bool,"opens","closes","note"}] */
    JS_GROUP_WORK,       /* [{"round":int,"question":str,"findings":[str]}] */
} json_shape;

typedef struct field {
    const char *name; /* JSON name, equal to the view column */
    field_type type;
    unsigned flags;
    const char *embeds;    /* include=<name> embeds items of this collection */
    const char *embed_ids; /* hidden view column with the referenced id(s) */
    /* writing */
    const char *column;        /* table column; NULL: the JSON name */
    int max_len;               /* text: characters; arrays: items (0: defaults) */
    const char *const *values; /* FT_ENUM: allowed values, NULL-terminated */
    const char *ref_table;     /* FT_REF/FT_REFS: table of the referenced items */
    const char *ref_key;       /* its key column ("id", "number") */
    const char *join_table;    /* FT_REFS: link table (self column = <table>_id) */
    const char *join_column;   /* FT_REFS: link table's column for the other side */
    json_shape shape;          /* FT_JSON */
} field;

typedef enum filter_kind {
    FILTER_IN,         /* column = any of the values (checked against `values` if given) */
    FILTER_REF,        /* column = the id/number of any item named by id, number or slug */
    FILTER_REF_ARRAY,  /* column (an array) overlaps the named items */
    FILTER_TAGS,       /* column (text[]) overlaps the values */
    FILTER_DATE_RANGE, /* <param>_from / <param>_to on [column, column_hi] */
    FILTER_INT_RANGE,  /* <param>_from / <param>_to on column */
} filter_kind;

typedef struct filter {
    const char *param;
    filter_kind kind;
    const char *column;
    const char *column_hi;     /* FILTER_DATE_RANGE: latest day; column is the earliest */
    const char *ref_table;     /* FILTER_REF*: table holding the named items */
    const char *ref_key;       /* its key column: "id" or "number" */
    const char *const *values; /* FILTER_IN: allowed values, NULL-terminated; NULL = any */
    const char *help;
} filter;

typedef struct sort_key {
    const char *name; /* as in sort=name / sort=-name */
    const char *expr; /* SQL over the view alias t; never NULL-valued */
    const char *type; /* SQL type of expr, for the keyset cursor cast */
} sort_key;

/* Who may write a collection (besides admins, who may write everything). */
typedef enum publish_rule {
    RULE_READ_ONLY,      /* nobody writes through the API */
    RULE_ADMIN,          /* admins only */
    RULE_CENTRE_CONTENT, /* editors create and change items owned by their centre(s) */
    RULE_CENTRE_RECORD,  /* editors change their own centre's record (and its units) */
    RULE_NETWORK,        /* editors change networks their centre organises or owns */
} publish_rule;

typedef struct collection {
    const char *name;      /* URL segment: /v1/<name> */
    const char *view;      /* api_<name> */
    const char *key;       /* key column: "id" (uuid), "number" or "slug" */
    const char *key_type;  /* "uuid" or "text" */
    const char *alt_key;   /* second way to name an item ("slug"), or NULL */
    const field *fields;   /* terminated by {NULL} */
    const filter *filters; /* terminated by {NULL} */
    const sort_key *sorts; /* terminated by {NULL}; the first is the default */
    int default_desc;      /* default sort direction of sorts[0] */
    int searchable;        /* the view has _search (q=) */
    int has_public;        /* the view has _public: rows hidden from anonymous readers */
    int has_updated_at;    /* updated_since= */
    const char *geo;       /* hidden geography column, or NULL */
    const char *lookup;    /* hidden text[] column of alternative keys, or NULL */
    /* writing; table NULL: read-only collection */
    const char *table;
    publish_rule rule;
    /* The stored document (migrations/0011) as SQL over item_doc d and the view row t;
     * NULL: d.doc. */
    const char *doc_select;
} collection;

/* The registry (model/registry.c). */
const collection *const *collections_all(void);
const collection *collection_find(const char *name);
const field *collection_field(const collection *c, const char *name);

#endif
