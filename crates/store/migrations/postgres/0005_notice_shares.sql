-- Notices shared with an external reviewer: they see these notices and nothing else of the
-- incident. `for_amazon`: the reviewer reviews for Amazon, so their approval is Amazon's.
CREATE TABLE notice_shares (
    incident_id UUID NOT NULL REFERENCES incidents (id),
    notice BIGINT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    for_amazon BOOLEAN NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, notice, user_id)
);
CREATE INDEX notice_shares_by_user ON notice_shares (user_id);

-- The team's notice templates, every version kept; notices are drafted from them.
CREATE TABLE notice_templates (
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
