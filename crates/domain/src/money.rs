//! Exact money: integer minor units plus a currency, never a float.
//!
//! Every amount stays within ±[`MAX_MINOR`], checked wherever one is made (constructors, arithmetic,
//! deserialising), so sums of any realistic ledger fit in an `i64` and nothing wraps silently.
//! Splitting an amount between the platform and an author is exact: the two parts always add up to
//! the whole, and splitting a refund (a negative amount) gives exactly the negated parts of the sale.

use crate::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest amount Lore handles, in minor units either way: ten trillion yuan or dollars.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

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

    /// Minor units in one major unit (fen per yuan, cents per dollar).
    pub const fn minor_per_major(self) -> i64 {
        match self {
            Currency::Cny | Currency::Usd => 100,
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
    /// Beyond ±[`MAX_MINOR`].
    #[error("the amount is out of range")]
    OutOfRange,
    /// Arithmetic between two currencies.
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(&'static str, &'static str),
    /// A share outside 0–100 %.
    #[error("a share must be between 0 and 10000 basis points")]
    InvalidShare,
}

/// An amount of money in minor units (fen, cents). Two decimal places for every supported currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMoney", into = "RawMoney")]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// How [`Money`] is written in JSON; read back only through [`Money::amount`]'s checks.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct RawMoney {
    minor: i64,
    currency: Currency,
}

impl TryFrom<RawMoney> for Money {
    type Error = MoneyError;

    fn try_from(raw: RawMoney) -> Result<Self, Self::Error> {
        Money::amount(raw.minor, raw.currency)
    }
}

impl From<Money> for RawMoney {
    fn from(money: Money) -> Self {
        RawMoney {
            minor: money.minor,
            currency: money.currency,
        }
    }
}

/// A share of an amount in basis points (1/100 of a percent): 0 to 10000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct BasisPoints(u16);

impl BasisPoints {
    /// Checks `value` is within 0–10000.
    pub fn new(value: u16) -> Result<Self, MoneyError> {
        if value > 10_000 {
            return Err(MoneyError::InvalidShare);
        }
        Ok(Self(value))
    }

    /// A share written in the code: above 10000 it fails to compile when used in a constant.
    pub const fn of(value: u16) -> Self {
        assert!(value <= 10_000, "a share is at most 10000 basis points");
        Self(value)
    }

    /// The value in basis points.
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for BasisPoints {
    type Error = MoneyError;

    fn try_from(value: u16) -> Result<Self, Self::Error> {
        BasisPoints::new(value)
    }
}

impl From<BasisPoints> for u16 {
    fn from(share: BasisPoints) -> Self {
        share.0
    }
}

/// An amount divided between the platform and the author; the parts add up to the whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// The platform's fee.
    pub platform: Money,
    /// What the author earns: the rest.
    pub author: Money,
}

impl Money {
    /// A price: a non-negative amount in minor units.
    pub fn price(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative);
        }
        Self::amount(minor, currency)
    }

    /// Any amount, negative ones too (a refund's ledger entry), within ±[`MAX_MINOR`].
    pub fn amount(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if !(-MAX_MINOR..=MAX_MINOR).contains(&minor) {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Self { minor, currency })
    }

    /// Nothing, in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// `self + other`, if both are in one currency and the sum stays in range.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Money::amount(
            self.minor
                .checked_add(other.minor)
                .ok_or(MoneyError::OutOfRange)?,
            self.currency,
        )
    }

    /// `self - other`, if both are in one currency and the difference stays in range.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.checked_add(other.negated())
    }

    /// The same amount with the opposite sign (always in range: the range is symmetric).
    pub const fn negated(self) -> Money {
        Money {
            minor: -self.minor,
            currency: self.currency,
        }
    }

    /// Divides the amount: the platform takes `platform_share` of it, rounded toward zero to a
    /// whole minor unit, and the author gets the rest. So the parts always add up to the whole, the
    /// author never loses more than the rounding of one minor unit, and a refund (the negated
    /// amount) splits into exactly the negated parts.
    pub fn split(self, platform_share: BasisPoints) -> Split {
        let exact = i128::from(self.minor) * i128::from(platform_share.get());
        // Truncating division rounds toward zero for both signs.
        let platform = i64::try_from(exact / 10_000).unwrap_or(0);
        Split {
            platform: Money {
                minor: platform,
                currency: self.currency,
            },
            author: Money {
                minor: self.minor - platform,
                currency: self.currency,
            },
        }
    }

    /// The amount as a reader of `lang` expects it (CLDR conventions): `¥1,234.50` and `US$19.50`
    /// in Chinese, `CN¥1,234.50` and `$19.50` in English.
    pub fn format(self, lang: Lang) -> String {
        let symbol = match (lang, self.currency) {
            (Lang::ZhCn, Currency::Cny) => "¥",
            (Lang::ZhCn, Currency::Usd) => "US$",
            (Lang::En, Currency::Cny) => "CN¥",
            (Lang::En, Currency::Usd) => "$",
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{symbol}{}.{:02}", grouped(abs / 100), abs % 100)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(
                self.currency.code(),
                other.currency.code(),
            ))
        }
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

/// `1234567` as `1,234,567`.
fn grouped(units: u64) -> String {
    let digits = units.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
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

    #[test]
    fn formats_per_locale() {
        let cny = Money::price(123_450, Currency::Cny).unwrap();
        let usd = Money::price(1_950, Currency::Usd).unwrap();
        assert_eq!(cny.format(Lang::ZhCn), "¥1,234.50");
        assert_eq!(cny.format(Lang::En), "CN¥1,234.50");
        assert_eq!(usd.format(Lang::ZhCn), "US$19.50");
        assert_eq!(usd.format(Lang::En), "$19.50");
        assert_eq!(
            Money::amount(-100_000_005, Currency::Usd)
                .unwrap()
                .format(Lang::En),
            "-$1,000,000.05"
        );
        assert_eq!(Money::zero(Currency::Cny).format(Lang::ZhCn), "¥0.00");
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::price(500, Currency::Cny).unwrap();
        let b = Money::price(200, Currency::Cny).unwrap();
        assert_eq!(a.checked_sub(b).unwrap().minor(), 300);
        assert_eq!(b.checked_sub(a).unwrap().minor(), -300);
        assert_eq!(
            a.checked_add(Money::price(1, Currency::Usd).unwrap()),
            Err(MoneyError::CurrencyMismatch("CNY", "USD"))
        );
        let max = Money::amount(MAX_MINOR, Currency::Cny).unwrap();
        assert_eq!(max.checked_add(a), Err(MoneyError::OutOfRange));
        assert_eq!(
            Money::amount(MAX_MINOR + 1, Currency::Cny),
            Err(MoneyError::OutOfRange)
        );
        assert_eq!(BasisPoints::new(10_001), Err(MoneyError::InvalidShare));
    }

    #[test]
    fn deserialising_checks_the_range() {
        let ok: Money = serde_json::from_str(r#"{"minor":19900,"currency":"Cny"}"#).unwrap();
        assert_eq!(ok, Money::price(19_900, Currency::Cny).unwrap());
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"minor":19900,"currency":"Cny"}"#
        );
        assert!(
            serde_json::from_str::<Money>(r#"{"minor":9223372036854775807,"currency":"Usd"}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"Eur"}"#).is_err());
        assert!(serde_json::from_str::<BasisPoints>("10001").is_err());
    }

    #[test]
    fn a_split_rounds_the_platform_fee_toward_zero() {
        let price = Money::price(999, Currency::Cny).unwrap();
        let split = price.split(BasisPoints::new(3_000).unwrap());
        assert_eq!((split.platform.minor(), split.author.minor()), (299, 700));
        let refund = price.negated().split(BasisPoints::new(3_000).unwrap());
        assert_eq!(
            (refund.platform.minor(), refund.author.minor()),
            (-299, -700)
        );
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![Just(Currency::Cny), Just(Currency::Usd)]
    }

    proptest! {
        #[test]
        fn display_is_exact(minor in 0i64..=MAX_MINOR) {
            let text = Money::price(minor, Currency::Usd).unwrap().to_string();
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.parse::<u128>().unwrap(), minor as u128);
        }

        #[test]
        fn locale_formats_keep_every_digit(minor in -MAX_MINOR..=MAX_MINOR, currency in currency()) {
            let money = Money::amount(minor, currency).unwrap();
            for lang in Lang::ALL {
                let text = money.format(lang);
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                prop_assert_eq!(digits.parse::<i128>().unwrap(), i128::from(minor).abs());
                prop_assert_eq!(text.starts_with('-'), minor < 0);
            }
        }

        #[test]
        fn a_split_always_adds_up_and_a_refund_reverses_it(
            minor in -MAX_MINOR..=MAX_MINOR,
            share in 0u16..=10_000,
            currency in currency(),
        ) {
            let money = Money::amount(minor, currency).unwrap();
            let share = BasisPoints::new(share).unwrap();
            let split = money.split(share);
            prop_assert_eq!(split.platform.checked_add(split.author).unwrap(), money);
            let exact = i128::from(minor) * i128::from(share.get());
            prop_assert!((i128::from(split.platform.minor()) * 10_000 - exact).abs() < 10_000);
            prop_assert!(i128::from(split.platform.minor()).abs() * 10_000 <= exact.abs());
            let reversed = money.negated().split(share);
            prop_assert_eq!(reversed.platform, split.platform.negated());
            prop_assert_eq!(reversed.author, split.author.negated());
        }

        #[test]
        fn adding_then_subtracting_gives_back_the_start(
            a in -MAX_MINOR / 2..=MAX_MINOR / 2,
            b in -MAX_MINOR / 2..=MAX_MINOR / 2,
        ) {
            let a = Money::amount(a, Currency::Cny).unwrap();
            let b = Money::amount(b, Currency::Cny).unwrap();
            prop_assert_eq!(a.checked_add(b).unwrap().checked_sub(b).unwrap(), a);
        }
    }
}
