-- The network's content. Every publishable item has the same bookkeeping columns
-- (id, slug, status, publish_at, owner_centre_id, version, created_at/updated_at and who
-- created/changed it); the API reads each collection through its view api_<collection>,
-- whose columns are the JSON fields plus hidden ones prefixed with "_" (ids for filters,
-- date bounds, the search vector, the location).

-- Shared topic vocabulary (`tag=`): recovery factors, CHIME, core tasks, topics.
CREATE TABLE tag (
    slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('recovery_factor', 'chime', 'core_task', 'topic')),
    description text
);

-- updated_at and version move on every change; the version is the item's ETag.
CREATE FUNCTION kp_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;

-- Tags are a text[] (GIN-indexed, cheap to filter); this keeps them inside the vocabulary.
CREATE FUNCTION kp_check_tags() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad text;
BEGIN
    SELECT t INTO bad FROM unnest(NEW.tags) t WHERE NOT EXISTS (SELECT 1 FROM tag WHERE slug = t);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'unknown tag %', bad USING ERRCODE = '23503', COLUMN = 'tags',
              CONSTRAINT = 'tags_vocabulary';
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE organisation (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    short_name text,
    kind text NOT NULL CHECK (kind IN ('ministry', 'directorate', 'county_governor',
        'municipality', 'knowledge_centre', 'university', 'hospital', 'association',
        'foundation', 'user_organisation', 'other')),
    description text,
    website text,
    municipality_number text REFERENCES municipality (number),
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid
);

CREATE TABLE centre (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    short_name text,
    kind text NOT NULL CHECK (kind IN ('regional', 'local', 'department', 'recovery_college')),
    parent_id uuid REFERENCES centre (id),
    region text REFERENCES region (slug),
    town text,
    address text,
    municipality_number text REFERENCES municipality (number),
    location geography(Point, 4326),
    location_precision text CHECK (location_precision IN ('address', 'town', 'district',
                                                          'municipality')),
    location_source text,
    description text,
    "values" text[] NOT NULL DEFAULT '{}',
    focus_areas text[] NOT NULL DEFAULT '{}',
    founded text CHECK (kp_edtf_valid(founded)),
    opened text CHECK (kp_edtf_valid(opened)),
    website text,
    phone text,
    email text,
    -- Open Referral HSDS: service status, weekly hours in Europe/Oslo, dated exceptions
    operating_status text NOT NULL DEFAULT 'open'
        CHECK (operating_status IN ('open', 'temporarily_closed', 'closed')),
    opening_hours jsonb NOT NULL DEFAULT '[]',
    hours_exceptions jsonb NOT NULL DEFAULT '[]',
    service_area_counties text[] NOT NULL DEFAULT '{}',
    service_area_municipalities text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{nob}',
    accessibility text,
    last_verified date,
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(name, '') || ' ' || coalesce(short_name, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(town, '')), 'B') ||
        setweight(to_tsvector('kp_norwegian', coalesce(description, '')), 'C')) STORED
);
CREATE INDEX centre_location_idx ON centre USING gist (location);
CREATE INDEX centre_search_idx ON centre USING gin (search);
CREATE INDEX centre_tags_idx ON centre USING gin (tags);
CREATE INDEX centre_region_idx ON centre (region, name, id);
CREATE INDEX centre_name_idx ON centre (name, id);
CREATE INDEX centre_parent_idx ON centre (parent_id);
ALTER TABLE organisation ADD FOREIGN KEY (owner_centre_id) REFERENCES centre (id);
ALTER TABLE centre ADD FOREIGN KEY (owner_centre_id) REFERENCES centre (id);

CREATE TABLE network (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('national_collaboration', 'regional_network',
        'annual_gathering', 'user_voice_network', 'learning_network')),
    description text,
    region text REFERENCES region (slug),
    founded text CHECK (kp_edtf_valid(founded)),
    meeting_frequency text,
    target_group text,
    contact_name text,
    contact_role text,
    contact_phone text,
    contact_email text,
    website text,
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(description, '')), 'C')) STORED
);
CREATE INDEX network_search_idx ON network USING gin (search);
CREATE INDEX network_tags_idx ON network USING gin (tags);

-- Who organises a network and who takes part: centres or organisations.
CREATE TABLE network_organiser_centre (
    network_id uuid NOT NULL REFERENCES network (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id),
    PRIMARY KEY (network_id, centre_id));
CREATE TABLE network_organiser_organisation (
    network_id uuid NOT NULL REFERENCES network (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    PRIMARY KEY (network_id, organisation_id));
CREATE TABLE network_member_centre (
    network_id uuid NOT NULL REFERENCES network (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id),
    PRIMARY KEY (network_id, centre_id));
CREATE INDEX network_member_centre_idx ON network_member_centre (centre_id);

CREATE TABLE report (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    kind text NOT NULL CHECK (kind IN ('learning_network_report', 'final_report',
        'evaluation', 'project_report')),
    date text CHECK (kp_edtf_valid(date)),
    place text,
    municipality_number text REFERENCES municipality (number),
    network_id uuid REFERENCES network (id),
    summary text,
    body text,
    participant_count integer CHECK (participant_count >= 0),
    -- [{"round":1,"question":"…","findings":["…"]}]
    group_work jsonb NOT NULL DEFAULT '[]',
    evaluation_quotes text[] NOT NULL DEFAULT '{}',
    minutes_taker text,
    speakers text[] NOT NULL DEFAULT '{}',
    url text,
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('kp_norwegian', coalesce(body, '')), 'C')) STORED
);
CREATE INDEX report_search_idx ON report USING gin (search);
CREATE INDEX report_tags_idx ON report USING gin (tags);
CREATE TABLE report_organiser_centre (
    report_id uuid NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id),
    PRIMARY KEY (report_id, centre_id));
CREATE TABLE report_organiser_organisation (
    report_id uuid NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    PRIMARY KEY (report_id, organisation_id));
CREATE TABLE report_centre_present (
    report_id uuid NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id),
    PRIMARY KEY (report_id, centre_id));

CREATE TABLE resource (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    kind text NOT NULL CHECK (kind IN ('recovery_factor', 'model', 'guide', 'reflection_cards',
        'film', 'report', 'web_page', 'course', 'conference')),
    description text,
    url text,
    authors text[] NOT NULL DEFAULT '{}',
    date text CHECK (kp_edtf_valid(date)),
    centre_id uuid REFERENCES centre (id),
    organisation_id uuid REFERENCES organisation (id),
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(description, '')), 'C')) STORED
);
CREATE INDEX resource_search_idx ON resource USING gin (search);
CREATE INDEX resource_tags_idx ON resource USING gin (tags);

CREATE TABLE practice (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    kind text NOT NULL CHECK (kind IN ('measure', 'example')),
    description text,
    url text,
    link_text text,
    municipality_number text REFERENCES municipality (number),
    centre_id uuid REFERENCES centre (id),
    organisation_id uuid REFERENCES organisation (id),
    network_id uuid REFERENCES network (id),
    resource_id uuid REFERENCES resource (id),
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(description, '')), 'C')) STORED
);
CREATE INDEX practice_search_idx ON practice USING gin (search);
CREATE INDEX practice_tags_idx ON practice USING gin (tags);

CREATE TABLE news (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    date text NOT NULL CHECK (kp_edtf_valid(date)),
    centre_id uuid REFERENCES centre (id),
    summary text,
    body text,
    url text,
    source text,
    report_id uuid REFERENCES report (id),
    event_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('kp_norwegian', coalesce(body, '')), 'C')) STORED
);
CREATE INDEX news_search_idx ON news USING gin (search);
CREATE INDEX news_tags_idx ON news USING gin (tags);
CREATE INDEX news_date_idx ON news (kp_edtf_lower(date), id);
CREATE INDEX news_centre_idx ON news (centre_id);

CREATE TABLE event (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    subtitle text,
    kind text NOT NULL CHECK (kind IN ('conference', 'workshop', 'meeting', 'gathering',
        'debate', 'stand', 'course')),
    starts text CHECK (kp_edtf_valid(starts)),
    ends text CHECK (kp_edtf_valid(ends)),
    place text,
    municipality_number text REFERENCES municipality (number),
    network_id uuid REFERENCES network (id),
    description text,
    url text,
    tags text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    publish_at timestamptz,
    owner_centre_id uuid REFERENCES centre (id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid,
    updated_by uuid,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('kp_norwegian', coalesce(name, '') || ' ' || coalesce(subtitle, '')), 'A') ||
        setweight(to_tsvector('kp_norwegian', coalesce(place, '')), 'B') ||
        setweight(to_tsvector('kp_norwegian', coalesce(description, '')), 'C')) STORED
);
CREATE INDEX event_search_idx ON event USING gin (search);
CREATE INDEX event_tags_idx ON event USING gin (tags);
ALTER TABLE news ADD FOREIGN KEY (event_id) REFERENCES event (id);
CREATE TABLE event_organiser_centre (
    event_id uuid NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    centre_id uuid NOT NULL REFERENCES centre (id),
    PRIMARY KEY (event_id, centre_id));
CREATE TABLE event_organiser_organisation (
    event_id uuid NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    PRIMARY KEY (event_id, organisation_id));

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisation', 'centre', 'network', 'report', 'resource',
                             'practice', 'news', 'event'] LOOP
        EXECUTE format('CREATE TRIGGER %I_touch BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION kp_touch()', t, t);
        EXECUTE format('CREATE TRIGGER %I_tags BEFORE INSERT OR UPDATE OF tags ON %I FOR EACH ROW EXECUTE FUNCTION kp_check_tags()', t, t);
        EXECUTE format('CREATE INDEX %I_updated_idx ON %I (updated_at, id)', t, t);
    END LOOP;
END $$;
