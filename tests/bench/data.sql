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
\set ON_ERROR_STOP 1

BEGIN;

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

CREATE TEMP TABLE bench_muni AS
SELECT (row_number() OVER (ORDER BY m.number) - 1)::int AS k, m.number, m.name,
       m.admin_centre, ST_Y(m.location::geometry) AS lat, ST_X(m.location::geometry) AS lon,
       k2.region
FROM municipality m JOIN county k2 ON k2.number = m.county_number;
CREATE UNIQUE INDEX ON bench_muni (k);
ANALYZE bench_muni;

CREATE TEMP TABLE bench_words (name text PRIMARY KEY, w text[]);
INSERT INTO bench_words VALUES
    ('centre_prefix', '{"Brukerstyrt senter","Recoveryskolen","Møteplassen","Aktivitetshuset",'
                      '"Erfaringssenteret","Ressurssenteret","Fontenehuset","Værestedet"}'),
    ('subject', '{Senteret,Vi,Huset,Møteplassen,Fellesskapet}'),
    ('activity', '{"kurs i livsmestring","et sosialt fellesskap",arbeidstrening,turgrupper,'
                 'kunstverksted,matlaging,erfaringsutveksling,samtalegrupper,musikkverksted,'
                 'likepersonsarbeid,veiledning,trening,hagearbeid,"kafé og lunsj",'
                 '"kurs for pårørende","hjelp med skole og jobb"}'),
    ('group', '{"brukere og pårørende","unge voksne",eldre,"alle som ønsker det",'
              '"personer med rusproblemer","personer med psykiske helseutfordringer",'
              'innvandrere,studenter,familier}'),
    ('value', '{medmenneskelighet,åpenhet,likeverd,respekt,håp,trygghet,tilhørighet,'
              'mestring,inkludering,raushet}'),
    ('centre_extra', '{"Alle er velkomne, og det er ingen krav om henvisning.",'
                     '"Vi samarbeider tett med kommunen og spesialisthelsetjenesten.",'
                     '"Tilbudet er gratis og drives av folk med egen erfaring.",'
                     '"Vi holder åpent hus hver onsdag med felles middag.",'
                     '"Erfaringskonsulenter deler kunnskap fra egen bedringsprosess."}'),
    ('kind', '{local,local,local,local,regional,recovery_college,department}'),
    ('tag', '{tilhorighet,identitet,hap,egenmakt,mening-i-livet,livsmestring,'
            'brukermedvirkning,tjenesteutvikling,psykisk-helse,rus,brukerstyring,'
            'erfaringskunnskap,erfaringskonsulent,parorende,lavterskel,arbeidstrening,kurs,'
            'selvhjelp,nettverk,sosial-moteplass,medborgerskap}'),
    ('title_adj', '{Ny,Vellykket,Stor,Årlig,Første,Inspirerende,Travel,Lærerik,Fullsatt}'),
    ('title_kind', '{"samling om","konferanse om","kurs i","temadag om","seminar om",'
                   '"fagdag om","verksted om","åpent møte om"}'),
    ('topic', '{recovery,livsmestring,brukermedvirkning,erfaringskunnskap,pårørendearbeid,'
              'likepersonsarbeid,arbeidstrening,"psykisk helse",rusomsorg,fellesskap,'
              'tjenesteutvikling,"håp og mestring",bedringsprosesser,selvhjelp,'
              'ensomhet,boligsosialt arbeid}'),
    ('verb', '{diskutere,lære,"dele erfaringer om","snakke om","jobbe med","planlegge"}'),
    ('place', '{kulturhuset,rådhuset,biblioteket,"senterets lokaler",hotellet,'
              'universitetet,samfunnshuset,ungdomshuset}'),
    ('news_extra', '{"Deltakerne roste programmet og ønsker en ny samling neste år.",'
                   '"Innlederne hadde selv erfaring fra psykisk helsevern og rusomsorg.",'
                   '"Kommunen stilte med representanter fra både helse og NAV.",'
                   '"Det ble servert lunsj, og mange ble igjen til uformell prat.",'
                   '"Evalueringen viser at de fleste lærte noe nytt om egen mestring.",'
                   '"Pårørende fikk egen gruppe med veiledning.",'
                   '"Neste samling planlegges til høsten."}');

CREATE FUNCTION pg_temp.w(list text, n bigint, salt text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pg_temp.pick(w, n, salt) FROM bench_words WHERE name = list
$$;
-- wk(list, n, salt, k): for k = 0, 1, 2 three different elements of the list.
CREATE FUNCTION pg_temp.wk(list text, n bigint, salt text, k int) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT w[1 + (floor(pg_temp.h(n, salt) * array_length(w, 1))::int
                  + k * (1 + floor(pg_temp.h(n, salt || 's') * ((array_length(w, 1) - 1) / 2))::int))
                 % array_length(w, 1)]
    FROM bench_words WHERE name = list
$$;

-- ---------------------------------------------------------------------------------------
-- Centres
-- ---------------------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------------------
-- News
-- ---------------------------------------------------------------------------------------
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

COMMIT;

VACUUM ANALYZE centre;
VACUUM ANALYZE news;
ANALYZE;
