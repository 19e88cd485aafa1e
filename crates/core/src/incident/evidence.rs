//! Evidence metadata and its chain of custody. The files themselves live in the store, addressed
//! by their SHA-256; here is only what the log records about them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::log::Digest;
use crate::named::checked_string;
use crate::time::ZonedTime;

/// Longest kept file name, in bytes.
pub const MAX_FILE_NAME_LEN: usize = 255;

/// What is recorded about an evidence file when it is added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct EvidenceMeta {
    /// SHA-256 of the content: its address in the evidence store.
    pub sha256: Digest,
    /// Size in bytes.
    pub size: u64,
    /// The media type (`application/vnd.ms-windows.evtx`, `text/plain`, …).
    pub media_type: MediaType,
    /// The original file name, made safe to show and to use as a download name.
    pub file_name: FileName,
    /// What the file is and where it came from.
    #[serde(default)]
    pub description: String,
}

/// One handover of an evidence item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Custody {
    /// Who had it.
    pub from: String,
    /// Who has it now.
    pub to: String,
    /// When it changed hands.
    pub at: ZonedTime,
    /// Why.
    pub reason: String,
}

/// An evidence item of an incident, with its custody history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Evidence {
    /// What was recorded when it was added.
    pub meta: EvidenceMeta,
    /// Who added it.
    pub added_by: String,
    /// Who holds it now.
    pub custodian: String,
    /// Every handover, oldest first.
    pub custody: Vec<Custody>,
}

/// A media type `type/subtype`, lowercase, without parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MediaType(String);

checked_string!(MediaType);

impl MediaType {
    /// The media type of unknown binary content.
    pub fn octet_stream() -> Self {
        Self("application/octet-stream".to_owned())
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MediaType {
    type Err = DomainError;
    /// Parses `type/subtype` (RFC 6838 names); parameters after `;` are not kept.
    fn from_str(s: &str) -> Result<Self, DomainError> {
        let essence = s
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let restricted_name = |name: &str| {
            (1..=127).contains(&name.len())
                && name.starts_with(|c: char| c.is_ascii_alphanumeric())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        };
        match essence.split_once('/') {
            Some((kind, sub)) if restricted_name(kind) && restricted_name(sub) => Ok(Self(essence)),
            _ => Err(DomainError::Invalid {
                field: "media type",
                value: s.to_owned(),
                reason: "expected type/subtype such as text/plain",
            }),
        }
    }
}

/// An original file name made safe: no directories, no control or path characters, at most
/// [`MAX_FILE_NAME_LEN`] bytes, never empty, `.` or `..`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FileName(String);

impl FileName {
    /// Makes a safe name from whatever the uploader's file was called: keeps the last path
    /// component, replaces characters that are unsafe in file names or terminals with `_`, and
    /// shortens it on a character boundary.
    pub fn sanitize(raw: &str) -> Self {
        let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let mut name = String::with_capacity(base.len().min(MAX_FILE_NAME_LEN));
        for c in base.trim().chars() {
            let c = if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            };
            if name.len() + c.len_utf8() > MAX_FILE_NAME_LEN {
                break;
            }
            name.push(c);
        }
        // Leading dots would hide the file or name a directory; trimming again keeps this idempotent.
        let name = name
            .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_end();
        if name.is_empty() {
            Self("unnamed".to_owned())
        } else {
            Self(name.to_owned())
        }
    }

    /// The safe name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for FileName {
    type Error = DomainError;
    /// Accepts only a name that is already safe, so stored names cannot smuggle paths.
    fn try_from(s: String) -> Result<Self, DomainError> {
        let safe = Self::sanitize(&s);
        if safe.0 == s {
            Ok(safe)
        } else {
            Err(DomainError::Invalid {
                field: "file name",
                value: s,
                reason: "not a sanitized file name",
            })
        }
    }
}

impl From<FileName> for String {
    fn from(n: FileName) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_unsafe_characters() {
        assert_eq!(FileName::sanitize("/var/log/auth.log").as_str(), "auth.log");
        assert_eq!(
            FileName::sanitize(r"C:\Users\x\Security.evtx").as_str(),
            "Security.evtx"
        );
        assert_eq!(
            FileName::sanitize("a\u{1b}[31mred?.txt").as_str(),
            "a_[31mred_.txt"
        );
        assert_eq!(FileName::sanitize("../..").as_str(), "unnamed");
        assert_eq!(FileName::sanitize("..hidden").as_str(), "hidden");
        assert_eq!(FileName::sanitize("").as_str(), "unnamed");
        assert_eq!(FileName::sanitize(". x ").as_str(), "x");
        let long = "é".repeat(200);
        assert_eq!(FileName::sanitize(&long).as_str().len(), 254);
        assert!(FileName::try_from("dir/x".to_owned()).is_err());
        assert!(FileName::try_from("x.log".to_owned()).is_ok());
    }

    #[test]
    fn media_types_are_normalized() {
        assert_eq!(
            "Text/Plain; charset=utf-8"
                .parse::<MediaType>()
                .unwrap()
                .as_str(),
            "text/plain"
        );
        assert!("text".parse::<MediaType>().is_err());
        assert!("text/pl ain".parse::<MediaType>().is_err());
    }
}
