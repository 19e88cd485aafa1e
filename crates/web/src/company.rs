//! The company's settings (`rampart.toml`'s `[clocks]` and `[notices]`) and the regimes in force,
//! read as `rampart_respond::company` reads them and kept until a file they come from changes.
//!
//! Parsing the built-in regimes, `rampart.toml` and the company's regime file took a large part
//! of each incident page; now each request only looks at the files' metadata (modification time
//! and size) and reads them again when either differs from the reading kept, or a file appeared
//! or went away.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rampart_clock::Config;
use rampart_respond::company::{CompanySettings, SettingsError, clock_config};

/// What a file looked like when it was read: `None` when it did not exist.
type Stamp = Option<(Option<SystemTime>, u64)>;

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().ok(), m.len()))
}

/// The company's settings and the regimes in force, from one reading of the files.
#[derive(Debug)]
pub(crate) struct Company {
    /// `[clocks]` and `[notices]`.
    pub(crate) settings: CompanySettings,
    /// The regimes in force.
    pub(crate) clocks: Config,
}

#[derive(Debug)]
struct Reading {
    settings_file: Stamp,
    regime_file: Stamp,
    company: Arc<Company>,
}

/// The last reading of the company's files.
#[derive(Debug, Default)]
pub(crate) struct CompanyCache {
    last: Mutex<Option<Reading>>,
}

impl CompanyCache {
    /// The company's settings in `data_dir`, read again only when a file changed.
    pub(crate) fn get(&self, data_dir: &Path) -> Result<Arc<Company>, SettingsError> {
        let settings_file = stamp(&data_dir.join("rampart.toml"));
        let regime_stamp = |settings: &CompanySettings| {
            settings
                .clocks
                .file
                .as_ref()
                .and_then(|f| stamp(&data_dir.join(f)))
        };
        {
            let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = last.as_ref().filter(|r| r.settings_file == settings_file)
                && r.regime_file == regime_stamp(&r.company.settings)
            {
                return Ok(Arc::clone(&r.company));
            }
        }
        let settings = CompanySettings::read(data_dir)?;
        let regime_file = regime_stamp(&settings);
        let clocks = clock_config(data_dir, &settings.clocks)?;
        let company = Arc::new(Company { settings, clocks });
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(Reading {
            settings_file,
            regime_file,
            company: Arc::clone(&company),
        });
        Ok(company)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_settings_file_is_read_again_and_an_unchanged_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompanyCache::default();
        let first = cache.get(dir.path()).unwrap();
        assert_eq!(first.clocks.zone_name(), "UTC");
        assert!(Arc::ptr_eq(&first, &cache.get(dir.path()).unwrap()));

        std::fs::write(
            dir.path().join("rampart.toml"),
            "[clocks]\nzone = \"Europe/Berlin\"\nregimes = [\"gdpr\"]\n",
        )
        .unwrap();
        let second = cache.get(dir.path()).unwrap();
        assert_eq!(second.clocks.zone_name(), "Europe/Berlin");
        assert_eq!(second.clocks.regimes().len(), 1);
        assert!(Arc::ptr_eq(&second, &cache.get(dir.path()).unwrap()));

        std::fs::remove_file(dir.path().join("rampart.toml")).unwrap();
        assert_eq!(cache.get(dir.path()).unwrap().clocks.zone_name(), "UTC");
    }

    #[test]
    fn a_settings_file_that_does_not_parse_is_refused_every_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rampart.toml"), "[clocks\n").unwrap();
        let cache = CompanyCache::default();
        assert!(cache.get(dir.path()).is_err());
        assert!(cache.get(dir.path()).is_err());
    }
}
