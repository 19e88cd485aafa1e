-- The outbox: messages waiting to leave (e-mail, webhooks), the exact bytes each one sent, and
-- every attempt to deliver it. Times are microseconds since the Unix epoch (UTC).
-- postgres/0004_outbox.sql is the same schema in PostgreSQL's types.

-- One row per message. `idempotency_key` makes enqueueing the same message twice a no-op;
-- `fingerprint` (SHA-256 of the content) tells a repeat from a different message under a used key.
-- `state`: pending (waiting for next_attempt_at), sending (leased by lease_owner until
-- lease_until; claimable again once the lease has run out), sent, failed (gave up).
CREATE TABLE outbox_messages (
    id BLOB PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint BLOB NOT NULL,
    incident_id BLOB REFERENCES incidents (id),
    channel TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    rendered BLOB,
    sent_at INTEGER,
    last_error TEXT
);
CREATE INDEX outbox_messages_due ON outbox_messages (channel, state, next_attempt_at);
CREATE INDEX outbox_messages_by_incident ON outbox_messages (incident_id);

-- Files sent with a message, in order.
CREATE TABLE outbox_attachments (
    message_id BLOB NOT NULL REFERENCES outbox_messages (id),
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (message_id, position)
);

-- Every finished delivery attempt. An attempt number with no row here was interrupted (the
-- process stopped while sending) and its message was claimed again when the lease ran out.
CREATE TABLE outbox_attempts (
    message_id BLOB NOT NULL REFERENCES outbox_messages (id),
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'gave_up')),
    detail TEXT NOT NULL,
    PRIMARY KEY (message_id, attempt)
);
