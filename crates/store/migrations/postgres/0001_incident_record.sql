-- The incident record: the hash-chained log (the source of truth), the projection of each
-- incident folded from it, evidence metadata, and the counters behind incident keys.
-- Times are microseconds since the Unix epoch (UTC); hashes are 32-byte SHA-256 digests.
-- sqlite/0001_incident_record.sql is the same schema in SQLite's types.

-- The head of the global chain: one row, read (and on PostgreSQL locked) by every append.
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- The last number given out per year for keys INC-YYYY-NNNN.
CREATE TABLE incident_keys (
    year BIGINT PRIMARY KEY,
    last_number BIGINT NOT NULL
);

-- One row per incident: its projection (`record`, JSON) and the columns lists filter on.
CREATE TABLE incidents (
    id UUID PRIMARY KEY,
    key_year BIGINT NOT NULL,
    key_number BIGINT NOT NULL,
    state TEXT NOT NULL,
    severity TEXT,
    incident_type TEXT NOT NULL,
    title TEXT NOT NULL,
    amazon_information BOOLEAN NOT NULL,
    personal_data BOOLEAN NOT NULL,
    drill BOOLEAN NOT NULL,
    detected_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    record JSONB NOT NULL,
    UNIQUE (key_year, key_number)
);
CREATE INDEX incidents_by_state ON incidents (state);
CREATE INDEX incidents_by_severity ON incidents (severity);
CREATE INDEX incidents_by_type ON incidents (incident_type);

-- The log. `global_seq` is the position in the global chain (the primary key).
CREATE TABLE log_entries (
    global_seq BIGINT PRIMARY KEY,
    incident_id UUID NOT NULL REFERENCES incidents (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    text TEXT NOT NULL,
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL,
    global_prev_hash BYTEA NOT NULL,
    global_hash BYTEA NOT NULL,
    UNIQUE (incident_id, seq)
);

-- The global head moves with every entry inserted, in the same transaction.
CREATE FUNCTION log_entries_move_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chain_head SET seq = NEW.global_seq, hash = NEW.global_hash WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER log_entries_move_head AFTER INSERT ON log_entries
    FOR EACH ROW EXECUTE FUNCTION log_entries_move_head();

-- History is never rewritten: the database itself refuses to change or remove a log entry. The
-- hash chains do not depend on this (an owner of the database can drop these triggers, and
-- `rampart verify` still finds the change); it stops accidents and careless tools.
CREATE FUNCTION log_entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'log entries are append-only';
END;
$$;
CREATE TRIGGER log_entries_are_append_only_update BEFORE UPDATE ON log_entries
    FOR EACH ROW EXECUTE FUNCTION log_entries_are_append_only();
CREATE TRIGGER log_entries_are_append_only_delete BEFORE DELETE ON log_entries
    FOR EACH ROW EXECUTE FUNCTION log_entries_are_append_only();
CREATE TRIGGER log_entries_are_append_only_truncate BEFORE TRUNCATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION log_entries_are_append_only();

-- Evidence items of each incident (the files live under evidence/sha256/ in the data directory).
CREATE TABLE evidence (
    incident_id UUID NOT NULL REFERENCES incidents (id),
    sha256 BYTEA NOT NULL,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    description TEXT NOT NULL,
    added_by TEXT NOT NULL,
    custodian TEXT NOT NULL,
    global_seq BIGINT NOT NULL REFERENCES log_entries (global_seq),
    PRIMARY KEY (incident_id, sha256)
);
CREATE INDEX evidence_by_sha256 ON evidence (sha256);
