-- Back to GIN indexes for full-text search, keeping RUM's `<=>` ranking (0012). Measured on
-- the benchmark data (news, q= matching 2 % of the rows): the queries cost the same with
-- either index (~0.64 ms of PostgreSQL per query on 20,000 items), because ties by key make
-- PostgreSQL rank and sort every match whichever index finds them; but maintaining the RUM
-- index made each write of a searchable item ~10 % dearer (authenticated POST/PATCH:
-- 384 → 459 per second). `<=>` stays: rum's distance function needs no index.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['centre', 'network', 'report', 'resource', 'practice', 'news',
                             'event'] LOOP
        IF to_regclass(t || '_search_rum_idx') IS NOT NULL THEN
            EXECUTE format('CREATE INDEX %I ON %I USING gin (search)', t || '_search_idx', t);
            EXECUTE format('DROP INDEX %I', t || '_search_rum_idx');
        END IF;
    END LOOP;
END $$;
