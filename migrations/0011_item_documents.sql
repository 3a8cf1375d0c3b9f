-- Each item keeps its JSON document (what api_<collection> shows, visible columns only) in
-- item_doc, so a list is an index scan plus stored text instead of a dozen sub-queries per
-- row. Triggers keep documents current, whoever writes (the API, psql, imports):
--   * a write refreshes the item itself;
--   * every document that mentions the item's id (a reference, an organiser, a unit …) is
--     refreshed too, found through doc_ref, which records the ids each document mentions;
--   * for centres and networks, the centres they now mention are refreshed as well, since
--     a centre's document lists its units and its networks (reverse lists).
-- References are {id, slug, name} of the item itself only, so one level is enough.
-- open_now depends on the clock: documents store "open_now":null and reads fill it in.
-- Documents live in their own table: rewriting a content row would recompute its search
-- vector (the hunspell dictionary makes that the most expensive part of a write).

CREATE TABLE doc_ref (
    src_table text NOT NULL,
    src_id uuid NOT NULL,
    dst_id uuid NOT NULL,
    PRIMARY KEY (src_table, src_id, dst_id)
);
CREATE INDEX doc_ref_dst_idx ON doc_ref (dst_id);

CREATE TABLE item_doc (
    id uuid PRIMARY KEY, -- the item's id (ids are unique across collections)
    doc text NOT NULL
);

CREATE FUNCTION kp_view_of(tbl text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE tbl WHEN 'organisation' THEN 'api_organisations' WHEN 'centre' THEN 'api_centres'
        WHEN 'network' THEN 'api_networks' WHEN 'report' THEN 'api_reports'
        WHEN 'resource' THEN 'api_resources' WHEN 'practice' THEN 'api_practices'
        WHEN 'news' THEN 'api_news' WHEN 'event' THEN 'api_events' END
$$;

-- The document of one item, from its view's visible columns (in the view's order). The
-- function is generated here with one static query per collection, so PL/pgSQL keeps
-- their plans (a dynamic query would be planned again on every call).
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
    EXECUTE 'CREATE FUNCTION kp_compute_doc(tbl text, item uuid) RETURNS text '
         || 'LANGUAGE plpgsql STABLE AS $f$' || chr(10) || 'DECLARE d text;' || chr(10)
         || 'BEGIN' || chr(10) || body
         || '    IF tbl = ''centre'' THEN d := regexp_replace(d, ''"open_now":(true|false|null)'', '
         || '''"open_now":null''); END IF;' || chr(10)
         || '    RETURN d;' || chr(10) || 'END $f$';
END $$;

CREATE FUNCTION kp_refresh_doc(tbl text, item uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d text := kp_compute_doc(tbl, item);
    fresh boolean; -- NULL: unchanged, true: a new document, false: a changed one
    refs uuid[];
BEGIN
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

-- The item, every document that mentions it, and (centres, networks) the centres it
-- mentions now.
CREATE FUNCTION kp_refresh_tree(tbl text, item uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    PERFORM kp_refresh_doc(tbl, item);
    FOR r IN SELECT src_table, src_id FROM doc_ref WHERE dst_id = item LOOP
        PERFORM kp_refresh_doc(r.src_table, r.src_id);
    END LOOP;
    IF tbl IN ('centre', 'network') THEN
        FOR r IN SELECT d.dst_id FROM doc_ref d JOIN centre c ON c.id = d.dst_id
                  WHERE d.src_table = tbl AND d.src_id = item LOOP
            PERFORM kp_refresh_doc('centre', r.dst_id);
        END LOOP;
    END IF;
END $$;

-- Row triggers.
CREATE FUNCTION kp_doc_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM item_doc WHERE id = OLD.id;
        DELETE FROM doc_ref WHERE src_table = TG_TABLE_NAME AND src_id = OLD.id;
        PERFORM kp_refresh_doc(src_table, src_id) FROM doc_ref WHERE dst_id = OLD.id;
        RETURN NULL;
    END IF;
    PERFORM kp_refresh_tree(TG_TABLE_NAME, NEW.id);
    RETURN NULL;
END $$;

-- Link tables change their base item (<base>_id) and the centres or organisations listed.
CREATE FUNCTION kp_link_doc_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    base text := TG_ARGV[0];
    row_ jsonb := to_jsonb(coalesce(NEW, OLD));
BEGIN
    PERFORM kp_refresh_tree(base, (row_->>(base || '_id'))::uuid);
    IF row_ ? 'centre_id' THEN
        PERFORM kp_refresh_doc('centre', (row_->>'centre_id')::uuid);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text; l text[];
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
                             'practice', 'news', 'event'] LOOP
        EXECUTE format('CREATE TRIGGER %I_doc AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION kp_doc_trigger()', t, t);
    END LOOP;
    FOREACH l SLICE 1 IN ARRAY ARRAY[
        ARRAY['network_organiser_centre', 'network'], ARRAY['network_organiser_organisation', 'network'],
        ARRAY['network_member_centre', 'network'], ARRAY['report_organiser_centre', 'report'],
        ARRAY['report_organiser_organisation', 'report'], ARRAY['report_centre_present', 'report'],
        ARRAY['event_organiser_centre', 'event'], ARRAY['event_organiser_organisation', 'event']] LOOP
        EXECUTE format('CREATE TRIGGER %I_doc AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION kp_link_doc_trigger(%L)', l[1], l[1], l[2]);
    END LOOP;
END $$;

-- Reference data rarely changes; when it does, every document is made again.
CREATE FUNCTION kp_refresh_all_docs() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
                             'practice', 'news', 'event'] LOOP
        EXECUTE format('SELECT kp_refresh_doc(%L, id) FROM %I', t, t);
    END LOOP;
END $$;

-- Scheduled publications change what references show when their time comes.
CREATE OR REPLACE FUNCTION kp_publish_due() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint := 0;
BEGIN
    FOR r IN DELETE FROM scheduled_publication WHERE publish_at <= now()
             RETURNING collection, item_id, slug LOOP
        DELETE FROM tombstone t WHERE t.collection = r.collection AND t.item_id = r.item_id;
        INSERT INTO change (collection, item_id, slug, action)
        VALUES (r.collection, r.item_id, r.slug, 'upsert');
        PERFORM kp_refresh_tree(CASE r.collection WHEN 'organisations' THEN 'organisation'
            WHEN 'centres' THEN 'centre' WHEN 'networks' THEN 'network' WHEN 'reports' THEN 'report'
            WHEN 'resources' THEN 'resource' WHEN 'practices' THEN 'practice'
            WHEN 'news' THEN 'news' WHEN 'events' THEN 'event' END, r.item_id);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

SELECT kp_refresh_all_docs();

