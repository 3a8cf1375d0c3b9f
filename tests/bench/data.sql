-- Benchmark data set for `make bench`: :centres centres spread over Norway and :news news
-- items, generated deterministically (every "random" choice is a hash of the row number,
-- ids are md5-derived UUIDs), so every run measures the same rows.
--
--   psql -v centres=10000 -v news=100000 -v editor_centre=bench-centre-1 -f data.sql
--
-- Centres sit at a municipality's point (the `municipality` table, round-robin over all
-- 357) plus a jitter of up to ~9 km. News item i belongs to centre 1 + (i*7919 mod centres);
-- every 50th item is owned by :editor_centre, so the write benchmark's editor has
-- existing items to PATCH. About 2 % of news items and 5 % of centres mention
-- "friluftsliv" (the default search word, BENCH_Q).
--
-- Item documents: migration 0011's row triggers centre_doc and news_doc
-- (kp_doc_trigger -> kp_refresh_tree -> kp_refresh_doc) would build each new row's
-- item_doc and doc_ref rows one at a time, which made this load take minutes. They are
-- off while the rows go in (in this transaction only: ALTER TABLE takes the tables' lock
-- and a failure rolls the change back), and pg_temp.docs() below does the same work for
-- all new rows of a table at once; a sample is then checked against kp_refresh_doc
-- itself. Every other trigger (tags, change notification) fires as usual.
--
-- Indexes: the indexes of centre and news that back no constraint (search, tags, dates …)
-- are dropped before a table's rows go in and made again, from their own definitions,
-- right after: one bulk build is several times faster than as many single inserts,
-- above all into the RUM search index (migration 0012).
\set ON_ERROR_STOP 1

BEGIN;
ALTER TABLE centre DISABLE TRIGGER centre_doc;
ALTER TABLE news DISABLE TRIGGER news_doc;

-- h(n, salt): a deterministic number in [0, 1).
CREATE FUNCTION pg_temp.h(n bigint, salt text) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(md5(salt || ':' || n), 1, 8))::bit(32)::bigint / 4294967296.0
$$;
-- pick(arr, n, salt): a deterministic element of arr.
CREATE FUNCTION pg_temp.pick(arr text[], n bigint, salt text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT arr[1 + floor(pg_temp.h(n, salt) * array_length(arr, 1))::int]
$$;
-- pick_k(arr, n, salt, k): for k = 0, 1, 2 three different elements of arr.
CREATE FUNCTION pg_temp.pick_k(arr text[], n bigint, salt text, k int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT arr[1 + (floor(pg_temp.h(n, salt) * array_length(arr, 1))::int
                    + k * (1 + floor(pg_temp.h(n, salt || 's') * ((array_length(arr, 1) - 1) / 2))::int))
                   % array_length(arr, 1)]
$$;

CREATE TEMP TABLE bench_muni AS
SELECT (row_number() OVER (ORDER BY m.number) - 1)::int AS k, m.number, m.name,
       m.admin_centre, ST_Y(m.location::geometry) AS lat, ST_X(m.location::geometry) AS lon,
       k2.region
FROM municipality m JOIN county k2 ON k2.number = m.county_number;
CREATE UNIQUE INDEX ON bench_muni (k);
ANALYZE bench_muni;

-- words(list): the word lists, as constants, so w() and wk() below are inlined into the
-- generating queries (a lookup table cost a query per call, most of the load time).
CREATE FUNCTION pg_temp.words(list text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE list
        WHEN 'centre_prefix' THEN '{"Brukerstyrt senter","Recoveryskolen","Møteplassen","Aktivitetshuset",'
                                  '"Erfaringssenteret","Ressurssenteret","Fontenehuset","Værestedet"}'
        WHEN 'subject' THEN '{Senteret,Vi,Huset,Møteplassen,Fellesskapet}'
        WHEN 'activity' THEN '{"kurs i livsmestring","et sosialt fellesskap",arbeidstrening,turgrupper,'
                             'kunstverksted,matlaging,erfaringsutveksling,samtalegrupper,musikkverksted,'
                             'likepersonsarbeid,veiledning,trening,hagearbeid,"kafé og lunsj",'
                             '"kurs for pårørende","hjelp med skole og jobb"}'
        WHEN 'group' THEN '{"brukere og pårørende","unge voksne",eldre,"alle som ønsker det",'
                          '"personer med rusproblemer","personer med psykiske helseutfordringer",'
                          'innvandrere,studenter,familier}'
        WHEN 'value' THEN '{medmenneskelighet,åpenhet,likeverd,respekt,håp,trygghet,tilhørighet,'
                          'mestring,inkludering,raushet}'
        WHEN 'centre_extra' THEN '{"Alle er velkomne, og det er ingen krav om henvisning.",'
                                 '"Vi samarbeider tett med kommunen og spesialisthelsetjenesten.",'
                                 '"Tilbudet er gratis og drives av folk med egen erfaring.",'
                                 '"Vi holder åpent hus hver onsdag med felles middag.",'
                                 '"Erfaringskonsulenter deler kunnskap fra egen bedringsprosess."}'
        WHEN 'kind' THEN '{local,local,local,local,regional,recovery_college,department}'
        WHEN 'tag' THEN '{tilhorighet,identitet,hap,egenmakt,mening-i-livet,livsmestring,'
                        'brukermedvirkning,tjenesteutvikling,psykisk-helse,rus,brukerstyring,'
                        'erfaringskunnskap,erfaringskonsulent,parorende,lavterskel,arbeidstrening,kurs,'
                        'selvhjelp,nettverk,sosial-moteplass,medborgerskap}'
        WHEN 'title_adj' THEN '{Ny,Vellykket,Stor,Årlig,Første,Inspirerende,Travel,Lærerik,Fullsatt}'
        WHEN 'title_kind' THEN '{"samling om","konferanse om","kurs i","temadag om","seminar om",'
                               '"fagdag om","verksted om","åpent møte om"}'
        WHEN 'topic' THEN '{recovery,livsmestring,brukermedvirkning,erfaringskunnskap,pårørendearbeid,'
                          'likepersonsarbeid,arbeidstrening,"psykisk helse",rusomsorg,fellesskap,'
                          'tjenesteutvikling,"håp og mestring",bedringsprosesser,selvhjelp,'
                          'ensomhet,boligsosialt arbeid}'
        WHEN 'verb' THEN '{diskutere,lære,"dele erfaringer om","snakke om","jobbe med","planlegge"}'
        WHEN 'place' THEN '{kulturhuset,rådhuset,biblioteket,"senterets lokaler",hotellet,'
                          'universitetet,samfunnshuset,ungdomshuset}'
        WHEN 'news_extra' THEN '{"Deltakerne roste programmet og ønsker en ny samling neste år.",'
                               '"Innlederne hadde selv erfaring fra psykisk helsevern og rusomsorg.",'
                               '"Kommunen stilte med representanter fra både helse og NAV.",'
                               '"Det ble servert lunsj, og mange ble igjen til uformell prat.",'
                               '"Evalueringen viser at de fleste lærte noe nytt om egen mestring.",'
                               '"Pårørende fikk egen gruppe med veiledning.",'
                               '"Neste samling planlegges til høsten."}'
    END::text[]
$$;

CREATE FUNCTION pg_temp.w(list text, n bigint, salt text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.pick(pg_temp.words(list), n, salt)
$$;
CREATE FUNCTION pg_temp.wk(list text, n bigint, salt text, k int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.pick_k(pg_temp.words(list), n, salt, k)
$$;

-- ---------------------------------------------------------------------------------------
-- Indexes (dropped for the inserts, built again after them)
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE bench_idx (tbl text NOT NULL, name text NOT NULL, def text NOT NULL);

-- drop_indexes(t): drop the indexes of t that nothing else depends on or describes (no
-- constraint, not clustered on, not the replica identity, no comment); remember them.
CREATE PROCEDURE pg_temp.drop_indexes(t text) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT i.indexrelid::regclass AS idx, pg_get_indexdef(i.indexrelid) AS def
             FROM pg_index i
             WHERE i.indrelid = t::regclass AND NOT i.indisclustered AND NOT i.indisreplident
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               AND obj_description(i.indexrelid, 'pg_class') IS NULL LOOP
        INSERT INTO bench_idx VALUES (t, r.idx::text, r.def);
        EXECUTE format('DROP INDEX %s', r.idx);
    END LOOP;
END $$;

-- restore_indexes(t): build them again.
CREATE PROCEDURE pg_temp.restore_indexes(t text) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN DELETE FROM bench_idx WHERE tbl = t RETURNING def LOOP
        EXECUTE r.def;
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------
-- Documents (what the *_doc triggers do, for many rows at once)
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE bench_new (tbl text NOT NULL, id uuid NOT NULL, PRIMARY KEY (tbl, id));

-- docs(t): kp_refresh_tree(t, id) for every new row (tbl = t) of bench_new.
CREATE PROCEDURE pg_temp.docs(t text) LANGUAGE plpgsql AS $$
BEGIN
    -- kp_refresh_doc: the item's document ...
    INSERT INTO item_doc (id, doc)
    SELECT n.id, d.doc
    FROM bench_new n CROSS JOIN LATERAL (SELECT kp_compute_doc(t, n.id) AS doc) d
    WHERE n.tbl = t AND d.doc IS NOT NULL;
    -- ... and the other ids it mentions: kp_refresh_doc finds the "id": "<uuid>" pairs
    -- with a regular expression; the same pairs found as JSON cost a fifth of that
    -- (check() below compares with the regular expression's answer)
    INSERT INTO doc_ref (src_table, src_id, dst_id)
    SELECT DISTINCT t, i.id, v.id::uuid
    FROM bench_new n
    JOIN item_doc i ON i.id = n.id
    CROSS JOIN LATERAL jsonb_path_query(i.doc::jsonb, 'strict $.**.id') j
    CROSS JOIN LATERAL (SELECT j #>> '{}' AS id WHERE jsonb_typeof(j) = 'string') v
    WHERE n.tbl = t
      AND v.id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      AND v.id::uuid <> i.id;
    -- ... and, for a centre, until when its stored open_now holds (migrations/0014)
    IF t = 'centre' THEN
        INSERT INTO centre_open (id, until)
        SELECT c.id, kp_open_until(c.operating_status, c.opening_hours, c.hours_exceptions, now())
        FROM bench_new n JOIN centre c ON c.id = n.id
        WHERE n.tbl = t AND EXISTS (SELECT 1 FROM item_doc i WHERE i.id = c.id);
    END IF;
    -- kp_refresh_tree: older documents that mention a new item ...
    PERFORM kp_refresh_doc(o.src_table, o.src_id)
    FROM (SELECT DISTINCT r.src_table, r.src_id
          FROM doc_ref r JOIN bench_new n ON n.tbl = t AND n.id = r.dst_id
          WHERE NOT EXISTS (SELECT 1 FROM bench_new x WHERE x.tbl = r.src_table AND x.id = r.src_id)) o;
    -- ... and, for centres and networks, the older centres a new document mentions
    IF t IN ('centre', 'network') THEN
        PERFORM kp_refresh_doc('centre', o.dst_id)
        FROM (SELECT DISTINCT r.dst_id
              FROM doc_ref r
              JOIN bench_new n ON n.tbl = t AND n.id = r.src_id
              JOIN centre c ON c.id = r.dst_id
              WHERE NOT EXISTS (SELECT 1 FROM bench_new x WHERE x.tbl = 'centre' AND x.id = r.dst_id)) o;
    END IF;
END $$;

-- check(t, k): for k new rows of t, make the document, references and centre_open row
-- again with kp_refresh_doc (the triggers' own code) and fail unless they are what docs()
-- stored.
CREATE PROCEDURE pg_temp.check(t text, k int) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    bad int := 0;
BEGIN
    FOR r IN SELECT n.id, i.doc,
                    ARRAY(SELECT dst_id FROM doc_ref WHERE src_table = t AND src_id = n.id
                          ORDER BY dst_id) AS refs,
                    (SELECT o.until FROM centre_open o WHERE o.id = n.id) AS until
             FROM bench_new n LEFT JOIN item_doc i ON i.id = n.id
             WHERE n.tbl = t ORDER BY n.id LIMIT k LOOP
        DELETE FROM item_doc WHERE id = r.id;
        DELETE FROM doc_ref WHERE src_table = t AND src_id = r.id;
        DELETE FROM centre_open WHERE id = r.id;
        PERFORM kp_refresh_doc(t, r.id);
        IF (SELECT doc FROM item_doc WHERE id = r.id) IS DISTINCT FROM r.doc
           OR ARRAY(SELECT dst_id FROM doc_ref WHERE src_table = t AND src_id = r.id
                    ORDER BY dst_id) IS DISTINCT FROM r.refs
           OR (SELECT o.until FROM centre_open o WHERE o.id = r.id) IS DISTINCT FROM r.until THEN
            bad := bad + 1;
        END IF;
    END LOOP;
    IF bad > 0 THEN
        RAISE EXCEPTION 'data.sql: % of % sampled % documents differ from kp_refresh_doc', bad, k, t;
    END IF;
END $$;

-- ---------------------------------------------------------------------------------------
-- Centres
-- ---------------------------------------------------------------------------------------
CALL pg_temp.drop_indexes('centre');
INSERT INTO centre (id, slug, name, kind, region, town, municipality_number, location,
                    location_precision, location_source, description, "values", founded,
                    opening_hours, tags, status, owner_centre_id, last_verified)
SELECT md5('bench-centre-' || i)::uuid,
       'bench-centre-' || i,
       pg_temp.w('centre_prefix', i, 'cp') || ' ' || m.name || ' ' || i,
       pg_temp.w('kind', i, 'kind'),
       m.region,
       m.admin_centre,
       m.number,
       ST_SetSRID(ST_MakePoint(m.lon + (pg_temp.h(i, 'lon') - 0.5) * 0.32,
                               m.lat + (pg_temp.h(i, 'lat') - 0.5) * 0.16), 4326)::geography,
       'municipality',
       'bench',
       pg_temp.w('subject', i, 's') || ' tilbyr ' || pg_temp.wk('activity', i, 'a', 0) || ' og '
           || pg_temp.wk('activity', i, 'a', 1) || ' for ' || pg_temp.w('group', i, 'g') || ' i '
           || m.name || '. Våre verdier er ' || pg_temp.wk('value', i, 'v', 0) || ', '
           || pg_temp.wk('value', i, 'v', 1) || ' og ' || pg_temp.wk('value', i, 'v', 2) || '. '
           || pg_temp.w('centre_extra', i, 'e')
           || CASE WHEN pg_temp.h(i, 'rare') < 0.05
                   THEN ' Om sommeren arrangerer vi friluftsliv og turer i nærmiljøet.' ELSE '' END,
       ARRAY[pg_temp.wk('value', i, 'v', 0), pg_temp.wk('value', i, 'v', 1)],
       CASE WHEN pg_temp.h(i, 'f') < 0.7 THEN (1990 + floor(pg_temp.h(i, 'fy') * 35))::int::text END,
       CASE WHEN pg_temp.h(i, 'oh') < 0.5 THEN
           '[{"day":"mon","opens":"09:00","closes":"15:00"},{"day":"tue","opens":"09:00","closes":"15:00"},'
           '{"day":"wed","opens":"09:00","closes":"19:00"},{"day":"thu","opens":"09:00","closes":"15:00"},'
           '{"day":"fri","opens":"09:00","closes":"14:00"}]'
       ELSE '[]' END::jsonb,
       ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[
                 CASE WHEN pg_temp.h(i, 'tr') < 0.4 THEN 'recovery' END,
                 pg_temp.w('tag', i, 't1'), pg_temp.w('tag', i, 't2'),
                 CASE WHEN pg_temp.h(i, 't3p') < 0.5 THEN pg_temp.w('tag', i, 't3') END]) t
             WHERE t IS NOT NULL ORDER BY t),
       'published',
       md5('bench-centre-' || i)::uuid,
       CASE WHEN pg_temp.h(i, 'lv') < 0.3 THEN date '2024-01-01' + (i % 600) END
FROM generate_series(1, :centres) i
JOIN bench_muni m ON m.k = i % (SELECT count(*) FROM bench_muni);

CALL pg_temp.restore_indexes('centre');

INSERT INTO bench_new SELECT 'centre', md5('bench-centre-' || i)::uuid FROM generate_series(1, :centres) i;
CALL pg_temp.docs('centre');

-- ---------------------------------------------------------------------------------------
-- News
-- ---------------------------------------------------------------------------------------
CALL pg_temp.drop_indexes('news');
INSERT INTO news (id, slug, title, date, centre_id, summary, body, source, tags, status,
                  owner_centre_id, created_at, updated_at)
SELECT md5('bench-news-' || i)::uuid,
       'bench-news-' || i,
       pg_temp.w('title_adj', i, 'ta') || ' ' || lower(pg_temp.w('title_kind', i, 'tk')) || ' '
           || pg_temp.w('topic', i, 'tt') || ' i ' || m.name,
       -- dates over 2010–2025; one in ten only gives the month
       CASE WHEN pg_temp.h(i, 'dp') < 0.1
            THEN to_char(date '2010-01-01' + (i * 37 % 5840), 'YYYY-MM')
            ELSE to_char(date '2010-01-01' + (i * 37 % 5840), 'YYYY-MM-DD') END,
       md5('bench-centre-' || c.k)::uuid,
       'Over ' || (10 + floor(pg_temp.h(i, 'n') * 190))::int || ' deltakere møttes på '
           || pg_temp.w('place', i, 'p') || ' i ' || m.name || ' for å '
           || pg_temp.w('verb', i, 'vb') || ' ' || pg_temp.w('topic', i, 'st') || '.',
       pg_temp.wk('news_extra', i, 'b', 0) || ' ' || pg_temp.wk('news_extra', i, 'b', 1)
           || ' Verdiene ' || pg_temp.wk('value', i, 'bv', 0) || ' og ' || pg_temp.wk('value', i, 'bv', 1)
           || ' sto sentralt.'
           || CASE WHEN pg_temp.h(i, 'rare') < 0.02
                   THEN ' Dagen ble avsluttet med friluftsliv og bål ved vannet.' ELSE '' END,
       'Benchmark',
       ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[
                 CASE WHEN pg_temp.h(i, 'tr') < 0.3 THEN 'recovery' END,
                 pg_temp.w('tag', i, 't1'),
                 CASE WHEN pg_temp.h(i, 't2p') < 0.5 THEN pg_temp.w('tag', i, 't2') END]) t
             WHERE t IS NOT NULL ORDER BY t),
       'published',
       CASE WHEN i % 50 = 0 THEN (SELECT id FROM centre WHERE slug = :'editor_centre')
            ELSE md5('bench-centre-' || c.k)::uuid END,
       timestamptz '2010-01-01 12:00+00' + (i * 37 % 5840) * interval '1 day',
       timestamptz '2010-01-01 12:00+00' + (i * 37 % 5840) * interval '1 day'
FROM generate_series(1, :news) i
CROSS JOIN LATERAL (SELECT 1 + (i::bigint * 7919 % :centres) AS k) c
JOIN bench_muni m ON m.k = c.k % (SELECT count(*) FROM bench_muni);

CALL pg_temp.restore_indexes('news');

INSERT INTO bench_new SELECT 'news', md5('bench-news-' || i)::uuid FROM generate_series(1, :news) i;
CALL pg_temp.docs('news');

CALL pg_temp.check('centre', 100);
CALL pg_temp.check('news', 100);
ALTER TABLE centre ENABLE TRIGGER centre_doc;
ALTER TABLE news ENABLE TRIGGER news_doc;

COMMIT;

VACUUM ANALYZE centre;
VACUUM ANALYZE news;
ANALYZE;
