//! `named_enum!`: closed vocabularies (states, roles, impact levels) with one stable name per value.
//!
//! Each generated enum parses leniently from user spelling (`Post Incident Review`,
//! `post-incident-review`), prints and serializes its canonical snake_case name, and refuses an
//! unknown name with an error that lists the allowed ones.
//!
//! `checked_string!`: the conversions of a checked string newtype (`struct Region(String)` whose
//! `FromStr` does the checking), so that serde and `Display` go through the same check.

/// Folds user spelling to a snake_case name.
pub(crate) fn normalize(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' | '/' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in commands, payloads and storage.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::DomainError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let name = $crate::named::normalize(text);
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == name)
                    .ok_or_else(|| $crate::error::DomainError::Unknown {
                        what: $what,
                        value: text.to_owned(),
                        allowed: Self::ALL.iter().map(|v| v.name().to_owned()).collect(),
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::DomainError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.name()
            }
        }
    };
}

pub(crate) use named_enum;

/// Display, `TryFrom<String>` (through the type's `FromStr`) and `From<T> for String` for a
/// newtype `T(String)`.
macro_rules! checked_string {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::DomainError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

pub(crate) use checked_string;
