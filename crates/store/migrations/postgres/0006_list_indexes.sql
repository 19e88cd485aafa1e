-- Incident lists filtered by state, severity or type, in key order: each filter's index carries
-- the key, so a filtered page is read from the index in order and stops at the page's end
-- instead of sorting every match (or walking the key index past every row that does not match).
DROP INDEX incidents_by_state;
DROP INDEX incidents_by_severity;
DROP INDEX incidents_by_type;
CREATE INDEX incidents_by_state ON incidents (state, key_year, key_number);
CREATE INDEX incidents_by_severity ON incidents (severity, key_year, key_number);
CREATE INDEX incidents_by_type ON incidents (incident_type, key_year, key_number);
