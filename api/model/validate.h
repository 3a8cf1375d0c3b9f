/* A JSON body checked against a collection descriptor, field by field, into column
 * assignments with $n parameters. Every failing field is listed (errors[].field is a JSON
 * path such as "location.lat" or "opening_hours[2].opens"); nothing is written unless all
 * pass. */
#ifndef KP_MODEL_VALIDATE_H
#define KP_MODEL_VALIDATE_H

#include "db/pool.h"
#include "http/problem.h"
#include "model/collection.h"

#include <jansson.h>

#define WS_MAX_COLS   64
#define WS_MAX_PARAMS 128
#define WS_MAX_LINKS  8

typedef struct ws_col {
    const char *column;
    char expr[200]; /* SQL over $n parameters */
} ws_col;

/* A link table whose rows for this item are replaced: (<table>_id, column). Its value (a
 * uuid[] literal) is kept apart from the column parameters, so every $n of the INSERT or
 * UPDATE is used by it. */
typedef struct ws_link {
    char table[64];
    const char *column; /* the other side */
    char *value;        /* owned */
} ws_link;

typedef struct write_set {
    ws_col cols[WS_MAX_COLS];
    int ncols;
    ws_link links[WS_MAX_LINKS];
    int nlinks;
    char *params[WS_MAX_PARAMS]; /* owned */
    int nparams;
    int has_slug;
    int has_owner;
    char owner_centre[40];  /* owner_centre as given (resolved id), "" if not given */
    int owner_null;         /* owner_centre: null */
    const char *name_param; /* $n of the display name, for slug generation */
    int name_param_no;
} write_set;

void write_set_init(write_set *ws);
void write_set_cleanup(write_set *ws);
/* Adds a parameter (copied); returns its $n number. */
int ws_param(write_set *ws, const char *value);

/* Checks body (an object) for create (all required fields) or patch (merge patch: null
 * clears). db resolves references and tags (NULL: their form only, for fuzzing and unit
 * tests). Returns 0, or -1 with a 422 (or 503) in p. */
int validate_body(const collection *c, json_t *body, int create, db_conn *db, write_set *ws,
                  problem *p);

#endif
