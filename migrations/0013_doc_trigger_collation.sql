-- Writes were slow on large tables (a PATCH of a news item took ~5 ms on 100,000 rows):
-- kp_doc_trigger passed TG_TABLE_NAME, of type name, whose collation is "C". A PL/pgSQL
-- function takes the collation of its arguments, so inside kp_refresh_doc and
-- kp_refresh_tree every `src_table = tbl` compared under "C" and could not use doc_ref's
-- primary key (built with the default collation): each write scanned all of doc_ref.
-- Passing the name as text with the default collation restores the index scans.
CREATE OR REPLACE FUNCTION kp_doc_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tbl text COLLATE "default" := TG_TABLE_NAME::text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM item_doc WHERE id = OLD.id;
        DELETE FROM doc_ref WHERE src_table = tbl AND src_id = OLD.id;
        PERFORM kp_refresh_doc(src_table, src_id) FROM doc_ref WHERE dst_id = OLD.id;
        RETURN NULL;
    END IF;
    PERFORM kp_refresh_tree(tbl, NEW.id);
    RETURN NULL;
END $$;
