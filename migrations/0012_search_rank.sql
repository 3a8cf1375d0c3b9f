-- Ranked search without reading every match. Ordering by ts_rank made PostgreSQL fetch each
-- matching row and rank its search vector (2,000 matches: ~9 ms per query). A RUM index
-- (postgresql-15-rum) stores each lexeme's positions and weights, so it computes the
-- distance `search <=> query` (1 / the weighted match score: title above summary above
-- body) inside the index and returns the rows best first; a page reads only its own rows
-- (plus the rest of a tie group at its end, see api/db/sql.c). The RUM index also answers
-- `@@` filters, so it replaces the GIN index.
--
-- Without the extension (a managed or stock PostGIS database), `<=>` is defined here as
-- 1 / ts_rank with the same weights, and the GIN indexes stay: the same answers, ordered
-- the slow way.
DO $$
DECLARE t text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS rum;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'rum unavailable (%); ranking search results without an index', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum') THEN
        FOREACH t IN ARRAY ARRAY['centre', 'network', 'report', 'resource', 'practice', 'news',
                                 'event'] LOOP
            EXECUTE format('CREATE INDEX %I ON %I USING rum (search rum_tsvector_ops)',
                           t || '_search_rum_idx', t);
            EXECUTE format('DROP INDEX %I', t || '_search_idx');
        END LOOP;
    ELSE
        CREATE FUNCTION kp_ts_distance(v tsvector, q tsquery) RETURNS real
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            'SELECT CASE WHEN r > 0 THEN 1 / r ELSE ''Infinity''::real END FROM ts_rank(v, q) r';
        CREATE OPERATOR <=> (LEFTARG = tsvector, RIGHTARG = tsquery, FUNCTION = kp_ts_distance);
    END IF;
END $$;
