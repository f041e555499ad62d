//! Exact money: integer minor units plus a currency, never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A currency Lore prices courses in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Chinese yuan; minor unit fen.
    Cny,
    /// US dollar; minor unit cent.
    Usd,
}

impl Currency {
    /// The ISO 4217 code, as stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
        }
    }

    /// Parses an ISO 4217 code Lore supports.
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        match code {
            "CNY" => Ok(Currency::Cny),
            "USD" => Ok(Currency::Usd),
            other => Err(MoneyError::UnknownCurrency(other.to_owned())),
        }
    }

    const fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
        }
    }
}

/// Why an amount of money was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency code is not one Lore prices in.
    #[error("unknown currency {0:?}")]
    UnknownCurrency(String),
    /// A price below zero.
    #[error("a price cannot be negative")]
    Negative,
}

/// An amount of money in minor units (fen, cents). Two decimal places for every supported currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// A price: a non-negative amount in minor units.
    pub fn price(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Self { minor, currency })
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero (a free course).
    pub const fn is_zero(self) -> bool {
        self.minor == 0
    }
}

impl fmt::Display for Money {
    /// `¥199.00`, `$19.50`, `-¥3.05`: symbol, whole units, two decimals, no rounding anywhere.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}{}.{:02}",
            self.currency.symbol(),
            abs / 100,
            abs % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_with_two_decimals() {
        assert_eq!(
            Money::price(19900, Currency::Cny).unwrap().to_string(),
            "¥199.00"
        );
        assert_eq!(
            Money::price(1950, Currency::Usd).unwrap().to_string(),
            "$19.50"
        );
        assert_eq!(Money::price(5, Currency::Usd).unwrap().to_string(), "$0.05");
    }

    #[test]
    fn refuses_negative_prices_and_unknown_currencies() {
        assert_eq!(Money::price(-1, Currency::Cny), Err(MoneyError::Negative));
        assert!(Currency::from_code("EUR").is_err());
        assert_eq!(Currency::from_code("CNY"), Ok(Currency::Cny));
    }

    proptest! {
        #[test]
        fn display_is_exact(minor in 0i64..=i64::MAX) {
            let text = Money::price(minor, Currency::Usd).unwrap().to_string();
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.parse::<u128>().unwrap(), minor as u128);
        }
    }
}
