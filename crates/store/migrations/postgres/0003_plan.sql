-- The plan: every version applied, and the plan log (versions applied, reviews, major changes,
-- training completions), hash-chained like the incident log but on its own chain.
-- Times are microseconds since the Unix epoch (UTC); hashes are 32-byte SHA-256 digests.
-- sqlite/0003_plan.sql is the same schema in SQLite's types.

-- The head of the plan log: one row, updated by every plan log append (which serialises them).
CREATE TABLE plan_log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO plan_log_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- The plan log. `kind` and `payload` (JSON) hold the event; `hash` chains each entry to the last.
CREATE TABLE plan_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    text TEXT NOT NULL,
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL
);

-- Each plan version, whole: canonical JSON and the TOML text it was applied from.
CREATE TABLE plan_versions (
    version BIGINT PRIMARY KEY,
    plan_log_seq BIGINT NOT NULL REFERENCES plan_log (seq),
    sha256 BYTEA NOT NULL,
    plan TEXT NOT NULL,
    source_text TEXT NOT NULL
);

-- The plan's history is never rewritten either.
CREATE FUNCTION plan_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plan history is append-only';
END;
$$;
CREATE TRIGGER plan_log_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON plan_log
    FOR EACH STATEMENT EXECUTE FUNCTION plan_history_is_append_only();
CREATE TRIGGER plan_versions_are_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON plan_versions
    FOR EACH STATEMENT EXECUTE FUNCTION plan_history_is_append_only();
