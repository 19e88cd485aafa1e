-- Accounts: the people who sign in to the web interface and the REST API, their sessions and API
-- tokens, one-time links to set a password (the first administrator's setup, invitations), and
-- incidents shared with external reviewers. Secrets are never stored: sessions, tokens and links
-- are kept as the SHA-256 of the random value handed out, passwords as argon2id PHC strings.
-- Times are microseconds since the Unix epoch (UTC).
-- postgres/0002_accounts.sql is the same schema in PostgreSQL's types.

-- A person. `name` signs in and is the actor recorded in the log for what they do.
CREATE TABLE users (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT,
    disabled BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);

-- A signed-in browser. Each sign-in creates a new row (the session id rotates).
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- An API token of a user, for scripts and the remote command line.
CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id BLOB NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- A one-time link to set a password: for `user_id`, or (NULL) to create the first administrator.
CREATE TABLE account_links (
    token_hash BLOB PRIMARY KEY,
    user_id BLOB REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

-- Incidents an external reviewer may see; they see nothing else.
CREATE TABLE incident_shares (
    incident_id BLOB NOT NULL REFERENCES incidents (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    granted_by TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX incident_shares_by_user ON incident_shares (user_id);

-- Who opened each incident (a reporter sees only theirs), and the orders lists are sorted in.
CREATE INDEX log_entries_openers ON log_entries (actor, incident_id) WHERE seq = 1;
CREATE INDEX incidents_by_detected ON incidents (detected_at, key_year, key_number);
CREATE INDEX incidents_by_updated ON incidents (updated_at, key_year, key_number);
