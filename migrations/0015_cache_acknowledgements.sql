-- Cross-instance cache coherence without a database round trip per cached read (see
-- api/cache/cache.h). Each server instance with a response cache keeps a row here: the
-- shared generation it has dropped its cached answers for, and until when that holds.
-- Writers move the generation after COMMIT and wait for the instances whose lease has not
-- run out to acknowledge it before answering 2xx.
CREATE UNLOGGED TABLE cache_instance (
    id uuid PRIMARY KEY,
    seen bigint NOT NULL,
    lease_until timestamptz NOT NULL
);

-- How many instances other than `me` still hold a lease but have not acknowledged `g`.
CREATE FUNCTION kp_cache_pending(me uuid, g bigint) RETURNS bigint
LANGUAGE sql VOLATILE AS $$ -- clock_timestamp(): each call looks at the clock again
    SELECT count(*) FROM cache_instance
     WHERE id IS DISTINCT FROM me AND lease_until > clock_timestamp() AND seen < g
$$;

-- Called by a writer right after its COMMIT: a new generation, announced to every listener
-- (delivered when this statement's own transaction ends, at once), and how many other
-- instances are yet to acknowledge it.
CREATE FUNCTION kp_cache_advance(me uuid, OUT generation bigint, OUT pending bigint)
LANGUAGE plpgsql AS $$
BEGIN
    generation := nextval('kp_cache_generation');
    PERFORM pg_notify('kp_cache', generation::text);
    pending := kp_cache_pending(me, generation);
END $$;
