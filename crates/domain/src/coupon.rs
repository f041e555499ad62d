//! Coupons and the price a learner sees before paying.
//!
//! A coupon takes a percentage or a fixed amount off. An author's coupon works on one of their
//! courses or on all of them; a platform coupon (made by an admin) works on every course. The
//! breakdown shown at checkout ([`PriceBreakdown`]) is exactly what is charged: the discount is
//! computed once, here, and the order stores its result.
//!
//! The redemption limit is not checked here but in the database, by the same statement that counts
//! a redemption (`… SET redeemed = redeemed + 1 WHERE redeemed < max_redemptions`), so two
//! learners using the last redemption at once cannot both have it.

use crate::money::{BasisPoints, Money, MoneyError};
use crate::{CourseId, UserId};
use serde::{Deserialize, Serialize};

/// What a coupon takes off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Discount {
    /// A share of the price, rounded down to a whole minor unit (the learner never pays less
    /// than the share says).
    Percent(BasisPoints),
    /// A fixed amount, at most the whole price, in the course's currency only.
    Fixed(Money),
}

/// Which courses a coupon works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CouponScope {
    /// Every course on the platform (an admin's coupon).
    Platform,
    /// Every course of one author.
    Author(UserId),
    /// One course (of its author).
    Course(CourseId),
}

/// A coupon as checkout reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coupon {
    /// Its code, as [`CouponCode`] normalised it.
    pub code: CouponCode,
    /// What it takes off.
    pub discount: Discount,
    /// Where it works.
    pub scope: CouponScope,
    /// When it stops working (Unix ms), if ever.
    pub expires_at: Option<i64>,
}

/// The course a coupon is tried on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priced {
    /// The course.
    pub course: CourseId,
    /// Its author.
    pub author: UserId,
    /// Its list price.
    pub price: Money,
}

/// The price a learner pays, as shown before paying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBreakdown {
    /// The course's price.
    pub list: Money,
    /// What the coupon takes off (zero without one).
    pub discount: Money,
    /// What is charged: `list - discount`, never below zero.
    pub total: Money,
}

impl PriceBreakdown {
    /// The price without a coupon.
    pub fn list(price: Money) -> Self {
        Self {
            list: price,
            discount: Money::zero(price.currency()),
            total: price,
        }
    }
}

/// Why a coupon does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CouponError {
    /// Not a well-formed code.
    #[error("coupon codes are 3 to 32 letters, digits, '-' or '_'")]
    Malformed,
    /// No coupon has this code (or it was withdrawn).
    #[error("no such coupon")]
    Unknown,
    /// Past its expiry.
    #[error("this coupon has expired")]
    Expired,
    /// Made for other courses.
    #[error("this coupon does not apply to this course")]
    WrongCourse,
    /// A fixed amount in another currency than the course's.
    #[error("this coupon is in another currency")]
    WrongCurrency,
    /// Every redemption is used up.
    #[error("this coupon has been used up")]
    UsedUp,
    /// The course is free: there is nothing to take off.
    #[error("this course is free")]
    FreeCourse,
}

/// A coupon code: ASCII letters, digits, `-` and `_`, 3 to 32 of them, compared without case
/// (stored upper-case), so `spring-sale` and `SPRING-SALE` are one coupon.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CouponCode(String);

impl CouponCode {
    /// Normalises and checks a typed code.
    pub fn parse(text: &str) -> Result<Self, CouponError> {
        let code = text.trim().to_ascii_uppercase();
        let well_formed = (3..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(Self(code))
        } else {
            Err(CouponError::Malformed)
        }
    }

    /// The normalised code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Coupon {
    /// What `course` costs with this coupon at `now`.
    pub fn price(&self, course: &Priced, now: i64) -> Result<PriceBreakdown, CouponError> {
        if self.expires_at.is_some_and(|end| now >= end) {
            return Err(CouponError::Expired);
        }
        let fits = match self.scope {
            CouponScope::Platform => true,
            CouponScope::Author(author) => author == course.author,
            CouponScope::Course(id) => id == course.course,
        };
        if !fits {
            return Err(CouponError::WrongCourse);
        }
        if course.price.is_zero() {
            return Err(CouponError::FreeCourse);
        }
        let price = course.price;
        let off = match self.discount {
            Discount::Percent(share) => price.split(share).platform,
            Discount::Fixed(amount) if amount.currency() != price.currency() => {
                return Err(CouponError::WrongCurrency);
            }
            Discount::Fixed(amount) => {
                Money::price(amount.minor().min(price.minor()), price.currency())
                    .map_err(|_| CouponError::WrongCurrency)?
            }
        };
        let total = price
            .checked_sub(off)
            .map_err(|_: MoneyError| CouponError::WrongCurrency)?;
        Ok(PriceBreakdown {
            list: price,
            discount: off,
            total,
        })
    }
}

/// A coupon as typed into the coupon form, every field as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponForm {
    /// The code learners type.
    pub code: String,
    /// `percent` or `fixed`.
    pub kind: String,
    /// A percentage (`15`, `12.5`) or an amount (`20`, `9.90`).
    pub amount: String,
    /// The amount's currency (`CNY` or `USD`), for a fixed amount.
    pub currency: String,
    /// The last day it works (`YYYY-MM-DD`, UTC); empty: it does not end.
    pub until: String,
    /// The most orders that may use it; empty: no limit.
    pub max_redemptions: String,
}

/// The coupon form's field that is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CouponField {
    /// The code is not 3 to 32 letters, digits, `-` or `_`.
    #[error("coupon code")]
    Code,
    /// Not a percentage between 0.01 and 99.99, or not an amount above zero.
    #[error("coupon amount")]
    Amount,
    /// Not a date, or a day already past.
    #[error("last day")]
    Until,
    /// Not a whole number from 1 up.
    #[error("maximum redemptions")]
    MaxRedemptions,
}

impl CouponField {
    /// The field's name, as the form and error messages know it.
    pub const fn name(self) -> &'static str {
        match self {
            CouponField::Code => "coupon_code",
            CouponField::Amount => "coupon_amount",
            CouponField::Until => "coupon_until",
            CouponField::MaxRedemptions => "coupon_max",
        }
    }
}

/// The coupon `form` describes, for `scope`, checked at `now`, with its redemption limit.
///
/// A percentage stops short of 100 %: a course given away is a free course, which its author
/// prices as such. A fixed amount may exceed a course's price; it then takes off the whole price
/// of that course only.
pub fn read_form(
    form: &CouponForm,
    scope: CouponScope,
    now: i64,
) -> Result<(Coupon, Option<i64>), CouponField> {
    let code = CouponCode::parse(&form.code).map_err(|_| CouponField::Code)?;
    let discount = match form.kind.as_str() {
        "percent" => {
            let hundredths = parse_hundredths(&form.amount).ok_or(CouponField::Amount)?;
            let bp = u16::try_from(hundredths).map_err(|_| CouponField::Amount)?;
            if !(1..10_000).contains(&bp) {
                return Err(CouponField::Amount);
            }
            Discount::Percent(BasisPoints::new(bp).map_err(|_| CouponField::Amount)?)
        }
        "fixed" => {
            let currency = crate::Currency::from_code(form.currency.trim())
                .map_err(|_| CouponField::Amount)?;
            let minor = parse_hundredths(&form.amount)
                .filter(|minor| *minor > 0)
                .ok_or(CouponField::Amount)?;
            Discount::Fixed(Money::price(minor, currency).map_err(|_| CouponField::Amount)?)
        }
        _ => return Err(CouponField::Amount),
    };
    let expires_at = match form.until.trim() {
        "" => None,
        day => {
            let end = crate::time::parse_date_utc(day).ok_or(CouponField::Until)? + 86_400_000;
            if end <= now {
                return Err(CouponField::Until);
            }
            Some(end)
        }
    };
    let max_redemptions = match form.max_redemptions.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or(CouponField::MaxRedemptions)?,
        ),
    };
    let coupon = Coupon {
        code,
        discount,
        scope,
        expires_at,
    };
    Ok((coupon, max_redemptions))
}

/// `12`, `12.5` or `12.50` as hundredths (1250); `None` for anything else or above a million.
fn parse_hundredths(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 7
        || fraction.len() > 2
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole * 100 + fraction).filter(|n| *n <= 100_000_000)
}

/// Where a listed coupon works, as its maker reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CouponTarget {
    /// Every course on the platform.
    Platform,
    /// Every course of its author.
    AllOfAuthor,
    /// One course, by title.
    Course(String),
}

/// A coupon in its maker's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponView {
    /// Its id.
    pub id: crate::CouponId,
    /// Its code.
    pub code: String,
    /// What it takes off.
    pub discount: Discount,
    /// Where it works.
    pub target: CouponTarget,
    /// When it stops (Unix ms), if ever.
    pub expires_at: Option<i64>,
    /// Orders holding a redemption.
    pub redeemed: i64,
    /// The limit, if any.
    pub max_redemptions: Option<i64>,
    /// Whether it no longer works (ended or used up).
    pub over: bool,
}

/// The coupon page: the maker's coupons and where a new one may work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponsPage {
    /// Newest first.
    pub coupons: Vec<CouponView>,
    /// Whether the maker makes platform-wide coupons (an admin) rather than their own.
    pub platform: bool,
    /// The maker's courses a coupon may be limited to: id and title.
    pub courses: Vec<(CourseId, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn yuan(minor: i64) -> Money {
        Money::price(minor, Currency::Cny).unwrap()
    }

    fn course(price: i64) -> Priced {
        Priced {
            course: CourseId::new(3),
            author: UserId::new(7),
            price: yuan(price),
        }
    }

    fn coupon(discount: Discount, scope: CouponScope) -> Coupon {
        Coupon {
            code: CouponCode::parse("spring").unwrap(),
            discount,
            scope,
            expires_at: Some(1_000),
        }
    }

    fn percent(bp: u16) -> Discount {
        Discount::Percent(BasisPoints::new(bp).unwrap())
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(
            CouponCode::parse(" spring-Sale_1 ").unwrap().as_str(),
            "SPRING-SALE_1"
        );
        for bad in ["", "ab", "has space", "优惠券码", &"x".repeat(33)] {
            assert_eq!(CouponCode::parse(bad), Err(CouponError::Malformed), "{bad}");
        }
    }

    #[test]
    fn percent_and_fixed_discounts() {
        let p = coupon(percent(1_500), CouponScope::Platform)
            .price(&course(999), 0)
            .unwrap();
        assert_eq!((p.discount.minor(), p.total.minor()), (149, 850));
        let f = coupon(
            Discount::Fixed(yuan(300)),
            CouponScope::Author(UserId::new(7)),
        )
        .price(&course(999), 0)
        .unwrap();
        assert_eq!((f.discount.minor(), f.total.minor()), (300, 699));
        let all = coupon(
            Discount::Fixed(yuan(5_000)),
            CouponScope::Course(CourseId::new(3)),
        )
        .price(&course(999), 0)
        .unwrap();
        assert_eq!((all.discount.minor(), all.total.minor()), (999, 0));
    }

    #[test]
    fn refusals_name_the_reason() {
        let platform = coupon(percent(1_000), CouponScope::Platform);
        assert_eq!(
            platform.price(&course(999), 1_000),
            Err(CouponError::Expired)
        );
        assert_eq!(platform.price(&course(0), 0), Err(CouponError::FreeCourse));
        let other = coupon(percent(1_000), CouponScope::Author(UserId::new(8)));
        assert_eq!(other.price(&course(999), 0), Err(CouponError::WrongCourse));
        let other = coupon(percent(1_000), CouponScope::Course(CourseId::new(4)));
        assert_eq!(other.price(&course(999), 0), Err(CouponError::WrongCourse));
        let dollars = Discount::Fixed(Money::price(100, Currency::Usd).unwrap());
        assert_eq!(
            coupon(dollars, CouponScope::Platform).price(&course(999), 0),
            Err(CouponError::WrongCurrency)
        );
        let forever = Coupon {
            expires_at: None,
            ..platform
        };
        assert!(forever.price(&course(999), i64::MAX).is_ok());
    }

    proptest! {
        #[test]
        fn the_breakdown_adds_up_and_never_goes_below_zero(
            price in 1i64..=10_000_000,
            bp in 0u16..=10_000,
            fixed in 0i64..=20_000_000,
        ) {
            for discount in [percent(bp), Discount::Fixed(yuan(fixed))] {
                let b = coupon(discount, CouponScope::Platform).price(&course(price), 0).unwrap();
                prop_assert_eq!(b.list.minor(), b.discount.minor() + b.total.minor());
                prop_assert!(b.total.minor() >= 0 && b.discount.minor() >= 0);
                prop_assert!(b.total.minor() <= price);
            }
        }
    }

    fn form(kind: &str, amount: &str) -> CouponForm {
        CouponForm {
            code: "spring-sale".into(),
            kind: kind.into(),
            amount: amount.into(),
            currency: "CNY".into(),
            until: String::new(),
            max_redemptions: String::new(),
        }
    }

    #[test]
    fn the_coupon_form_reads_percentages_amounts_days_and_limits() {
        let scope = CouponScope::Platform;
        let (coupon, max) = read_form(&form("percent", "12.5"), scope, 0).unwrap();
        assert_eq!(coupon.code.as_str(), "SPRING-SALE");
        assert_eq!(
            coupon.discount,
            Discount::Percent(BasisPoints::new(1_250).unwrap())
        );
        assert_eq!((coupon.expires_at, max), (None, None));
        let (coupon, _) = read_form(&form("fixed", "20"), scope, 0).unwrap();
        assert_eq!(coupon.discount, Discount::Fixed(yuan(2_000)));
        for (kind, amount) in [
            ("percent", "100"),
            ("percent", "0"),
            ("percent", "1.234"),
            ("percent", "-5"),
            ("fixed", "0"),
            ("fixed", "abc"),
            ("bogus", "5"),
        ] {
            assert_eq!(
                read_form(&form(kind, amount), scope, 0).map(drop),
                Err(CouponField::Amount),
                "{kind} {amount}"
            );
        }
        let mut dated = form("percent", "10");
        dated.until = "2026-12-07".into();
        dated.max_redemptions = "50".into();
        let day = crate::time::parse_date_utc("2026-12-07").unwrap();
        let (coupon, max) = read_form(&dated, scope, day + 1).unwrap();
        assert_eq!((coupon.expires_at, max), (Some(day + 86_400_000), Some(50)));
        assert_eq!(
            read_form(&dated, scope, day + 86_400_000).map(drop),
            Err(CouponField::Until),
            "the last day is over"
        );
        dated.max_redemptions = "0".into();
        assert_eq!(
            read_form(&dated, scope, 0).map(drop),
            Err(CouponField::MaxRedemptions)
        );
        let mut bad = form("percent", "10");
        bad.code = "a b".into();
        assert_eq!(read_form(&bad, scope, 0).map(drop), Err(CouponField::Code));
    }
}
