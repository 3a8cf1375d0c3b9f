-- Foundation: extensions, the Norwegian text-search configuration, partial dates.
-- Migrations run once each, in a transaction, in file-name order (see api/db/migrate.c).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Text search: `kp_norwegian` lemmatises with Debian's hunspell-no (nb_no.dict/.affix in
-- tsearch_data, installed by scripts/deps) ahead of the snowball stemmer, so "senter",
-- "senteret" and "sentrene" meet. A database that cannot load the dictionary (managed
-- PostgreSQL) gets the same configuration name backed by the plain `norwegian` stemmer; the
-- server reports which one it has in the log and /readyz.
DO $$
BEGIN
    BEGIN
        CREATE TEXT SEARCH DICTIONARY kp_nb_ispell (
            TEMPLATE = ispell, DictFile = nb_no, AffFile = nb_no, StopWords = norwegian);
        CREATE TEXT SEARCH DICTIONARY kp_nn_ispell (
            TEMPLATE = ispell, DictFile = nn_no, AffFile = nn_no, StopWords = norwegian);
        CREATE TEXT SEARCH CONFIGURATION kp_norwegian (COPY = pg_catalog.norwegian);
        ALTER TEXT SEARCH CONFIGURATION kp_norwegian
            ALTER MAPPING FOR asciiword, word, hword, hword_part, hword_asciipart, asciihword
            WITH kp_nb_ispell, kp_nn_ispell, norwegian_stem;
        COMMENT ON TEXT SEARCH CONFIGURATION kp_norwegian IS 'hunspell';
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'hunspell-no dictionary unavailable (%); using the norwegian stemmer', SQLERRM;
        CREATE TEXT SEARCH CONFIGURATION kp_norwegian (COPY = pg_catalog.norwegian);
        COMMENT ON TEXT SEARCH CONFIGURATION kp_norwegian IS 'snowball';
    END;
END $$;

-- Partial dates are stored as EDTF level-1 strings (ISO 8601-2): "2019", "2019-11",
-- "2019-11-07", and seasons "2019-21" (spring) .. "2019-24" (winter). "høsten 2019" is
-- "2019-23", never 2019-01-01. Filters compare against the earliest and latest day the
-- value can mean.
CREATE FUNCTION kp_edtf_valid(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT v ~ '^[0-9]{4}(-(0[1-9]|1[0-2]|2[1-4])(-(0[1-9]|[12][0-9]|3[01]))?)?$'
       AND (length(v) <> 10 OR substr(v, 6, 2) < '13')
$$;

CREATE FUNCTION kp_edtf_lower(v text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        WHEN length(v) = 4 THEN make_date(v::int, 1, 1)
        WHEN length(v) = 7 AND substr(v, 6, 2)::int BETWEEN 21 AND 24 THEN
            make_date(substr(v, 1, 4)::int, (substr(v, 6, 2)::int - 21) * 3 + 3, 1)
        WHEN length(v) = 7 THEN make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
        ELSE v::date
    END
$$;

CREATE FUNCTION kp_edtf_upper(v text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        WHEN length(v) = 4 THEN make_date(v::int, 12, 31)
        WHEN length(v) = 7 AND substr(v, 6, 2)::int BETWEEN 21 AND 24 THEN
            (make_date(substr(v, 1, 4)::int, (substr(v, 6, 2)::int - 21) * 3 + 3, 1)
             + interval '3 months' - interval '1 day')::date
        WHEN length(v) = 7 THEN
            (make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
             + interval '1 month' - interval '1 day')::date
        ELSE v::date
    END
$$;

CREATE FUNCTION kp_edtf_precision(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        WHEN length(v) = 4 THEN 'year'
        WHEN length(v) = 7 AND substr(v, 6, 2)::int > 12 THEN 'season'
        WHEN length(v) = 7 THEN 'month'
        ELSE 'day'
    END
$$;

-- How a partial date is shown: {"value":"2019-23","precision":"season",
-- "earliest":"2019-09-01","latest":"2019-11-30"}.
CREATE FUNCTION kp_partial_date_json(v text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v IS NULL THEN NULL ELSE json_build_object(
        'value', v, 'precision', kp_edtf_precision(v),
        'earliest', kp_edtf_lower(v), 'latest', kp_edtf_upper(v)) END
$$;

-- The four health regions; `region=` filters use these slugs.
CREATE TABLE region (
    slug text PRIMARY KEY,
    name text NOT NULL UNIQUE
);
INSERT INTO region (slug, name) VALUES
    ('sor-ost', 'Helse Sør-Øst'), ('vest', 'Helse Vest'),
    ('midt', 'Helse Midt-Norge'), ('nord', 'Helse Nord');

-- Folds a name to a URL slug: lower case, æ→ae, ø→o, å→a, Sami letters to their base,
-- everything else non-alphanumeric to single dashes.
CREATE FUNCTION kp_slugify(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT trim(BOTH '-' FROM regexp_replace(
        translate(replace(replace(lower(v), 'æ', 'ae'), 'ø', 'o'),
                  'åáàâäčđŋšŧžïéèêöüóòĺŕń', 'aaaaacdnstzieeeouoolrn'),
        '[^a-z0-9]+', '-', 'g'))
$$;
