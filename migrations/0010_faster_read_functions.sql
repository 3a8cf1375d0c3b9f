-- Faster reads. A SQL function is inlined into the query only when it is declared no less
-- volatile than its body; otherwise it is parsed and planned again for every query that
-- calls it. json_build_object is STABLE and text::date depends on DateStyle, so:
--  * the JSON helpers are declared STABLE (they are inlined now);
--  * the EDTF bounds avoid text::date (make_date only), so they stay IMMUTABLE for the
--    indexes and are inlined too;
--  * open_now is plain SQL instead of PL/pgSQL.

CREATE OR REPLACE FUNCTION kp_edtf_lower(v text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        WHEN length(v) = 4 THEN make_date(substr(v, 1, 4)::int, 1, 1)
        WHEN length(v) = 7 AND substr(v, 6, 2)::int BETWEEN 21 AND 24 THEN
            make_date(substr(v, 1, 4)::int, (substr(v, 6, 2)::int - 21) * 3 + 3, 1)
        WHEN length(v) = 7 THEN make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
        ELSE make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, substr(v, 9, 2)::int)
    END
$$;

CREATE OR REPLACE FUNCTION kp_edtf_upper(v text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        WHEN length(v) = 4 THEN make_date(substr(v, 1, 4)::int, 12, 31)
        WHEN length(v) = 7 AND substr(v, 6, 2)::int BETWEEN 21 AND 24 THEN
            (make_date(substr(v, 1, 4)::int, (substr(v, 6, 2)::int - 21) * 3 + 3, 1)
             + interval '3 months' - interval '1 day')::date
        WHEN length(v) = 7 THEN
            (make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
             + interval '1 month' - interval '1 day')::date
        ELSE make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, substr(v, 9, 2)::int)
    END
$$;

CREATE OR REPLACE FUNCTION kp_partial_date_json(v text) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v IS NULL THEN NULL ELSE json_build_object(
        'value', v, 'precision', kp_edtf_precision(v),
        'earliest', kp_edtf_lower(v), 'latest', kp_edtf_upper(v)) END
$$;

CREATE OR REPLACE FUNCTION kp_ref(id uuid, slug text, name text) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN id IS NULL THEN NULL
                ELSE json_build_object('id', id, 'slug', slug, 'name', name) END
$$;

CREATE OR REPLACE FUNCTION kp_point_json(g geography) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN g IS NULL THEN NULL
                ELSE json_build_object('lat', ST_Y(g::geometry), 'lon', ST_X(g::geometry)) END
$$;

CREATE OR REPLACE FUNCTION kp_open_now(operating_status text, hours jsonb, exceptions jsonb,
                                       at timestamptz) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH here AS (SELECT (at AT TIME ZONE 'Europe/Oslo') AS local),
    ex AS (SELECT e FROM jsonb_array_elements(exceptions) e, here
            WHERE e->>'date' = here.local::date::text LIMIT 1)
    SELECT CASE
        WHEN operating_status <> 'open' THEN false
        WHEN EXISTS (SELECT 1 FROM ex) THEN (SELECT NOT coalesce((e->>'closed')::boolean, false)
              AND local::time >= (e->>'opens')::time AND local::time < (e->>'closes')::time
              FROM ex, here)
        WHEN jsonb_array_length(hours) = 0 THEN NULL
        ELSE EXISTS (SELECT 1 FROM jsonb_array_elements(hours) h, here
                      WHERE h->>'day' = (ARRAY['mon','tue','wed','thu','fri','sat','sun'])
                                        [extract(isodow FROM local)::int]
                        AND local::time >= (h->>'opens')::time
                        AND local::time < (h->>'closes')::time)
    END
$$;

-- Lists sorted by date use these (reports and events may have no date).
CREATE INDEX report_date_sort_idx ON report ((coalesce(kp_edtf_lower(date), '-infinity'::date)), id);
CREATE INDEX event_date_sort_idx ON event ((coalesce(kp_edtf_lower(starts), '-infinity'::date)), id);
CREATE INDEX resource_name_idx ON resource (name, id);
CREATE INDEX practice_name_idx ON practice (name, id);
CREATE INDEX network_name_idx ON network (name, id);
CREATE INDEX organisation_name_idx ON organisation (name, id);

-- Most centres name no service area: skip the lookups then (they scanned the tables).
CREATE OR REPLACE VIEW api_centres AS
SELECT c.id, c.slug, c.name, c.short_name, c.kind,
    (SELECT kp_ref(p.id, p.slug, p.name) FROM centre p WHERE p.id = c.parent_id AND kp_is_public(p.status, p.publish_at)) AS parent,
    (SELECT coalesce(json_agg(kp_ref(u.id, u.slug, u.name) ORDER BY u.name), '[]')
       FROM centre u WHERE u.parent_id = c.id AND kp_is_public(u.status, u.publish_at)) AS units,
    c.region, c.town, c.address,
    (SELECT json_build_object('number', m.number, 'slug', m.slug, 'name', m.name)
       FROM municipality m WHERE m.number = c.municipality_number) AS municipality,
    (SELECT json_build_object('number', k.number, 'slug', k.slug, 'name', k.name)
       FROM municipality m JOIN county k ON k.number = m.county_number
      WHERE m.number = c.municipality_number) AS county,
    kp_point_json(c.location) AS location, c.location_precision, c.location_source,
    c.description, c."values", c.focus_areas,
    kp_partial_date_json(c.founded) AS founded, kp_partial_date_json(c.opened) AS opened,
    c.website, c.phone, c.email, c.operating_status, c.opening_hours, c.hours_exceptions,
    'Europe/Oslo'::text AS timezone,
    kp_open_now(c.operating_status, c.opening_hours, c.hours_exceptions, now()) AS open_now,
    CASE WHEN cardinality(c.service_area_counties) = 0
              AND cardinality(c.service_area_municipalities) = 0
         THEN '{"counties":[],"municipalities":[]}'::json
         ELSE json_build_object(
        'counties', (SELECT coalesce(json_agg(json_build_object('number', k.number, 'slug', k.slug, 'name', k.name) ORDER BY k.number), '[]')
                       FROM county k WHERE k.number = ANY (c.service_area_counties)),
        'municipalities', (SELECT coalesce(json_agg(json_build_object('number', m.number, 'slug', m.slug, 'name', m.name) ORDER BY m.number), '[]')
                       FROM municipality m WHERE m.number = ANY (c.service_area_municipalities)))
    END AS service_area,
    c.languages, c.accessibility, c.last_verified,
    (SELECT coalesce(json_agg(kp_ref(n.id, n.slug, n.name) ORDER BY n.name), '[]')
       FROM network_member_centre nm JOIN network n ON n.id = nm.network_id
      WHERE nm.centre_id = c.id AND kp_is_public(n.status, n.publish_at)) AS networks,
    c.tags, c.status, c.publish_at,
    (SELECT kp_ref(o.id, o.slug, o.name) FROM centre o WHERE o.id = c.owner_centre_id AND kp_is_public(o.status, o.publish_at)) AS owner_centre,
    c.version, c.created_at, c.updated_at,
    c.parent_id AS _parent_id, c.municipality_number AS _municipality_number,
    (SELECT m.county_number FROM municipality m WHERE m.number = c.municipality_number) AS _county_number,
    c.location AS _geog, c.search AS _search, c.owner_centre_id AS _owner_centre_id,
    ARRAY(SELECT nm.network_id FROM network_member_centre nm WHERE nm.centre_id = c.id) AS _network_ids,
    kp_edtf_lower(c.founded) AS _founded_lo, kp_edtf_upper(c.founded) AS _founded_hi,
    kp_is_public(c.status, c.publish_at) AS _public
FROM centre c;
