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
}
