//! Money: integer minor units with an ISO 4217 currency. No floating point anywhere near it.
//! Revenue splitting (per_visit, pool, fixed_share) joins this module with the settlement issue.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code, e.g. `EUR`, `RSD`, `MKD`, `HUF`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point in the minor unit (ISO 4217 exponent).
    pub fn exponent(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"ISK" | b"CLP" | b"VND" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(format!(
                "'{s}' is not an ISO 4217 currency code (three capital letters, e.g. EUR)"
            ))
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in a currency's minor unit (cents, stotinki, dinar para...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// The sum of two amounts, `None` if the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money::new(
            self.minor.checked_add(other.minor)?,
            self.currency,
        ))
    }
}

/// "45.00 EUR", "-3.50 EUR", "1200 JPY": exact, from the integer.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let unit = 10u64.pow(exp);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / unit,
            abs % unit,
            self.currency,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_prints_exactly_from_minor_units() {
        let eur = Currency::EUR;
        assert_eq!(Money::new(4500, eur).to_string(), "45.00 EUR");
        assert_eq!(Money::new(-350, eur).to_string(), "-3.50 EUR");
        assert_eq!(Money::new(5, eur).to_string(), "0.05 EUR");
        assert_eq!(
            Money::new(1200, "JPY".parse().unwrap()).to_string(),
            "1200 JPY"
        );
        assert_eq!(
            Money::new(i64::MIN, eur).to_string(),
            "-92233720368547758.08 EUR"
        );
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let rsd: Currency = "RSD".parse().unwrap();
        assert_eq!(
            Money::new(1, Currency::EUR).checked_add(Money::new(1, rsd)),
            None
        );
        assert_eq!(
            Money::new(1, rsd).checked_add(Money::new(2, rsd)),
            Some(Money::new(3, rsd))
        );
    }

    #[test]
    fn currency_codes_are_three_capital_letters() {
        assert!("eur".parse::<Currency>().is_err());
        assert!("EURO".parse::<Currency>().is_err());
        assert_eq!("MKD".parse::<Currency>().unwrap().as_str(), "MKD");
    }
}
