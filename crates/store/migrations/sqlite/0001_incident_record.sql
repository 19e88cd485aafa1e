-- The incident record: the hash-chained log (the source of truth), the projection of each
-- incident folded from it, evidence metadata, and the counters behind incident keys.
-- Times are microseconds since the Unix epoch (UTC); hashes are 32-byte SHA-256 digests.
-- postgres/0001_incident_record.sql is the same schema in PostgreSQL's types.

-- The head of the global chain: one row, read (and on PostgreSQL locked) by every append.
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

-- The last number given out per year for keys INC-YYYY-NNNN.
CREATE TABLE incident_keys (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- One row per incident: its projection (`record`, JSON) and the columns lists filter on.
CREATE TABLE incidents (
    id BLOB PRIMARY KEY,
    key_year INTEGER NOT NULL,
    key_number INTEGER NOT NULL,
    state TEXT NOT NULL,
    severity TEXT,
    incident_type TEXT NOT NULL,
    title TEXT NOT NULL,
    amazon_information BOOLEAN NOT NULL,
    personal_data BOOLEAN NOT NULL,
    drill BOOLEAN NOT NULL,
    detected_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (key_year, key_number)
);
CREATE INDEX incidents_by_state ON incidents (state);
CREATE INDEX incidents_by_severity ON incidents (severity);
CREATE INDEX incidents_by_type ON incidents (incident_type);

-- The log. `global_seq` is the position in the global chain (the rowid here).
CREATE TABLE log_entries (
    global_seq INTEGER PRIMARY KEY,
    incident_id BLOB NOT NULL REFERENCES incidents (id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    text TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL,
    global_prev_hash BLOB NOT NULL,
    global_hash BLOB NOT NULL,
    UNIQUE (incident_id, seq)
);

-- The global head moves with every entry inserted, in the same transaction.
CREATE TRIGGER log_entries_move_head AFTER INSERT ON log_entries
BEGIN
    UPDATE chain_head SET seq = NEW.global_seq, hash = NEW.global_hash WHERE id = 1;
END;

-- History is never rewritten: the database itself refuses to change or remove a log entry. The
-- hash chains do not depend on this (whoever holds the file can drop these triggers, and
-- `rampart verify` still finds the change); it stops accidents and careless tools.
CREATE TRIGGER log_entries_are_append_only_update BEFORE UPDATE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log entries are append-only');
END;
CREATE TRIGGER log_entries_are_append_only_delete BEFORE DELETE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log entries are append-only');
END;

-- Evidence items of each incident (the files live under evidence/sha256/ in the data directory).
CREATE TABLE evidence (
    incident_id BLOB NOT NULL REFERENCES incidents (id),
    sha256 BLOB NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    description TEXT NOT NULL,
    added_by TEXT NOT NULL,
    custodian TEXT NOT NULL,
    global_seq INTEGER NOT NULL REFERENCES log_entries (global_seq),
    PRIMARY KEY (incident_id, sha256)
);
CREATE INDEX evidence_by_sha256 ON evidence (sha256);
