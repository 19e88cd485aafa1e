//! The company's settings the command line and the service both read from `rampart.toml` in the
//! data directory: the `[clocks]` table (enabled regimes, zone, regime file) turned into the
//! regimes in force ([`clock_config`]), and the `[notices]` table. Both read the file the same
//! way, so a clock shown on a page is the clock `rampart clocks` prints.

use std::path::{Path, PathBuf};

use rampart_clock::{Catalog, Config};
use rampart_notice::NoticeSettings;
use serde::Deserialize;

/// Why the company's settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `rampart.toml` does not parse.
    #[error("{}: {reason}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The regime file or the `[clocks]` settings are refused.
    #[error("{0}")]
    Regimes(String),
}

/// The tables of `rampart.toml` read here (the others belong to the command line and delivery).
#[derive(Debug, Default, Deserialize)]
pub struct CompanySettings {
    /// `[clocks]`.
    #[serde(default)]
    pub clocks: rampart_clock::Settings,
    /// `[notices]`.
    #[serde(default)]
    pub notices: NoticeSettings,
}

impl CompanySettings {
    /// `[clocks]` and `[notices]` of `rampart.toml` in `data_dir` (defaults without the file).
    pub fn read(data_dir: &Path) -> Result<CompanySettings, SettingsError> {
        let path = data_dir.join("rampart.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| SettingsError::Parse {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CompanySettings::default()),
            Err(source) => Err(SettingsError::Read { path, source }),
        }
    }
}

/// The regimes in force: the built-in catalog, the company's regime file over it (relative to
/// `data_dir`), and the enabled regimes and zone of `settings`.
pub fn clock_config(
    data_dir: &Path,
    settings: &rampart_clock::Settings,
) -> Result<Config, SettingsError> {
    let mut catalog = Catalog::builtin().map_err(|e| SettingsError::Regimes(e.to_string()))?;
    if let Some(file) = &settings.file {
        let path = data_dir.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| SettingsError::Read {
            path: path.clone(),
            source,
        })?;
        catalog = catalog
            .extend_with(&path.display().to_string(), &text)
            .map_err(|e| SettingsError::Regimes(e.to_string()))?;
    }
    Config::new(&catalog, settings)
        .map_err(|e| SettingsError::Regimes(format!("rampart.toml: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clocks_and_notices_tables_are_read_and_the_rest_left_to_their_owners() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[clocks]\nzone = \"Europe/Berlin\"\nregimes = [\"gdpr\"]\n\
                    [notices]\ncompany = \"Example\"\n[notify]\nfrom = \"x@example.com\"\n";
        std::fs::write(dir.path().join("rampart.toml"), text).unwrap();
        let settings = CompanySettings::read(dir.path()).unwrap();
        assert_eq!(settings.notices.company, "Example");
        let config = clock_config(dir.path(), &settings.clocks).unwrap();
        assert_eq!(config.zone_name(), "Europe/Berlin");
        assert_eq!(config.regimes().len(), 1);
    }

    #[test]
    fn a_missing_regime_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let settings = rampart_clock::Settings {
            file: Some("regimes.toml".into()),
            ..Default::default()
        };
        let e = clock_config(dir.path(), &settings).unwrap_err();
        assert!(e.to_string().contains("regimes.toml"), "{e}");
    }
}
