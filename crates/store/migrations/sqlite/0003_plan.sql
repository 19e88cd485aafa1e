-- The plan: every version applied, and the plan log (versions applied, reviews, major changes,
-- training completions), hash-chained like the incident log but on its own chain.
-- Times are microseconds since the Unix epoch (UTC); hashes are 32-byte SHA-256 digests.
-- postgres/0003_plan.sql is the same schema in PostgreSQL's types.

-- The head of the plan log: one row, updated by every plan log append (which serialises them).
CREATE TABLE plan_log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO plan_log_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

-- The plan log. `kind` and `payload` (JSON) hold the event; `hash` chains each entry to the last.
CREATE TABLE plan_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    text TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);

-- Each plan version, whole: canonical JSON and the TOML text it was applied from.
CREATE TABLE plan_versions (
    version INTEGER PRIMARY KEY,
    plan_log_seq INTEGER NOT NULL REFERENCES plan_log (seq),
    sha256 BLOB NOT NULL,
    plan TEXT NOT NULL,
    source_text TEXT NOT NULL
);

-- The plan's history is never rewritten either.
CREATE TRIGGER plan_log_is_append_only_update BEFORE UPDATE ON plan_log
BEGIN
    SELECT RAISE(ABORT, 'plan log entries are append-only');
END;
CREATE TRIGGER plan_log_is_append_only_delete BEFORE DELETE ON plan_log
BEGIN
    SELECT RAISE(ABORT, 'plan log entries are append-only');
END;
CREATE TRIGGER plan_versions_are_append_only_update BEFORE UPDATE ON plan_versions
BEGIN
    SELECT RAISE(ABORT, 'plan versions are append-only');
END;
CREATE TRIGGER plan_versions_are_append_only_delete BEFORE DELETE ON plan_versions
BEGIN
    SELECT RAISE(ABORT, 'plan versions are append-only');
END;
