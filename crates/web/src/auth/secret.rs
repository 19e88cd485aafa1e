//! Secrets: argon2id password hashes in PHC form, and the random values handed out as session
//! cookies, API tokens, CSRF tokens and one-time links (kept in the store only as their SHA-256).

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Memory cost in KiB, passes and lanes: OWASP's first recommended argon2id setting.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
const HASH_LEN: usize = 32;
const SALT_LEN: usize = 16;

/// The shortest and longest password accepted.
pub(crate) const MIN_PASSWORD: usize = 12;
pub(crate) const MAX_PASSWORD: usize = 1024;

/// Why a secret could not be made or checked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecretError {
    /// The operating system's random source failed.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    /// argon2 refused its parameters.
    #[error("argon2: {0}")]
    Argon2(String),
}

/// `n` random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A new random token (256 bits, URL-safe base64).
pub(crate) fn new_token() -> Result<String, SecretError> {
    Ok(URL_SAFE_NO_PAD.encode(random::<32>()?))
}

/// What the store keeps of a token.
pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn hasher(memory: u32, passes: u32, lanes: u32) -> Result<Argon2<'static>, SecretError> {
    let params = Params::new(memory, passes, lanes, Some(HASH_LEN))
        .map_err(|e| SecretError::Argon2(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The argon2id PHC string of `password` with a fresh salt. Slow by design: call it off the async
/// threads.
pub(crate) fn hash_password(password: &str) -> Result<String, SecretError> {
    let salt = random::<SALT_LEN>()?;
    let mut out = [0u8; HASH_LEN];
    hasher(MEMORY_KIB, PASSES, LANES)?
        .hash_password_into(password.as_bytes(), &salt, &mut out)
        .map_err(|e| SecretError::Argon2(e.to_string()))?;
    Ok(format!(
        "$argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    ))
}

/// Whether `password` matches the PHC string `phc`. A string this code did not write never
/// matches.
pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    let Some((memory, passes, lanes, salt, expected)) = parse_phc(phc) else {
        return false;
    };
    let Ok(argon) = hasher(memory, passes, lanes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon
        .hash_password_into(password.as_bytes(), &salt, &mut out)
        .is_err()
    {
        return false;
    }
    out.ct_eq(&expected).into()
}

/// A PHC string of the same cost as real ones, so that signing in as an unknown user takes as
/// long as with a wrong password.
pub(crate) const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$\
     q5mYTZ0x2m2u0lU0Kx8iGmV1bn9A5o5mN5eF0n2sq1A";

type Phc = (u32, u32, u32, Vec<u8>, Vec<u8>);

fn parse_phc(phc: &str) -> Option<Phc> {
    let mut parts = phc.split('$');
    let (Some(""), Some("argon2id"), Some("v=19"), Some(params), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let mut memory = None;
    let mut passes = None;
    let mut lanes = None;
    for param in params.split(',') {
        let (name, value) = param.split_once('=')?;
        let value: u32 = value.parse().ok()?;
        match name {
            "m" => memory = Some(value),
            "t" => passes = Some(value),
            "p" => lanes = Some(value),
            _ => return None,
        }
    }
    let salt = STANDARD_NO_PAD.decode(salt).ok()?;
    let hash = STANDARD_NO_PAD.decode(hash).ok()?;
    if hash.len() != HASH_LEN {
        return None;
    }
    Some((memory?, passes?, lanes?, salt, hash))
}

/// Whether two short secrets (CSRF tokens) are equal, in constant time.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert_ne!(
            phc,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn malformed_or_foreign_hashes_never_match() {
        for phc in [
            "",
            "$argon2i$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
            "plain",
            "$argon2id$v=19$m=x",
        ] {
            assert!(!verify_password("anything", phc), "{phc}");
        }
        assert!(parse_phc(DECOY_HASH).is_some());
        assert!(!verify_password("anything", DECOY_HASH));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert!(same_secret(&a, &a) && !same_secret(&a, &b));
    }
}
