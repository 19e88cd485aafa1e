-- The database refuses a log entry that does not extend the global chain head: its global_seq must
-- be the head's plus one and its global_prev_hash the head's hash. Appends are serialised by the
-- lock on the head row, so this holds for every honest writer; it stops careless tools. As with the
-- append-only triggers, the chains do not depend on it.
CREATE FUNCTION log_entries_extend_the_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM chain_head
        WHERE id = 1 AND seq + 1 = NEW.global_seq AND hash = NEW.global_prev_hash
    ) THEN
        RAISE EXCEPTION 'log entry does not extend the global chain head';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER log_entries_extend_the_head BEFORE INSERT ON log_entries
    FOR EACH ROW EXECUTE FUNCTION log_entries_extend_the_head();
