//! The personal-data check run on every notice body before it is sent: a notice tells people what
//! happened without repeating the data that leaked. It finds U.S. Social Security numbers, payment
//! card numbers (validated with Luhn), bank and account numbers (IBANs validated with mod 97, and
//! digit runs after "account", "acct", "routing"), dates of birth (a date after "born", "birth",
//! "DOB"), and e-mail addresses and phone numbers other than the ones allowed (the recipient's own,
//! the company's contact points). Each finding names its line and column and shows the value
//! masked, so the check's own report repeats nothing.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What kind of personal data was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// A U.S. Social Security number.
    Ssn,
    /// A payment card number that passes the Luhn check.
    CardNumber,
    /// An IBAN or an account or routing number.
    AccountNumber,
    /// A date of birth.
    DateOfBirth,
    /// An e-mail address that is not the recipient's.
    Email,
    /// A phone number that is not the recipient's.
    Phone,
}

impl PiiKind {
    /// How the kind is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            PiiKind::Ssn => "a Social Security number",
            PiiKind::CardNumber => "a payment card number",
            PiiKind::AccountNumber => "a bank or account number",
            PiiKind::DateOfBirth => "a date of birth",
            PiiKind::Email => "an e-mail address other than the recipient's",
            PiiKind::Phone => "a phone number other than the recipient's",
        }
    }
}

/// One piece of personal data in a body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is.
    pub kind: PiiKind,
    /// Its line, from 1.
    pub line: usize,
    /// Its column (in characters), from 1.
    pub column: usize,
    /// The value with all but its last two characters masked.
    pub masked: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, column, what, masked) =
            (self.line, self.column, self.kind.describe(), &self.masked);
        write!(f, "line {line}, column {column}: {what} ({masked})")
    }
}

#[allow(clippy::unwrap_used)] // the patterns are literals, checked by the tests
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

static SSN: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{3})-(\d{2})-(\d{4})\b"));
static CARD: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d(?:[ -]?\d){12,18}\b"));
static IBAN: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"));
static ACCOUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:account|acct|routing|iban)\b[^0-9\n]{0,20}(\d[\d -]{4,20}\d)"));
static DOB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:born|birth|dob|d\.o\.b\.?)\b[^0-9\n]{0,20}(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})",
    )
});
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"\+?\(?\d[\d ().-]{7,}\d"));

/// The personal data in `body`, in order of position. `allowed` holds the addresses and phone
/// numbers that may appear (the recipient's own, the company's contact points); phone numbers are
/// compared by their digits.
pub fn scan(body: &str, allowed: &[&str]) -> Vec<Finding> {
    let mut found: Vec<(usize, usize, PiiKind)> = Vec::new();
    let mut add = |start: usize, end: usize, kind: PiiKind| {
        if !found.iter().any(|(s, e, _)| start < *e && *s < end) {
            found.push((start, end, kind));
        }
    };
    for c in SSN.captures_iter(body) {
        let (area, group, serial) = (&c[1], &c[2], &c[3]);
        let valid = area != "000"
            && area != "666"
            && !area.starts_with('9')
            && group != "00"
            && serial != "0000";
        if let Some(m) = c.get(0).filter(|_| valid) {
            add(m.start(), m.end(), PiiKind::Ssn);
        }
    }
    for m in CARD.find_iter(body) {
        if luhn(m.as_str()) {
            add(m.start(), m.end(), PiiKind::CardNumber);
        }
    }
    for m in IBAN.find_iter(body) {
        if iban_valid(m.as_str()) {
            add(m.start(), m.end(), PiiKind::AccountNumber);
        }
    }
    for (pattern, kind) in [
        (&*ACCOUNT, PiiKind::AccountNumber),
        (&*DOB, PiiKind::DateOfBirth),
    ] {
        for m in pattern.captures_iter(body).filter_map(|c| c.get(1)) {
            add(m.start(), m.end(), kind);
        }
    }
    let allowed_lower: Vec<String> = allowed.iter().map(|a| a.trim().to_lowercase()).collect();
    for m in EMAIL.find_iter(body) {
        if !allowed_lower.contains(&m.as_str().to_lowercase()) {
            add(m.start(), m.end(), PiiKind::Email);
        }
    }
    let allowed_digits: Vec<String> = allowed
        .iter()
        .map(|a| digits(a))
        .filter(|d| d.len() >= 7)
        .collect();
    for m in PHONE.find_iter(body) {
        let d = digits(m.as_str());
        let same = |a: &String| a.ends_with(&d) || d.ends_with(a.as_str());
        if (10..=15).contains(&d.len()) && !allowed_digits.iter().any(same) {
            add(m.start(), m.end(), PiiKind::Phone);
        }
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(start, end, kind)| {
            let before = &body[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Finding {
                kind,
                line,
                column,
                masked: mask(&body[start..end]),
            }
        })
        .collect()
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// All but the last two characters as `*`.
fn mask(value: &str) -> String {
    let n = value.chars().count();
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 2 < n { '*' } else { c })
        .collect()
}

/// The Luhn check over the digits of `text` (13 to 19 of them).
pub fn luhn(text: &str) -> bool {
    let d: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The ISO 13616 mod-97 check of an IBAN (spaces ignored).
fn iban_valid(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        let digits = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * digits + value) % 97;
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str, allowed: &[&str]) -> Vec<PiiKind> {
        scan(body, allowed).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn each_kind_is_found_with_its_place_and_masked() {
        let body = "Dear Ana,\nyour SSN 123-45-6789 and card 4111 1111 1111 1111 were seen.";
        let found = scan(body, &[]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].kind, found[0].line, found[0].column),
            (PiiKind::Ssn, 2, 10)
        );
        assert_eq!(found[0].masked, "*********89");
        assert_eq!(found[1].kind, PiiKind::CardNumber);
        assert_eq!(
            kinds("IBAN DE89 3704 0044 0532 0130 00", &[]),
            [PiiKind::AccountNumber]
        );
        assert_eq!(
            kinds("account no. 00123456789", &[]),
            [PiiKind::AccountNumber]
        );
        assert_eq!(
            kinds("date of birth: 04/07/1985", &[]),
            [PiiKind::DateOfBirth]
        );
        assert_eq!(kinds("born 1985-07-04", &[]), [PiiKind::DateOfBirth]);
    }

    #[test]
    fn card_numbers_must_pass_luhn_and_ssns_must_be_possible() {
        assert!(kinds("order 4111 1111 1111 1112", &[]).is_empty());
        assert!(kinds("ticket 000-12-3456 and 123-00-4567", &[]).is_empty());
        assert!(luhn("5500-0000-0000-0004"));
    }

    #[test]
    fn the_recipients_own_address_and_number_and_the_contact_points_are_allowed() {
        let allowed = [
            "ana@example.org",
            "+1 (206) 555-0100",
            "privacy@acme.example",
        ];
        let body =
            "Write to privacy@acme.example or call 206-555-0100. We wrote to ANA@example.org.";
        assert!(scan(body, &allowed).is_empty());
        let other = "Bob (bob@example.org, +44 20 7946 0958) was also affected.";
        assert_eq!(kinds(other, &allowed), [PiiKind::Email, PiiKind::Phone]);
    }
}
