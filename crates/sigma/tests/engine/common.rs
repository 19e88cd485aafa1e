//! Shared helpers: data locations, loading the rule folders once, reading JSON corpora.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rampart_sigma::{LoadReport, RuleSet};

/// The shared test data folder.
pub(crate) fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

/// The three SigmaHQ rule folders the engine must load completely.
pub(crate) fn rule_folders() -> Vec<PathBuf> {
    ["rules", "rules-emerging-threats", "rules-threat-hunting"]
        .iter()
        .map(|f| data().join("sigma").join(f))
        .collect()
}

/// All three folders, loaded once for the whole test binary.
pub(crate) fn all_rules() -> &'static (RuleSet, LoadReport) {
    static RULES: OnceLock<(RuleSet, LoadReport)> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut builder = RuleSet::builder();
        for folder in rule_folders() {
            builder = builder.add_path(folder);
        }
        builder.build().unwrap()
    })
}

/// Every JSON value of a file holding one document, a stream of documents, or `{"Records": [...]}`.
pub(crate) fn json_events(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for value in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        let value = value.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match value.get("Records").and_then(|r| r.as_array()) {
            Some(records) => out.extend(records.iter().cloned()),
            None => out.push(value),
        }
    }
    out
}

/// Files under `dir` with the extension `ext`, sorted.
pub(crate) fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
