-- EXPLAIN (ANALYZE) of the benchmark's queries, one result row per query:
--   query  ms  plan  node types  seq scans  plan JSON
-- "plan" says whether PostgreSQL chose a custom or a generic plan: the server runs its
-- statements as named prepared statements, so after five executions PostgreSQL may
-- switch to a generic plan; each query is therefore executed five times before the
-- EXPLAIN, as the server's connections do.
--
-- Two groups:
--  1. the server's own statements (bench.sh captures them from the PostgreSQL log with
--     log_min_duration_statement = 0 and passes the generated file as -v captured=FILE:
--     PREPARE with the exact text, then EXECUTE with the logged parameter values);
--  2. without captured statements, hand-written equivalents below (as api/db/sql.c wrote
--     them before the stored documents of 0011), so query shapes can be checked without
--     the server:
--     psql -At -F '<TAB>' -v q=friluftsliv -f tests/bench/explain.sql
\set ON_ERROR_STOP 1
\if :{?q}
\else
\set q friluftsliv
\endif

CREATE FUNCTION pg_temp.kp_explain(label text, stmt text, prepared text DEFAULT NULL)
RETURNS TABLE (query text, ms numeric, plan_kind text, nodes text, seq_scans text, plan jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    g0 bigint;
    g1 bigint;
BEGIN
    FOR i IN 1..5 LOOP
        EXECUTE stmt;
    END LOOP;
    SELECT generic_plans INTO g0 FROM pg_prepared_statements WHERE name = prepared;
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || stmt INTO plan;
    SELECT generic_plans INTO g1 FROM pg_prepared_statements WHERE name = prepared;
    query := label;
    ms := round((plan -> 0 ->> 'Planning Time')::numeric + (plan -> 0 ->> 'Execution Time')::numeric, 3);
    plan_kind := CASE WHEN prepared IS NULL THEN 'literal'
                      WHEN g1 > g0 THEN 'generic' ELSE 'custom' END;
    SELECT string_agg(DISTINCT n #>> '{}', ',' ORDER BY n #>> '{}') INTO nodes
      FROM jsonb_path_query(plan, 'strict $.**."Node Type"') n;
    SELECT coalesce(string_agg(DISTINCT n #>> '{}', ',' ORDER BY n #>> '{}'), '') INTO seq_scans
      FROM jsonb_path_query(plan, 'strict $.** ? (@."Node Type" == "Seq Scan")."Relation Name"') n;
    RETURN NEXT;
END $$;

-- 1. The server's statements.
\if :{?captured}
\i :captured
\endif

-- 2. Hand-written equivalents (literal values; see the header), only without captured
--    statements: they predate the stored documents (0011) and no longer show the server's
--    plans, so next to the real ones they would only mislead.
\if :{?captured}
\else
\set centre_cols 't."id", t."slug", t."name", t."short_name", t."kind", t."parent", t."units", t."region", t."town", t."address", t."municipality", t."county", t."location", t."location_precision", t."location_source", t."description", t."values", t."focus_areas", t."founded", t."opened", t."website", t."phone", t."email", t."operating_status", t."opening_hours", t."hours_exceptions", t."timezone", t."open_now", t."service_area", t."languages", t."accessibility", t."last_verified", t."networks", t."tags", t."status", t."publish_at", t."owner_centre", t."version", t."created_at", t."updated_at"'
\set news_cols 't."id", t."slug", t."title", t."date", t."centre", t."summary", t."body", t."url", t."source", t."report", t."event", t."tags", t."status", t."publish_at", t."owner_centre", t."version", t."created_at", t."updated_at"'
\set point 'ST_SetSRID(ST_MakePoint(10.39::float8, 63.43::float8), 4326)::geography'
\set mpoint '(SELECT m.location FROM municipality m WHERE m.number = ''5001'' OR m.lookup_keys @> ARRAY[kp_slugify(''5001'')] ORDER BY m.number LIMIT 1)'

SELECT * FROM pg_temp.kp_explain('sql: list 20 centres by name',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'centre_cols' || $sql$) j)::text,
        (t.name)::text, t."id"::text
    FROM api_centres t WHERE true AND t._public
    ORDER BY t.name ASC, t."id" ASC LIMIT 21$sql$);

SELECT * FROM pg_temp.kp_explain('sql: centre by slug',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'centre_cols' || $sql$) j)::text, t.version
    FROM api_centres t WHERE t."slug" = 'sagatun-recovery' AND t._public
    ORDER BY t."id" LIMIT 2$sql$);

SELECT * FROM pg_temp.kp_explain('sql: centres region=midt tag=recovery',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'centre_cols' || $sql$) j)::text,
        (t.name)::text, t."id"::text
    FROM api_centres t WHERE true AND t._public
      AND t."region"::text = ANY(string_to_array('midt', ','))
      AND t."tags" && string_to_array('recovery', ',')
    ORDER BY t.name ASC, t."id" ASC LIMIT 21$sql$);

SELECT * FROM pg_temp.kp_explain('sql: news q=' || :'q',
    format($sql$SELECT (SELECT row_to_json(j) FROM (SELECT %s) j)::text,
        (t._search <=> (SELECT websearch_to_tsquery('kp_norwegian', %L)))::text, t."id"::text
    FROM api_news t WHERE true AND t._public
      AND t._search @@ websearch_to_tsquery('kp_norwegian', %L)
    ORDER BY (t._search <=> (SELECT websearch_to_tsquery('kp_norwegian', %L))), t."id"
    LIMIT 21$sql$, :'news_cols', :'q', :'q', :'q'));

SELECT * FROM pg_temp.kp_explain('sql: news, newest 20 (default sort)',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'news_cols' || $sql$) j)::text,
        (coalesce(t._date_lo, '-infinity'::date))::text, t."id"::text
    FROM api_news t WHERE true AND t._public
    ORDER BY coalesce(t._date_lo, '-infinity'::date) DESC, t."id" DESC LIMIT 21$sql$);

SELECT * FROM pg_temp.kp_explain('sql: centres near 63.43,10.39 radius 50 km',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'centre_cols' || $sql$,
            round((ST_Distance(t."_geog", $sql$ || :'point' || $sql$) / 1000)::numeric, 3) AS distance_km) j)::text,
        ((t."_geog" <-> $sql$ || :'point' || $sql$))::text, t."id"::text
    FROM api_centres t WHERE true AND t._public AND t."_geog" IS NOT NULL
      AND ST_DWithin(t."_geog", $sql$ || :'point' || $sql$, 50000::float8)
    ORDER BY (t."_geog" <-> $sql$ || :'point' || $sql$) ASC, t."id" ASC LIMIT 21$sql$);

SELECT * FROM pg_temp.kp_explain('sql: nearest centres to municipality 5001',
    $sql$SELECT (SELECT row_to_json(j) FROM (SELECT $sql$ || :'centre_cols' || $sql$,
            round((ST_Distance(t."_geog", $sql$ || :'mpoint' || $sql$) / 1000)::numeric, 3) AS distance_km) j)::text,
        ((t."_geog" <-> $sql$ || :'mpoint' || $sql$))::text, t."id"::text
    FROM api_centres t WHERE true AND t._public AND t."_geog" IS NOT NULL
    ORDER BY (t."_geog" <-> $sql$ || :'mpoint' || $sql$) ASC, t."id" ASC LIMIT 6$sql$);

-- The same with the point as a constant: what the KNN index can do when it is not hidden
-- behind a subquery.
SELECT * FROM pg_temp.kp_explain('sql: nearest centres, point given as a constant',
    $sql$SELECT t."id"::text FROM api_centres t WHERE true AND t._public AND t."_geog" IS NOT NULL
    ORDER BY (t."_geog" <-> $sql$ || :'point' || $sql$) ASC, t."id" ASC LIMIT 6$sql$);
\endif
