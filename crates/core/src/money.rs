//! Money as integer minor units of an ISO 4217 currency (never floating point).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// An ISO 4217 alphabetic currency code (`USD`, `EUR`, `JPY`): three uppercase ASCII letters.
///
/// Only the form is checked; the list of codes in use changes over time and is not built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        let code = s.trim().to_ascii_uppercase();
        match <[u8; 3]>::try_from(code.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self(bytes)),
            _ => Err(DomainError::BadCurrency {
                value: s.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0
            .iter()
            .try_for_each(|&b| fmt::Write::write_char(f, char::from(b)))
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.to_string()
    }
}

/// An amount in the smallest unit of its currency (cents for USD, yen for JPY).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Money {
    /// The amount in minor units.
    pub minor_units: i64,
    /// The currency.
    pub currency: Currency,
}

impl Currency {
    /// How many decimal places the currency's minor unit has (ISO 4217): 0 for the yen and a few
    /// others, 3 for the dinars and rials that divide into 1,000, 2 for everything else.
    pub fn minor_unit_digits(self) -> u32 {
        const NONE: &[&[u8; 3]] = &[
            b"BIF", b"CLP", b"DJF", b"GNF", b"ISK", b"JPY", b"KMF", b"KRW", b"PYG", b"RWF", b"UGX",
            b"VND", b"VUV", b"XAF", b"XOF", b"XPF",
        ];
        const THREE: &[&[u8; 3]] = &[b"BHD", b"IQD", b"JOD", b"KWD", b"LYD", b"OMR", b"TND"];
        if NONE.contains(&&self.0) {
            0
        } else if THREE.contains(&&self.0) {
            3
        } else {
            2
        }
    }
}

impl Money {
    /// Parses a decimal amount such as `12500`, `12500.5` or `-3.25` in `currency`, refusing more
    /// decimal places than the currency's minor unit has and amounts that do not fit.
    pub fn parse_decimal(amount: &str, currency: Currency) -> Result<Money, DomainError> {
        let bad = |reason: &str| DomainError::BadAmount {
            value: amount.to_owned(),
            reason: reason.to_owned(),
        };
        let digits = currency.minor_unit_digits();
        let trimmed = amount.trim();
        let (negative, unsigned) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
            return Err(bad("expected a decimal number such as 12500.50"));
        }
        if fraction.len() > digits as usize {
            return Err(bad(&format!(
                "{currency} has {digits} decimal place(s) in its minor unit"
            )));
        }
        let scale = 10_i64.pow(digits);
        let padded = format!("{fraction:0<width$}", width = digits as usize);
        let minor = whole
            .parse::<i64>()
            .ok()
            .and_then(|w| w.checked_mul(scale))
            .and_then(|w| w.checked_add(padded.parse::<i64>().unwrap_or(0)))
            .ok_or_else(|| bad("too large"))?;
        Ok(Money {
            minor_units: if negative { -minor } else { minor },
            currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_unit_digits();
        let scale = 10_u64.pow(digits);
        let sign = if self.minor_units < 0 { "-" } else { "" };
        let abs = self.minor_units.unsigned_abs();
        if digits == 0 {
            write!(f, "{sign}{abs} {}", self.currency)
        } else {
            let width = digits as usize;
            write!(
                f,
                "{sign}{}.{:0width$} {}",
                abs / scale,
                abs % scale,
                self.currency
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_amounts_follow_the_currency_minor_unit() {
        let usd: Currency = "usd".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        let kwd: Currency = "KWD".parse().unwrap();
        assert_eq!(
            Money::parse_decimal("12500.5", usd).unwrap().minor_units,
            1_250_050
        );
        assert_eq!(
            Money::parse_decimal("-3.25", usd).unwrap().minor_units,
            -325
        );
        assert_eq!(Money::parse_decimal("1000", jpy).unwrap().minor_units, 1000);
        assert_eq!(
            Money::parse_decimal("1.234", kwd).unwrap().minor_units,
            1234
        );
        assert!(Money::parse_decimal("1.5", jpy).is_err());
        assert!(Money::parse_decimal("1.005", usd).is_err());
        assert!(Money::parse_decimal("12,500", usd).is_err());
        assert!(Money::parse_decimal("", usd).is_err());
        assert!(Money::parse_decimal("99999999999999999999", usd).is_err());
        assert_eq!(
            Money::parse_decimal("12500.5", usd).unwrap().to_string(),
            "12500.50 USD"
        );
        assert_eq!(
            Money::parse_decimal("-0.05", usd).unwrap().to_string(),
            "-0.05 USD"
        );
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert_eq!("usd".parse::<Currency>().unwrap().to_string(), "USD");
        for bad in ["US", "USDT", "U$D", "€€€", ""] {
            assert!(bad.parse::<Currency>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn money_serializes_as_integers() {
        let m = Money {
            minor_units: 1_250_000,
            currency: "EUR".parse().unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"minor_units":1250000,"currency":"EUR"}"#
        );
    }
}
