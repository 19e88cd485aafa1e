//! The writes of an append, collected while its entries are decided and sent to the database after
//! the last decision: new incidents' projections, the log entries, evidence rows, and the updated
//! projections, in an order that satisfies the foreign keys (an entry after its incident, an
//! evidence row after its entry).
//!
//! Every statement keeps one SQL text for both backends. PostgreSQL receives them one by one and
//! then `COMMIT`. SQLite receives them, with the `COMMIT`, joined into multi-statement texts of up
//! to [`STATEMENTS_PER_TRIP`] statements (the placeholders renumbered so that each statement binds
//! its own values): one round trip to the driver's worker thread for an ordinary append instead of
//! one per statement. A statement that fails stops the text there, before the `COMMIT`.

use rampart_core::Incident;
use uuid::Uuid;

use crate::incidents::ProjectionRow;
use crate::rows::EntryRow;

pub(super) const INSERT_INCIDENT: &str = "INSERT INTO incidents (id, state, severity, \
     incident_type, title, amazon_information, personal_data, drill, detected_at, updated_at, \
     record, key_year, key_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
pub(super) const UPDATE_INCIDENT: &str = "UPDATE incidents SET state = $2, severity = $3, \
     incident_type = $4, title = $5, amazon_information = $6, personal_data = $7, drill = $8, \
     detected_at = $9, updated_at = $10, record = $11 WHERE id = $1";
/// The update of an incident whose entries changed none of its columns but the time of the last
/// change: it leaves the indexes on the other columns untouched, so the commit writes (and syncs)
/// fewer pages.
pub(super) const UPDATE_RECORD: &str =
    "UPDATE incidents SET updated_at = $2, record = $3 WHERE id = $1";
pub(super) const INSERT_ENTRY: &str = "INSERT INTO log_entries (global_seq, incident_id, seq, at, \
     actor, kind, payload, text, prev_hash, hash, global_prev_hash, global_hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
pub(super) const UPSERT_EVIDENCE: &str = "INSERT INTO evidence (incident_id, sha256, size, \
     media_type, file_name, description, added_by, custodian, global_seq) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     ON CONFLICT (incident_id, sha256) DO UPDATE SET custodian = excluded.custodian";
pub(super) const COMMIT: &str = "COMMIT";
pub(super) const ROLLBACK: &str = "ROLLBACK";

/// Statements per multi-statement text on SQLite: an ordinary append is two statements and the
/// commit; bulk appends go in texts of this many, each of which SQLite prepares once and caches.
pub(super) const STATEMENTS_PER_TRIP: usize = 64;

/// An evidence row to insert, or whose custodian to update.
#[derive(Debug)]
pub(super) struct EvidenceRow {
    pub(super) incident_id: Uuid,
    pub(super) sha256: Vec<u8>,
    pub(super) size: i64,
    pub(super) media_type: String,
    pub(super) file_name: String,
    pub(super) description: String,
    pub(super) added_by: String,
    pub(super) custodian: String,
    pub(super) global_seq: i64,
}

/// One write statement and the values it binds.
pub(super) enum Statement<'a> {
    /// A new incident's projection ([`INSERT_INCIDENT`]).
    InsertIncident(ProjectionRow, &'a Incident),
    /// A log entry ([`INSERT_ENTRY`]).
    Entry(&'a EntryRow),
    /// An evidence row ([`UPSERT_EVIDENCE`]).
    Evidence(&'a EvidenceRow),
    /// An existing incident's projection ([`UPDATE_INCIDENT`]).
    UpdateIncident(ProjectionRow, &'a Incident),
    /// An existing incident's record and time of the last change ([`UPDATE_RECORD`]).
    UpdateRecord(ProjectionRow, &'a Incident),
}

impl Statement<'_> {
    /// The statement's SQL text, the same on both backends.
    pub(super) fn sql(&self) -> &'static str {
        match self {
            Statement::InsertIncident(..) => INSERT_INCIDENT,
            Statement::Entry(_) => INSERT_ENTRY,
            Statement::Evidence(_) => UPSERT_EVIDENCE,
            Statement::UpdateIncident(..) => UPDATE_INCIDENT,
            Statement::UpdateRecord(..) => UPDATE_RECORD,
        }
    }
}

/// Binds a [`Statement`]'s values, in the order of its placeholders, to `$query`.
macro_rules! bind_statement {
    ($query:expr, $statement:expr) => {
        match $statement {
            $crate::append::writes::Statement::InsertIncident(row, incident) => {
                $crate::append::writes::bind_projection!($query, row, incident)
                    .bind(row.key_year)
                    .bind(row.key_number)
            }
            $crate::append::writes::Statement::UpdateIncident(row, incident) => {
                $crate::append::writes::bind_projection!($query, row, incident)
            }
            $crate::append::writes::Statement::UpdateRecord(row, incident) => $query
                .bind(row.id)
                .bind(row.updated_at)
                .bind(sqlx::types::Json(*incident)),
            $crate::append::writes::Statement::Entry(row) => $query
                .bind(row.global_seq)
                .bind(row.incident_id)
                .bind(row.seq)
                .bind(row.at)
                .bind(&row.actor)
                .bind(&row.kind)
                .bind(&row.payload)
                .bind(&row.text)
                .bind(&row.prev_hash)
                .bind(&row.hash)
                .bind(&row.global_prev_hash)
                .bind(&row.global_hash),
            $crate::append::writes::Statement::Evidence(item) => $query
                .bind(item.incident_id)
                .bind(&item.sha256)
                .bind(item.size)
                .bind(&item.media_type)
                .bind(&item.file_name)
                .bind(&item.description)
                .bind(&item.added_by)
                .bind(&item.custodian)
                .bind(item.global_seq),
        }
    };
}
pub(super) use bind_statement;

/// Binds the projection columns shared by [`INSERT_INCIDENT`] and [`UPDATE_INCIDENT`], `$1` to
/// `$11`.
macro_rules! bind_projection {
    ($query:expr, $row:expr, $incident:expr) => {
        $query
            .bind($row.id)
            .bind($row.state)
            .bind($row.severity)
            .bind(&$row.incident_type)
            .bind(&$row.title)
            .bind($row.amazon_information)
            .bind($row.personal_data)
            .bind($row.drill)
            .bind($row.detected_at)
            .bind($row.updated_at)
            .bind(sqlx::types::Json(*$incident))
    };
}
pub(super) use bind_projection;

/// The multi-statement text that runs `statements` in order (and commits after them if `commit`),
/// each statement's placeholders moved past those of the statements before it so that all of them
/// bind one list of values, in order.
pub(super) fn joined_text(statements: &[Statement<'_>], commit: bool) -> String {
    let mut text = String::new();
    let mut bound = 0;
    for statement in statements {
        bound += append_renumbered(&mut text, statement.sql(), bound);
        text.push_str(";\n");
    }
    if commit {
        text.push_str(COMMIT);
    }
    text
}

/// Appends `sql` to `text` with each placeholder `$n` written as `$(n + offset)`; returns the
/// highest `n` in `sql`. The statements' texts hold no `$` other than placeholders.
fn append_renumbered(text: &mut String, sql: &str, offset: usize) -> usize {
    let mut highest = 0;
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(number) = rest[..digits].parse::<usize>() else {
            continue;
        };
        highest = highest.max(number);
        text.push_str(&(number + offset).to_string());
        rest = &rest[digits..];
    }
    text.push_str(rest);
    highest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_past_the_earlier_statements() {
        let mut text = String::new();
        assert_eq!(
            append_renumbered(&mut text, "A ($1, $2) WHERE x = $12", 0),
            12
        );
        assert_eq!(append_renumbered(&mut text, "; B ($1, $10)", 12), 10);
        assert_eq!(text, "A ($1, $2) WHERE x = $12; B ($13, $22)");
    }

    #[test]
    fn every_write_statement_numbers_its_placeholders_from_one_without_gaps() {
        for sql in [
            INSERT_INCIDENT,
            UPDATE_INCIDENT,
            UPDATE_RECORD,
            INSERT_ENTRY,
            UPSERT_EVIDENCE,
        ] {
            let mut text = String::new();
            let highest = append_renumbered(&mut text, sql, 0);
            assert_eq!(text, sql);
            for n in 1..=highest {
                assert!(sql.contains(&format!("${n}")), "${n} missing in {sql}");
            }
        }
    }
}
