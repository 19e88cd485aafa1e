//! The team's notice templates: a library shared by everyone, each save a new version (older
//! versions are kept and can be drafted from). Templates are checked by the caller
//! (`rampart_notice::template::check`) before they are saved.

use jiff::Timestamp;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTemplate {
    /// Its name in the library.
    pub name: String,
    /// Its version, from 1.
    pub version: u32,
    /// The template (minijinja).
    pub body: String,
    /// Who saved this version.
    pub saved_by: String,
    /// When.
    pub saved_at: Timestamp,
}

type TemplateRow = (String, i64, String, String, i64);

fn template_from_row(row: TemplateRow) -> Result<NoticeTemplate, StoreError> {
    let (name, version, body, saved_by, at) = row;
    let bad = |detail: String| StoreError::Undecodable {
        what: format!("notice template {name}"),
        detail,
    };
    Ok(NoticeTemplate {
        version: u32::try_from(version).map_err(|e| bad(e.to_string()))?,
        saved_at: Timestamp::from_microsecond(at).map_err(|e| bad(e.to_string()))?,
        name,
        body,
        saved_by,
    })
}

impl Store {
    /// Saves `body` as the next version of template `name` (version 1 for a new name); returns
    /// the version.
    pub async fn save_notice_template(
        &self,
        name: &str,
        body: &str,
        saved_by: &str,
        now: Timestamp,
    ) -> Result<u32, StoreError> {
        let (version,): (i64,) = on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query_as(
                "INSERT INTO notice_templates (name, version, body, saved_by, saved_at) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM notice_templates \
                 WHERE name = $1 RETURNING version",
            )
            .bind(name)
            .bind(body)
            .bind(saved_by)
            .bind(now.as_microsecond())
            .fetch_one(pool)
            .await
        })
        .map_err(self.db.fail("saving a notice template"))?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    /// The latest version of template `name`, if the library has it.
    pub async fn latest_notice_template(
        &self,
        name: &str,
    ) -> Result<Option<NoticeTemplate>, StoreError> {
        let row: Option<TemplateRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT name, version, body, saved_by, saved_at FROM notice_templates \
                 WHERE name = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(name)
            .fetch_optional(pool)
            .await
        })
        .map_err(self.db.fail("reading notice templates"))?;
        row.map(template_from_row).transpose()
    }

    /// Every version of every template, by name, newest version first.
    pub async fn notice_templates(&self) -> Result<Vec<NoticeTemplate>, StoreError> {
        let rows: Vec<TemplateRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT name, version, body, saved_by, saved_at FROM notice_templates \
                 ORDER BY name, version DESC",
            )
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("reading notice templates"))?;
        rows.into_iter().map(template_from_row).collect()
    }
}
