//! Expanding the paths given to a hunt into the files to read.

use std::path::{Path, PathBuf};

use crate::error::DetectError;

/// Every regular file under `paths`: files as given, directories walked recursively. Each
/// directory's files come sorted by name so that a hunt's output order is reproducible;
/// symbolic links to directories are not followed (no cycles).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DetectError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| input(path, source))?;
        if metadata.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), DetectError> {
    let mut entries = std::fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|source| input(dir, source))?;
    entries.sort();
    for entry in entries {
        let kind = std::fs::symlink_metadata(&entry)
            .map_err(|source| input(&entry, source))?
            .file_type();
        if kind.is_dir() {
            walk(&entry, files)?;
        } else if kind.is_file() || (kind.is_symlink() && entry.is_file()) {
            files.push(entry);
        }
    }
    Ok(())
}

fn input(path: &Path, source: std::io::Error) -> DetectError {
    DetectError::Input {
        path: path.to_owned(),
        source,
    }
}
