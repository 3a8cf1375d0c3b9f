-- Accounts, tokens, revisions and the change feed.

CREATE TABLE app_user (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    display_name text,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'editor')),
    disabled boolean NOT NULL DEFAULT false,
    -- access tokens issued before this instant are no longer accepted (password change,
    -- disabling, "log out everywhere")
    tokens_valid_after timestamptz NOT NULL DEFAULT '-infinity',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));
CREATE TRIGGER app_user_touch BEFORE UPDATE ON app_user FOR EACH ROW EXECUTE FUNCTION kp_touch();

-- The centres an editor may publish for (one or several).
CREATE TABLE user_centre (
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, centre_id)
);

-- Refresh tokens are stored as SHA-256 hashes. Each use rotates: the old row gets used_at
-- and the new one continues the same family; presenting a used token again revokes the
-- whole family (it was stolen or replayed).
CREATE TABLE refresh_token (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON refresh_token (user_id);

-- Access tokens revoked before they expire (logout). Rows past expires_at are pruned.
CREATE TABLE revoked_token (
    jti uuid PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Failed logins, per e-mail and per (hashed) client address, shared by every instance.
CREATE TABLE login_failure (
    key text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_key_idx ON login_failure (key, at);

-- Who changed what: one row per write, in the write's transaction.
CREATE TABLE revision (
    id bigserial PRIMARY KEY,
    collection text NOT NULL,
    item_id uuid NOT NULL,
    version integer NOT NULL,
    action text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    user_id uuid REFERENCES app_user (id) ON DELETE SET NULL,
    at timestamptz NOT NULL DEFAULT now(),
    changes jsonb NOT NULL
);
CREATE INDEX revision_item_idx ON revision (collection, item_id, id);

-- The public change feed (creates, updates, deletes) in commit order. `xid` lets readers
-- hold back rows of transactions that may still commit behind ones already visible.
CREATE TABLE change (
    seq bigserial PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    collection text NOT NULL,
    item_id uuid NOT NULL,
    slug text NOT NULL,
    action text NOT NULL CHECK (action IN ('upsert', 'delete')),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_item_idx ON change (collection, item_id, seq);

-- Deleted items, for `include_deleted=true` with `updated_since`.
CREATE TABLE tombstone (
    collection text NOT NULL,
    item_id uuid NOT NULL,
    slug text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, item_id)
);
CREATE INDEX tombstone_time_idx ON tombstone (collection, deleted_at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
                             'practice', 'news', 'event'] LOOP
        EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (created_by) REFERENCES app_user (id) ON DELETE SET NULL', t);
        EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (updated_by) REFERENCES app_user (id) ON DELETE SET NULL', t);
    END LOOP;
END $$;

-- The feed starts with every item already published, so a client can sync from zero.
INSERT INTO change (collection, item_id, slug, action)
SELECT c, id, slug, 'upsert' FROM (
    SELECT 'centres' AS c, id, slug, created_at FROM centre WHERE status = 'published'
    UNION ALL SELECT 'networks', id, slug, created_at FROM network WHERE status = 'published'
    UNION ALL SELECT 'reports', id, slug, created_at FROM report WHERE status = 'published'
    UNION ALL SELECT 'resources', id, slug, created_at FROM resource WHERE status = 'published'
    UNION ALL SELECT 'practices', id, slug, created_at FROM practice WHERE status = 'published'
    UNION ALL SELECT 'news', id, slug, created_at FROM news WHERE status = 'published'
    UNION ALL SELECT 'events', id, slug, created_at FROM event WHERE status = 'published'
    UNION ALL SELECT 'organisations', id, slug, created_at FROM organisation WHERE status = 'published'
) items ORDER BY c, slug;

-- A slug for a new item made from its name: the name's slug, or with -2, -3 … when taken.
CREATE FUNCTION kp_unique_slug(tbl regclass, name text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    base text := left(coalesce(nullif(kp_slugify(name), ''), 'item'), 100);
    candidate text := base;
    taken boolean;
BEGIN
    base := trim(BOTH '-' FROM base);
    candidate := base;
    FOR n IN 2..1000 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE slug = $1)', tbl) INTO taken USING candidate;
        IF NOT taken THEN RETURN candidate; END IF;
        candidate := base || '-' || n;
    END LOOP;
    RETURN base || '-' || substr(md5(random()::text), 1, 8);
END $$;

-- Every change to what readers can see tells the API instances to drop their response
-- caches (LISTEN kp_cache), whoever made it: the API, another instance, or psql.
CREATE FUNCTION kp_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kp_cache', '');
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
        'practice', 'news', 'event', 'tag', 'municipality', 'county', 'change', 'tombstone',
        'network_organiser_centre', 'network_organiser_organisation', 'network_member_centre',
        'report_organiser_centre', 'report_organiser_organisation', 'report_centre_present',
        'event_organiser_centre', 'event_organiser_organisation'] LOOP
        EXECUTE format('CREATE TRIGGER %I_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                       'ON %I FOR EACH STATEMENT EXECUTE FUNCTION kp_notify_change()', t, t);
    END LOOP;
END $$;
