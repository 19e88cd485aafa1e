-- The outbox: messages waiting to leave (e-mail, webhooks), the exact bytes each one sent, and
-- every attempt to deliver it. Times are microseconds since the Unix epoch (UTC).
-- sqlite/0004_outbox.sql is the same schema in SQLite's types.

-- One row per message. `idempotency_key` makes enqueueing the same message twice a no-op;
-- `fingerprint` (SHA-256 of the content) tells a repeat from a different message under a used key.
-- `state`: pending (waiting for next_attempt_at), sending (leased by lease_owner until
-- lease_until; claimable again once the lease has run out), sent, failed (gave up).
CREATE TABLE outbox_messages (
    id UUID PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint BYTEA NOT NULL,
    incident_id UUID REFERENCES incidents (id),
    channel TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    rendered BYTEA,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_messages_due ON outbox_messages (channel, state, next_attempt_at);
CREATE INDEX outbox_messages_by_incident ON outbox_messages (incident_id);

-- Files sent with a message, in order.
CREATE TABLE outbox_attachments (
    message_id UUID NOT NULL REFERENCES outbox_messages (id),
    position BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (message_id, position)
);

-- Every finished delivery attempt. An attempt number with no row here was interrupted (the
-- process stopped while sending) and its message was claimed again when the lease ran out.
CREATE TABLE outbox_attempts (
    message_id UUID NOT NULL REFERENCES outbox_messages (id),
    attempt BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'gave_up')),
    detail TEXT NOT NULL,
    PRIMARY KEY (message_id, attempt)
);
