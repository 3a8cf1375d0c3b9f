-- Counties and municipalities of the current structure (357 municipalities, 15 counties),
-- loaded from data/*.csv (sources and licences in data/README.md). The `kp:copy` lines are
-- streamed by the migration runner with COPY FROM STDIN, in this migration's transaction.

CREATE TABLE county (
    number text PRIMARY KEY CHECK (number ~ '^[0-9]{2}$'),
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    name_alt text[] NOT NULL DEFAULT '{}',
    region text NOT NULL REFERENCES region (slug)
);

CREATE TABLE municipality (
    number text PRIMARY KEY CHECK (number ~ '^[0-9]{4}$'),
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    name_alt text[] NOT NULL DEFAULT '{}',
    name_alt_lang text[] NOT NULL DEFAULT '{}',
    name_official text NOT NULL,
    county_number text NOT NULL REFERENCES county (number),
    admin_centre text NOT NULL,
    location geography(Point, 4326) NOT NULL,
    point_type text NOT NULL CHECK (point_type IN ('admin_centre', 'centroid')),
    population integer NOT NULL,
    population_date date NOT NULL,
    -- every folded spelling that resolves to this municipality: slug, Sami/Kven names,
    -- ASCII forms (bærum, baerum), so /v1/municipalities/{key} finds it
    lookup_keys text[] NOT NULL
);
CREATE INDEX municipality_location_idx ON municipality USING gist (location);
CREATE INDEX municipality_lookup_idx ON municipality USING gin (lookup_keys);

CREATE TEMP TABLE county_src (
    number text, name text, name_alt text, name_official text, health_region text,
    municipality_count int, population int, population_date date) ON COMMIT DROP;
-- kp:copy county_src ../data/counties.csv

CREATE TEMP TABLE municipality_src (
    number text, name text, name_alt text, name_alt_lang text, name_official text,
    name_ssb text, county_number text, county_name text, admin_centre text,
    lat float8, lon float8, point_type text, point_source text, population int,
    population_date date, centroid_lat float8, centroid_lon float8) ON COMMIT DROP;
-- kp:copy municipality_src ../data/municipalities.csv

INSERT INTO county (number, slug, name, name_alt, region)
SELECT s.number, kp_slugify(s.name),
       s.name, coalesce(string_to_array(nullif(s.name_alt, ''), '; '), '{}'), r.slug
FROM county_src s JOIN region r ON r.name = s.health_region;

-- Two names occur twice (Herøy 1515/1818, Våler 3114/3419): their slug carries the county.
INSERT INTO municipality (number, slug, name, name_alt, name_alt_lang, name_official,
                          county_number, admin_centre, location, point_type, population,
                          population_date, lookup_keys)
SELECT s.number,
       CASE WHEN count(*) OVER (PARTITION BY s.name) > 1
            THEN kp_slugify(s.name || '-' || s.county_name) ELSE kp_slugify(s.name) END,
       s.name, coalesce(string_to_array(nullif(s.name_alt, ''), '; '), '{}'),
       coalesce(string_to_array(nullif(s.name_alt_lang, ''), '; '), '{}'),
       s.name_official, s.county_number, s.admin_centre,
       ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, s.point_type, s.population,
       s.population_date, '{}'
FROM municipality_src s;

-- Lookup keys: the slug, each parallel name folded, and the Norwegian digraph spellings
-- (ø→oe, å→aa) people type on keyboards without those letters.
UPDATE municipality m SET lookup_keys = ARRAY(
    SELECT DISTINCT k FROM (
        SELECT m.slug AS k
        UNION ALL SELECT kp_slugify(m.name)
        UNION ALL SELECT kp_slugify(replace(replace(lower(m.name), 'ø', 'oe'), 'å', 'aa'))
        UNION ALL SELECT kp_slugify(a) FROM unnest(m.name_alt) a
        UNION ALL SELECT kp_slugify(replace(replace(lower(a), 'ø', 'oe'), 'å', 'aa'))
                  FROM unnest(m.name_alt) a
    ) keys WHERE k <> '');
