//! Evidence files, content-addressed: `<data-dir>/evidence/sha256/<aa>/<rest of the hex digest>`.
//!
//! A file is copied in by streaming it through SHA-256 into a temporary file under
//! `<data-dir>/evidence/incoming/` (its final directory depends on the hash, known only at the
//! end; `incoming/` is on the same file system, so the rename below is atomic), syncing it,
//! renaming it to its address and syncing the directory. A file already at that address is left as
//! it is: the same address means the same content, and the copy in place may be the one a log
//! entry already vouches for. On any failure the temporary file is removed, so a missing source, an
//! unreadable one or a full disk leaves nothing behind. Reading a file back re-hashes it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rampart_core::log::Digest;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::error::StoreError;

const CHUNK: usize = 64 * 1024;

/// A file placed in the content-addressed store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredFile {
    /// Its SHA-256, which is its address.
    pub sha256: Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// The content-addressed evidence directory of one data directory.
#[derive(Debug, Clone)]
pub(crate) struct EvidenceFiles {
    objects: PathBuf,
    incoming: PathBuf,
}

impl EvidenceFiles {
    pub(crate) fn new(data_dir: &Path) -> Self {
        let root = data_dir.join("evidence");
        Self {
            objects: root.join("sha256"),
            incoming: root.join("incoming"),
        }
    }

    /// Where the file with this digest lives.
    pub(crate) fn path_of(&self, sha256: &Digest) -> PathBuf {
        let hex = sha256.to_string();
        let (dir, rest) = hex.split_at(2);
        self.objects.join(dir).join(rest)
    }

    /// Copies `source` into the store and returns its address. Blocking.
    pub(crate) fn put(&self, source: &Path) -> Result<StoredFile, StoreError> {
        let input = |e| StoreError::Input {
            path: source.to_owned(),
            source: e,
        };
        let mut reader = File::open(source).map_err(input)?;
        if !reader.metadata().map_err(input)?.is_file() {
            return Err(input(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
        create_dir(&self.incoming)?;
        let temp = TempFile::create(&self.incoming)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(input(e)),
            };
            hasher.update(&buf[..n]);
            temp.file()
                .write_all(&buf[..n])
                .map_err(|e| temp.failed("write", e))?;
            size += n as u64;
        }
        temp.file().sync_all().map_err(|e| temp.failed("sync", e))?;
        let sha256 = Digest(hasher.finalize().into());
        let target = self.path_of(&sha256);
        if fs::symlink_metadata(&target).is_ok() {
            // Same address, same content: the copy in place stays; ours is dropped.
            return Ok(StoredFile { sha256, size });
        }
        let dir = target.parent().unwrap_or(&self.objects);
        create_dir(dir)?;
        temp.persist(&target)?;
        sync_dir(dir)?;
        Ok(StoredFile { sha256, size })
    }

    /// Copies the file at `sha256` to the new file `dest`, checking its hash on the way; `dest` is
    /// created only when the content matches its address. Blocking.
    pub(crate) fn copy_out(&self, sha256: &Digest, dest: &Path) -> Result<u64, StoreError> {
        let out_dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = TempFile::create(out_dir)?;
        let size = self.stream(sha256, temp.file(), |e| temp.failed("write", e))?;
        temp.file().sync_all().map_err(|e| temp.failed("sync", e))?;
        if fs::symlink_metadata(dest).is_ok() {
            return Err(StoreError::File {
                action: "write",
                path: dest.to_owned(),
                source: io::Error::new(io::ErrorKind::AlreadyExists, "the file already exists"),
            });
        }
        temp.persist(dest)?;
        Ok(size)
    }

    /// Re-hashes the file at `sha256` and checks it matches. Blocking.
    pub(crate) fn check(&self, sha256: &Digest) -> Result<u64, StoreError> {
        // Writing to a sink cannot fail; the mapping only completes the signature.
        self.stream(sha256, io::sink(), |e| {
            write_error("hash", &self.path_of(sha256), e)
        })
    }

    /// Streams the file at `sha256` into `out`, failing if it does not hash to its address;
    /// `out_failed` describes a failure to write to `out`.
    fn stream(
        &self,
        sha256: &Digest,
        mut out: impl Write,
        out_failed: impl Fn(io::Error) -> StoreError,
    ) -> Result<u64, StoreError> {
        let path = self.path_of(sha256);
        let file_error = |action, e| StoreError::File {
            action,
            path: path.clone(),
            source: e,
        };
        let mut file = File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => StoreError::EvidenceMissing {
                path: path.clone(),
                sha256: *sha256,
            },
            _ => file_error("open", e),
        })?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(file_error("read", e)),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(&out_failed)?;
            size += n as u64;
        }
        let actual = Digest(hasher.finalize().into());
        if actual != *sha256 {
            return Err(StoreError::EvidenceDamaged {
                path,
                expected: *sha256,
                actual,
            });
        }
        Ok(size)
    }
}

/// A temporary file that is removed unless it is persisted.
struct TempFile {
    path: PathBuf,
    file: File,
    persisted: bool,
}

impl TempFile {
    fn create(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(format!(".incoming-{}", Uuid::now_v7()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| write_error("create", &path, e))?;
        Ok(Self {
            path,
            file,
            persisted: false,
        })
    }

    fn file(&self) -> &File {
        &self.file
    }

    fn failed(&self, action: &'static str, e: io::Error) -> StoreError {
        write_error(action, &self.path, e)
    }

    /// Renames the file to `target`.
    fn persist(mut self, target: &Path) -> Result<(), StoreError> {
        fs::rename(&self.path, target).map_err(|e| write_error("rename into place", target, e))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: the file is ours and incomplete; a failure here leaves only a
            // `.incoming-*` file that no record refers to.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A write failure, told apart as a full disk where it is one.
fn write_error(action: &'static str, path: &Path, e: io::Error) -> StoreError {
    if e.kind() == io::ErrorKind::StorageFull {
        StoreError::DiskFull {
            place: path.display().to_string(),
            detail: e.to_string(),
        }
    } else {
        StoreError::File {
            action,
            path: path.to_owned(),
            source: e,
        }
    }
}

/// Creates `dir` (and parents) if missing, syncing the parent so the new entry is durable.
fn create_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| write_error("create directory", dir, e))?;
    match dir.parent() {
        Some(parent) => sync_dir(parent),
        None => Ok(()),
    }
}

/// Makes renames and creations inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| write_error("sync directory", dir, e))
}
