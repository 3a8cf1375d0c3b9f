-- Items published with a future publish_at become public when that time comes, without a
-- write. So that syncing clients hear of them, each such item waits here and every API
-- instance moves due ones into the change feed (kp_publish_due, every few seconds; the
-- DELETE … RETURNING hands each row to exactly one instance).
CREATE TABLE scheduled_publication (
    collection text NOT NULL,
    item_id uuid NOT NULL,
    slug text NOT NULL,
    publish_at timestamptz NOT NULL,
    PRIMARY KEY (collection, item_id)
);
CREATE INDEX scheduled_publication_due_idx ON scheduled_publication (publish_at);

CREATE FUNCTION kp_publish_due() RETURNS bigint LANGUAGE sql AS $$
    WITH due AS (
        DELETE FROM scheduled_publication WHERE publish_at <= now()
        RETURNING collection, item_id, slug),
    gone AS (
        DELETE FROM tombstone t USING due WHERE t.collection = due.collection
            AND t.item_id = due.item_id),
    announced AS (
        INSERT INTO change (collection, item_id, slug, action)
        SELECT collection, item_id, slug, 'upsert' FROM due RETURNING 1)
    SELECT count(*) FROM announced
$$;
