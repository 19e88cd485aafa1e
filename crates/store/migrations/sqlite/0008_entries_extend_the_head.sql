-- The database refuses a log entry that does not extend the global chain head: its global_seq must
-- be the head's plus one and its global_prev_hash the head's hash. Appends are serialised by the
-- write lock, so this holds for every honest writer; it stops a writer that decided against a head
-- another process has since moved (the store then reads the new head and decides again), and it
-- stops careless tools. As with the append-only triggers, the chains do not depend on it.
CREATE TRIGGER log_entries_extend_the_head BEFORE INSERT ON log_entries
WHEN NOT EXISTS (
    SELECT 1 FROM chain_head
    WHERE id = 1 AND seq + 1 = NEW.global_seq AND hash = NEW.global_prev_hash
)
BEGIN
    SELECT RAISE(ABORT, 'log entry does not extend the global chain head');
END;
