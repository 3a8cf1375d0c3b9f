-- open_now was computed on every read (kp_open_now per centre: ~30 µs each, so 0.6 ms of a
-- list of 20). It only changes at opening and closing times, so the stored document now
-- holds it, and the scheduler (kp_refresh_open_now, every second) refreshes the documents
-- whose state may have changed since: centre_open records, for each published centre,
-- until when its stored open_now is certain to hold.

CREATE TABLE centre_open (
    id uuid PRIMARY KEY REFERENCES centre (id) ON DELETE CASCADE,
    until timestamptz NOT NULL
);
CREATE INDEX centre_open_until_idx ON centre_open (until);

-- The first moment after `at` at which kp_open_now may answer differently: the next opening
-- or closing time today (Europe/Oslo; from the day's exception when there is one, else the
-- weekly hours), or the next local midnight, when another day's hours apply. Never when
-- the centre is not open for business (only a write changes that).
CREATE FUNCTION kp_open_until(operating_status text, hours jsonb, exceptions jsonb,
                              at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH here AS (SELECT (at AT TIME ZONE 'Europe/Oslo') AS local),
    today AS (
        SELECT e AS spans FROM jsonb_array_elements(exceptions) e, here
         WHERE e->>'date' = here.local::date::text
        UNION ALL
        SELECT h FROM jsonb_array_elements(hours) h, here
         WHERE h->>'day' = (ARRAY['mon','tue','wed','thu','fri','sat','sun'])
                           [extract(isodow FROM local)::int]
    ),
    edges AS (
        SELECT (here.local::date + (t.s)::time) AT TIME ZONE 'Europe/Oslo' AS moment
          FROM today, here,
               LATERAL (VALUES (today.spans->>'opens'), (today.spans->>'closes')) t(s)
         WHERE t.s IS NOT NULL
        UNION ALL
        SELECT (here.local::date + 1)::timestamp AT TIME ZONE 'Europe/Oslo' FROM here
    )
    SELECT CASE WHEN operating_status <> 'open' THEN 'infinity'::timestamptz
                ELSE (SELECT min(moment) FROM edges WHERE moment > at) END
$$;

-- The documents now keep the open_now the view computes (0011 stored null).
DO $$
DECLARE
    t text;
    cols text;
    body text := '';
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
                             'practice', 'news', 'event'] LOOP
        SELECT string_agg(format('v.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
          FROM pg_attribute a
         WHERE a.attrelid = kp_view_of(t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
           AND left(a.attname, 1) <> '_';
        body := body || format(
            '    IF tbl = %L THEN SELECT row_to_json(j)::text INTO d FROM (SELECT %s FROM %I v '
            'WHERE v.id = item) j; END IF;' || chr(10), t, cols, kp_view_of(t));
    END LOOP;
    EXECUTE 'CREATE OR REPLACE FUNCTION kp_compute_doc(tbl text, item uuid) RETURNS text '
         || 'LANGUAGE plpgsql STABLE AS $f$' || chr(10) || 'DECLARE d text;' || chr(10)
         || 'BEGIN' || chr(10) || body || '    RETURN d;' || chr(10) || 'END $f$';
END $$;

-- As in 0011, and for centres it records until when the stored open_now holds.
CREATE OR REPLACE FUNCTION kp_refresh_doc(tbl text, item uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d text := kp_compute_doc(tbl, item);
    fresh boolean; -- NULL: unchanged, true: a new document, false: a changed one
    refs uuid[];
BEGIN
    IF tbl = 'centre' THEN
        IF d IS NULL THEN
            DELETE FROM centre_open WHERE id = item;
        ELSE
            INSERT INTO centre_open (id, until)
            SELECT c.id, kp_open_until(c.operating_status, c.opening_hours, c.hours_exceptions,
                                       now())
              FROM centre c WHERE c.id = item
            ON CONFLICT (id) DO UPDATE SET until = excluded.until;
        END IF;
    END IF;
    IF d IS NULL THEN
        DELETE FROM item_doc WHERE id = item;
        DELETE FROM doc_ref WHERE src_table = tbl AND src_id = item;
        RETURN;
    END IF;
    INSERT INTO item_doc (id, doc) VALUES (item, d)
    ON CONFLICT (id) DO UPDATE SET doc = excluded.doc WHERE item_doc.doc <> excluded.doc
    RETURNING xmax = 0 INTO fresh;
    IF fresh IS NULL THEN RETURN; END IF; -- same document: same references
    refs := ARRAY(SELECT DISTINCT m[1]::uuid FROM regexp_matches(d,
        '"id" ?: ?"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"', 'g') m
        WHERE m[1]::uuid <> item ORDER BY 1);
    -- most edits change text, not references: touch doc_ref only when they differ
    IF NOT fresh AND refs = ARRAY(SELECT dst_id FROM doc_ref WHERE src_table = tbl
                                   AND src_id = item ORDER BY dst_id) THEN
        RETURN;
    END IF;
    IF NOT fresh THEN
        DELETE FROM doc_ref WHERE src_table = tbl AND src_id = item;
    END IF;
    INSERT INTO doc_ref (src_table, src_id, dst_id) SELECT tbl, item, r FROM unnest(refs) r;
END $$;

-- Called by the server's scheduler every second: refreshes the documents of centres that
-- may have opened or closed (a few per centre and day), and tells the response caches.
CREATE FUNCTION kp_refresh_open_now() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint := 0;
BEGIN
    FOR r IN SELECT id FROM centre_open WHERE until <= now() ORDER BY until LIMIT 2000
             FOR UPDATE SKIP LOCKED LOOP
        PERFORM kp_refresh_doc('centre', r.id);
        n := n + 1;
    END LOOP;
    IF n > 0 THEN
        PERFORM nextval('kp_cache_generation');
        PERFORM pg_notify('kp_cache', '');
    END IF;
    RETURN n;
END $$;

SELECT kp_refresh_doc('centre', id) FROM centre;
