-- References never reveal drafts: a reference (or an organiser, member, centre present) to
-- an item that is not public is left out of every view, so a published item cannot leak
-- the title of a draft it points to. Same columns as 0004, so the views are replaced.

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
    json_build_object(
        'counties', (SELECT coalesce(json_agg(json_build_object('number', k.number, 'slug', k.slug, 'name', k.name) ORDER BY k.number), '[]')
                       FROM county k WHERE k.number = ANY (c.service_area_counties)),
        'municipalities', (SELECT coalesce(json_agg(json_build_object('number', m.number, 'slug', m.slug, 'name', m.name) ORDER BY m.number), '[]')
                       FROM municipality m WHERE m.number = ANY (c.service_area_municipalities))
    ) AS service_area,
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

CREATE OR REPLACE VIEW api_organisations AS
SELECT o.id, o.slug, o.name, o.short_name, o.kind, o.description, o.website,
    (SELECT json_build_object('number', m.number, 'slug', m.slug, 'name', m.name)
       FROM municipality m WHERE m.number = o.municipality_number) AS municipality,
    o.tags, o.status, o.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = o.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    o.version, o.created_at, o.updated_at,
    o.municipality_number AS _municipality_number, o.owner_centre_id AS _owner_centre_id,
    to_tsvector('kp_norwegian', o.name || ' ' || coalesce(o.short_name, '') || ' ' || coalesce(o.description, '')) AS _search,
    kp_is_public(o.status, o.publish_at) AS _public
FROM organisation o;

CREATE OR REPLACE VIEW api_networks AS
SELECT n.id, n.slug, n.name, n.kind, n.description, n.region,
    kp_partial_date_json(n.founded) AS founded, n.meeting_frequency, n.target_group,
    (SELECT coalesce(json_agg(x.r ORDER BY x.t, x.name), '[]') FROM (
        SELECT 'centre' AS t, c.name, json_build_object('type', 'centre', 'id', c.id, 'slug', c.slug, 'name', c.name) AS r
          FROM network_organiser_centre oc JOIN centre c ON c.id = oc.centre_id WHERE oc.network_id = n.id AND kp_is_public(c.status, c.publish_at)
        UNION ALL
        SELECT 'organisation', o.name, json_build_object('type', 'organisation', 'id', o.id, 'slug', o.slug, 'name', o.name)
          FROM network_organiser_organisation oo JOIN organisation o ON o.id = oo.organisation_id WHERE oo.network_id = n.id AND kp_is_public(o.status, o.publish_at)
    ) x) AS organisers,
    (SELECT coalesce(json_agg(kp_ref(c.id, c.slug, c.name) ORDER BY c.name), '[]')
       FROM network_member_centre nm JOIN centre c ON c.id = nm.centre_id WHERE nm.network_id = n.id AND kp_is_public(c.status, c.publish_at)) AS members,
    json_build_object('name', n.contact_name, 'role', n.contact_role, 'phone', n.contact_phone,
                      'email', n.contact_email) AS contact,
    n.website, n.tags, n.status, n.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = n.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    n.version, n.created_at, n.updated_at,
    ARRAY(SELECT centre_id FROM network_organiser_centre WHERE network_id = n.id
          UNION SELECT centre_id FROM network_member_centre WHERE network_id = n.id) AS _centre_ids,
    ARRAY(SELECT centre_id FROM network_member_centre WHERE network_id = n.id) AS _member_ids,
    n.owner_centre_id AS _owner_centre_id, n.search AS _search,
    kp_edtf_lower(n.founded) AS _founded_lo, kp_edtf_upper(n.founded) AS _founded_hi,
    kp_is_public(n.status, n.publish_at) AS _public
FROM network n;

CREATE OR REPLACE VIEW api_reports AS
SELECT r.id, r.slug, r.title, r.kind, kp_partial_date_json(r.date) AS date, r.place,
    (SELECT json_build_object('number', m.number, 'slug', m.slug, 'name', m.name)
       FROM municipality m WHERE m.number = r.municipality_number) AS municipality,
    (SELECT kp_ref(n.id, n.slug, n.name) FROM network n WHERE n.id = r.network_id AND kp_is_public(n.status, n.publish_at)) AS network,
    (SELECT coalesce(json_agg(x.r ORDER BY x.t, x.name), '[]') FROM (
        SELECT 'centre' AS t, c.name, json_build_object('type', 'centre', 'id', c.id, 'slug', c.slug, 'name', c.name) AS r
          FROM report_organiser_centre oc JOIN centre c ON c.id = oc.centre_id WHERE oc.report_id = r.id AND kp_is_public(c.status, c.publish_at)
        UNION ALL
        SELECT 'organisation', o.name, json_build_object('type', 'organisation', 'id', o.id, 'slug', o.slug, 'name', o.name)
          FROM report_organiser_organisation oo JOIN organisation o ON o.id = oo.organisation_id WHERE oo.report_id = r.id AND kp_is_public(o.status, o.publish_at)
    ) x) AS organisers,
    r.participant_count,
    (SELECT coalesce(json_agg(kp_ref(c.id, c.slug, c.name) ORDER BY c.name), '[]')
       FROM report_centre_present p JOIN centre c ON c.id = p.centre_id WHERE p.report_id = r.id AND kp_is_public(c.status, c.publish_at)) AS centres_present,
    r.summary, r.body, r.group_work, r.evaluation_quotes, r.speakers, r.minutes_taker, r.url,
    r.tags, r.status, r.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = r.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    r.version, r.created_at, r.updated_at,
    ARRAY(SELECT centre_id FROM report_organiser_centre WHERE report_id = r.id
          UNION SELECT centre_id FROM report_centre_present WHERE report_id = r.id
          UNION SELECT r.owner_centre_id WHERE r.owner_centre_id IS NOT NULL) AS _centre_ids,
    r.network_id AS _network_id, r.municipality_number AS _municipality_number,
    ARRAY(SELECT centre_id FROM report_centre_present WHERE report_id = r.id) AS _present_ids,
    r.owner_centre_id AS _owner_centre_id, r.search AS _search,
    kp_edtf_lower(r.date) AS _date_lo, kp_edtf_upper(r.date) AS _date_hi,
    kp_is_public(r.status, r.publish_at) AS _public
FROM report r;

CREATE OR REPLACE VIEW api_resources AS
SELECT r.id, r.slug, r.name, r.kind, r.description, r.url, r.authors,
    kp_partial_date_json(r.date) AS date,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = r.centre_id AND kp_is_public(c.status, c.publish_at)) AS centre,
    (SELECT kp_ref(o.id, o.slug, o.name) FROM organisation o WHERE o.id = r.organisation_id AND kp_is_public(o.status, o.publish_at)) AS organisation,
    r.tags, r.status, r.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = r.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    r.version, r.created_at, r.updated_at,
    ARRAY(SELECT x FROM unnest(ARRAY[r.centre_id, r.owner_centre_id]) x WHERE x IS NOT NULL) AS _centre_ids,
    r.centre_id AS _centre_id, r.organisation_id AS _organisation_id,
    r.owner_centre_id AS _owner_centre_id, r.search AS _search,
    kp_edtf_lower(r.date) AS _date_lo, kp_edtf_upper(r.date) AS _date_hi,
    kp_is_public(r.status, r.publish_at) AS _public
FROM resource r;

CREATE OR REPLACE VIEW api_practices AS
SELECT p.id, p.slug, p.name, p.kind, p.description, p.url, p.link_text,
    (SELECT json_build_object('number', m.number, 'slug', m.slug, 'name', m.name)
       FROM municipality m WHERE m.number = p.municipality_number) AS municipality,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = p.centre_id AND kp_is_public(c.status, c.publish_at)) AS centre,
    (SELECT kp_ref(o.id, o.slug, o.name) FROM organisation o WHERE o.id = p.organisation_id AND kp_is_public(o.status, o.publish_at)) AS organisation,
    (SELECT kp_ref(n.id, n.slug, n.name) FROM network n WHERE n.id = p.network_id AND kp_is_public(n.status, n.publish_at)) AS network,
    (SELECT kp_ref(r.id, r.slug, r.name) FROM resource r WHERE r.id = p.resource_id AND kp_is_public(r.status, r.publish_at)) AS resource,
    p.tags, p.status, p.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = p.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    p.version, p.created_at, p.updated_at,
    ARRAY(SELECT x FROM unnest(ARRAY[p.centre_id, p.owner_centre_id]) x WHERE x IS NOT NULL) AS _centre_ids,
    p.centre_id AS _centre_id, p.organisation_id AS _organisation_id, p.resource_id AS _resource_id,
    p.network_id AS _network_id, p.municipality_number AS _municipality_number,
    (SELECT m.county_number FROM municipality m WHERE m.number = p.municipality_number) AS _county_number,
    p.owner_centre_id AS _owner_centre_id, p.search AS _search,
    kp_is_public(p.status, p.publish_at) AS _public
FROM practice p;

CREATE OR REPLACE VIEW api_news AS
SELECT n.id, n.slug, n.title, kp_partial_date_json(n.date) AS date,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = n.centre_id AND kp_is_public(c.status, c.publish_at)) AS centre,
    n.summary, n.body, n.url, n.source,
    (SELECT kp_ref(r.id, r.slug, r.title) FROM report r WHERE r.id = n.report_id AND kp_is_public(r.status, r.publish_at)) AS report,
    (SELECT kp_ref(e.id, e.slug, e.name) FROM event e WHERE e.id = n.event_id AND kp_is_public(e.status, e.publish_at)) AS event,
    n.tags, n.status, n.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = n.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    n.version, n.created_at, n.updated_at,
    ARRAY(SELECT x FROM unnest(ARRAY[n.centre_id, n.owner_centre_id]) x WHERE x IS NOT NULL) AS _centre_ids,
    n.centre_id AS _centre_id, n.report_id AS _report_id, n.event_id AS _event_id,
    n.owner_centre_id AS _owner_centre_id, n.search AS _search,
    kp_edtf_lower(n.date) AS _date_lo, kp_edtf_upper(n.date) AS _date_hi,
    kp_is_public(n.status, n.publish_at) AS _public
FROM news n;

CREATE OR REPLACE VIEW api_events AS
SELECT e.id, e.slug, e.name, e.subtitle, e.kind,
    kp_partial_date_json(e.starts) AS starts, kp_partial_date_json(e.ends) AS ends, e.place,
    (SELECT json_build_object('number', m.number, 'slug', m.slug, 'name', m.name)
       FROM municipality m WHERE m.number = e.municipality_number) AS municipality,
    (SELECT kp_ref(n.id, n.slug, n.name) FROM network n WHERE n.id = e.network_id AND kp_is_public(n.status, n.publish_at)) AS network,
    (SELECT coalesce(json_agg(x.r ORDER BY x.t, x.name), '[]') FROM (
        SELECT 'centre' AS t, c.name, json_build_object('type', 'centre', 'id', c.id, 'slug', c.slug, 'name', c.name) AS r
          FROM event_organiser_centre oc JOIN centre c ON c.id = oc.centre_id WHERE oc.event_id = e.id AND kp_is_public(c.status, c.publish_at)
        UNION ALL
        SELECT 'organisation', o.name, json_build_object('type', 'organisation', 'id', o.id, 'slug', o.slug, 'name', o.name)
          FROM event_organiser_organisation oo JOIN organisation o ON o.id = oo.organisation_id WHERE oo.event_id = e.id AND kp_is_public(o.status, o.publish_at)
    ) x) AS organisers,
    e.description, e.url, e.tags, e.status, e.publish_at,
    (SELECT kp_ref(c.id, c.slug, c.name) FROM centre c WHERE c.id = e.owner_centre_id AND kp_is_public(c.status, c.publish_at)) AS owner_centre,
    e.version, e.created_at, e.updated_at,
    ARRAY(SELECT centre_id FROM event_organiser_centre WHERE event_id = e.id
          UNION SELECT e.owner_centre_id WHERE e.owner_centre_id IS NOT NULL) AS _centre_ids,
    e.network_id AS _network_id, e.municipality_number AS _municipality_number,
    e.owner_centre_id AS _owner_centre_id, e.search AS _search,
    kp_edtf_lower(e.starts) AS _date_lo, coalesce(kp_edtf_upper(e.ends), kp_edtf_upper(e.starts)) AS _date_hi,
    kp_is_public(e.status, e.publish_at) AS _public
FROM event e;

CREATE OR REPLACE VIEW api_tags AS
SELECT t.slug, t.name, t.kind, t.description FROM tag t;

CREATE OR REPLACE VIEW api_municipalities AS
SELECT m.number, m.slug, m.name, m.name_alt, m.name_alt_lang, m.name_official,
    (SELECT json_build_object('number', k.number, 'slug', k.slug, 'name', k.name)
       FROM county k WHERE k.number = m.county_number) AS county,
    (SELECT k.region FROM county k WHERE k.number = m.county_number) AS region,
    m.admin_centre, kp_point_json(m.location) AS location, m.point_type, m.population,
    m.population_date,
    m.county_number AS _county_number, m.location AS _geog, m.lookup_keys AS _lookup_keys
FROM municipality m;

-- Bumped by the API after each committed write, before it answers 2xx. Every instance
-- reads it (single-flight, one round trip shared by concurrent readers) before serving a
-- cached answer, so no instance can serve an answer older than an acknowledged write.
CREATE SEQUENCE kp_cache_generation;
