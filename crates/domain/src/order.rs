//! Orders: what a payment event does to an order, its access and its ledger.
//!
//! An order is `pending` until its provider says the money was captured (`paid`), or until it is
//! `cancelled` (the learner gave up, or the payment failed) or `expired` (the reconciler found the
//! checkout unpaid long after it began). A paid order can be refunded, partly or fully.
//!
//! Providers deliver events late, twice, and out of order, so [`apply`] is written to make the end
//! state depend only on the set of events seen, never on their order or repetition:
//! - captured money always wins: a success after a cancellation or expiry still pays the order;
//! - a refund carries the provider's running total refunded, so a stale or repeated refund event is
//!   recognised and changes nothing, and a refund that arrives before its success still implies
//!   that the money was captured;
//! - an event that changes nothing returns [`Step::unchanged`], so the caller records it and stops.
//!
//! The ledger is double-entry: every [`Posting`] is a set of entries that sum to zero. A sale moves
//! the price from the learner to the platform (its fee) and the author (the rest, by
//! [`Money::split`]); a refund posts the difference between the split of the new refunded total and
//! the split of the old one, so after a full refund every account of the order is back at zero
//! exactly, whatever partial refunds came before.

use crate::money::{BasisPoints, Money, MoneyError};
use serde::{Deserialize, Serialize};

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Checkout began; no money captured yet.
    Pending,
    /// Paid in full: the learner owns the course.
    Paid,
    /// Paid, and part of it refunded: the learner still owns the course.
    PartiallyRefunded,
    /// Every paid minor unit went back: access ended with it.
    Refunded,
    /// Given up on or failed before any money was captured.
    Cancelled,
    /// Still unpaid long after checkout began.
    Expired,
}

impl OrderStatus {
    /// Every status, for tests and listings.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
    ];

    /// The code stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }

    /// Reads a stored code back.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Whether an order in this status gives its buyer the course: exactly one active entitlement
    /// exists for it, and none otherwise.
    pub const fn grants_access(self) -> bool {
        matches!(self, OrderStatus::Paid | OrderStatus::PartiallyRefunded)
    }

    /// Whether money was captured for the order at some point (so it has a sale posting).
    pub const fn was_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::PartiallyRefunded | OrderStatus::Refunded
        )
    }
}

/// The facts about an order that its events act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderFacts {
    /// Where it is now.
    pub status: OrderStatus,
    /// What the learner is charged (after any coupon).
    pub amount: Money,
    /// How much of it has gone back so far.
    pub refunded: Money,
    /// The platform's share of every payment and refund, fixed when the order was made.
    pub platform_share: BasisPoints,
}

impl OrderFacts {
    /// A new order for `amount`.
    pub fn new(amount: Money, platform_share: BasisPoints) -> Self {
        Self {
            status: OrderStatus::Pending,
            amount,
            refunded: Money::zero(amount.currency()),
            platform_share,
        }
    }

    /// What is still refundable: the amount less what went back already, or nothing when unpaid.
    pub fn refundable(&self) -> Money {
        if self.status.was_paid() {
            Money::amount(
                self.amount.minor() - self.refunded.minor(),
                self.amount.currency(),
            )
            .unwrap_or(Money::zero(self.amount.currency()))
        } else {
            Money::zero(self.amount.currency())
        }
    }
}

/// What the provider, or the reconciler asking it, says happened to an order's payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentEvent {
    /// The money was captured.
    Succeeded,
    /// The payment was declined or failed; nothing was captured.
    Failed,
    /// The learner left the provider's page without paying.
    Cancelled,
    /// The checkout was still unpaid when the reconciler gave up on it.
    Expired,
    /// The provider has refunded `total` of the order so far (a running total, as providers
    /// report it, so repeats and stale events are harmless).
    Refunded {
        /// Everything refunded up to and including this refund.
        total: Money,
    },
}

/// Why an event could not be applied. The event is kept for an admin to look at; nothing changes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// A refund total above what was paid, or below zero.
    #[error("the provider reports refunding {refunded} of an order of {amount}")]
    RefundOutOfRange {
        /// The reported total.
        refunded: Money,
        /// The order's amount.
        amount: Money,
    },
    /// A refund in another currency than the order's.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What an order's entitlement must do in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessChange {
    /// Leave it as it is.
    Keep,
    /// Create the one active entitlement of this order.
    Grant,
    /// End it: the order no longer grants access.
    Revoke,
}

/// What a coupon reserved at checkout must do in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponChange {
    /// Leave the redemption count alone.
    Keep,
    /// The order will never be paid: give its redemption back.
    Release,
    /// A released order was paid after all: count its redemption again.
    Reclaim,
}

/// A ledger account of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Account {
    /// The buyer: negative for what they paid.
    Learner,
    /// The platform's fee.
    Platform,
    /// The author's share, paid out later.
    Author,
}

impl Account {
    /// Every account.
    pub const ALL: [Account; 3] = [Account::Learner, Account::Platform, Account::Author];

    /// The code stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Account::Learner => "learner",
            Account::Platform => "platform",
            Account::Author => "author",
        }
    }

    /// Reads a stored code back.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|account| account.code() == code)
    }
}

/// Why money moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PostingKind {
    /// The order was paid.
    Sale,
    /// Some or all of it went back.
    Refund,
}

impl PostingKind {
    /// The code stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            PostingKind::Sale => "sale",
            PostingKind::Refund => "refund",
        }
    }
}

/// One balanced movement of money: its entries sum to zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    /// Why.
    pub kind: PostingKind,
    /// How much each account gains (positive) or gives (negative).
    pub entries: [(Account, Money); 3],
}

impl Posting {
    fn sale(amount: Money, share: BasisPoints) -> Self {
        let split = amount.split(share);
        Posting {
            kind: PostingKind::Sale,
            entries: [
                (Account::Learner, amount.negated()),
                (Account::Platform, split.platform),
                (Account::Author, split.author),
            ],
        }
    }

    /// The refund that takes the refunded total from `before` to `after`.
    fn refund(before: Money, after: Money, share: BasisPoints) -> Result<Self, MoneyError> {
        let (old, new) = (before.split(share), after.split(share));
        Ok(Posting {
            kind: PostingKind::Refund,
            entries: [
                (Account::Learner, after.checked_sub(before)?),
                (Account::Platform, old.platform.checked_sub(new.platform)?),
                (Account::Author, old.author.checked_sub(new.author)?),
            ],
        })
    }
}

/// What one event does to an order: its new facts and everything that must change with them, in
/// the same unit of work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The order after the event.
    pub order: OrderFacts,
    /// The entitlement's change.
    pub access: AccessChange,
    /// The coupon's change.
    pub coupon: CouponChange,
    /// Ledger postings to append, in order.
    pub postings: Vec<Posting>,
}

impl Step {
    /// The event changes nothing: a repeat, a stale refund, or news the order is past.
    pub fn unchanged(order: OrderFacts) -> Self {
        Step {
            order,
            access: AccessChange::Keep,
            coupon: CouponChange::Keep,
            postings: Vec::new(),
        }
    }

    /// Whether anything changes.
    pub fn changes(&self) -> bool {
        !self.postings.is_empty()
            || self.access != AccessChange::Keep
            || self.coupon != CouponChange::Keep
    }
}

/// What `event` does to `order`. Pure: the caller writes the returned step with a compare-and-set
/// on the order's old status and refunded total, so two nodes applying events to one order at
/// once cannot both win.
pub fn apply(order: OrderFacts, event: PaymentEvent) -> Result<Step, OrderError> {
    use OrderStatus::*;
    let released = matches!(order.status, Cancelled | Expired);
    match event {
        PaymentEvent::Succeeded => {
            if order.status.was_paid() {
                return Ok(Step::unchanged(order));
            }
            Ok(Step {
                order: OrderFacts {
                    status: Paid,
                    ..order
                },
                access: AccessChange::Grant,
                coupon: if released {
                    CouponChange::Reclaim
                } else {
                    CouponChange::Keep
                },
                postings: vec![Posting::sale(order.amount, order.platform_share)],
            })
        }
        PaymentEvent::Failed | PaymentEvent::Cancelled | PaymentEvent::Expired => {
            if order.status != Pending {
                return Ok(Step::unchanged(order));
            }
            let status = if event == PaymentEvent::Expired {
                Expired
            } else {
                Cancelled
            };
            Ok(Step {
                order: OrderFacts { status, ..order },
                access: AccessChange::Keep,
                coupon: CouponChange::Release,
                postings: Vec::new(),
            })
        }
        PaymentEvent::Refunded { total } => refund(order, total, released),
    }
}

fn refund(order: OrderFacts, total: Money, released: bool) -> Result<Step, OrderError> {
    if total.currency() != order.amount.currency() {
        return Err(MoneyError::CurrencyMismatch(
            total.currency().code(),
            order.amount.currency().code(),
        )
        .into());
    }
    if total.minor() < 0 || total.minor() > order.amount.minor() {
        return Err(OrderError::RefundOutOfRange {
            refunded: total,
            amount: order.amount,
        });
    }
    // A refund of nothing says nothing; one at or below what is already known is old news.
    let already = if order.status.was_paid() {
        order.refunded
    } else {
        Money::zero(order.amount.currency())
    };
    if total.minor() == 0 || (order.status.was_paid() && total.minor() <= already.minor()) {
        return Ok(Step::unchanged(order));
    }
    let mut postings = Vec::with_capacity(2);
    if !order.status.was_paid() {
        // The refund is the first news of the payment: it was captured, so book the sale first.
        postings.push(Posting::sale(order.amount, order.platform_share));
    }
    postings.push(Posting::refund(already, total, order.platform_share)?);
    let status = if total == order.amount {
        OrderStatus::Refunded
    } else {
        OrderStatus::PartiallyRefunded
    };
    let access = match (order.status.grants_access(), status.grants_access()) {
        (false, true) => AccessChange::Grant,
        (true, false) => AccessChange::Revoke,
        _ => AccessChange::Keep,
    };
    Ok(Step {
        order: OrderFacts {
            status,
            refunded: total,
            ..order
        },
        access,
        coupon: if released {
            CouponChange::Reclaim
        } else {
            CouponChange::Keep
        },
        postings,
    })
}

/// Why a checkout was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PurchaseError {
    /// Only signed-in people can buy.
    #[error("sign in to buy")]
    SignedOut,
    /// The course is not on sale.
    #[error("this course is not available")]
    NotPublished,
    /// The course is free: enroll instead.
    #[error("this course is free")]
    Free,
    /// Authors do not buy their own courses.
    #[error("this is your own course")]
    OwnCourse,
    /// The buyer owns the course already.
    #[error("you already own this course")]
    AlreadyOwned,
}

/// Why a checkout step was refused, as the buyer is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CheckoutProblem {
    /// Buying itself was refused.
    #[error(transparent)]
    Purchase(#[from] PurchaseError),
    /// The coupon does not apply.
    #[error(transparent)]
    Coupon(#[from] crate::coupon::CouponError),
    /// The idempotency key is not one a checkout page makes (a tampered form).
    #[error("malformed checkout key")]
    Key,
    /// A refund was refused.
    #[error(transparent)]
    Refund(#[from] RefundRefusal),
}

/// Whether `key` looks like what a checkout page makes: 16 to 64 letters, digits, `-` or `_`.
pub fn well_formed_key(key: &str) -> bool {
    (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `viewer` may begin buying a course offered as `offer`, holding `held` of it.
pub fn check_purchase(
    viewer: Option<&crate::Actor>,
    offer: crate::learning::Offer,
    held: crate::Entitlement,
) -> Result<(), PurchaseError> {
    let Some(actor) = viewer else {
        return Err(PurchaseError::SignedOut);
    };
    if offer.status != crate::CourseStatus::Published {
        return Err(PurchaseError::NotPublished);
    }
    if offer.free {
        return Err(PurchaseError::Free);
    }
    if actor.id == offer.author {
        return Err(PurchaseError::OwnCourse);
    }
    if held == crate::Entitlement::Active {
        return Err(PurchaseError::AlreadyOwned);
    }
    Ok(())
}

/// Why a learner's refund request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RefundRefusal {
    /// The order was never paid, or is already fully refunded.
    #[error("nothing on this order can be refunded")]
    NothingToRefund,
    /// The request came after the course's refund window closed.
    #[error("the refund window has closed")]
    WindowClosed,
    /// The learner has completed too much of the course.
    #[error("too much of the course has been completed")]
    TooMuchCompleted,
    /// An amount of zero or less, or more than is left.
    #[error("the amount is not refundable")]
    BadAmount,
}

/// The rules a learner's own refund request must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundPolicy {
    /// How long after payment a learner may ask, in milliseconds.
    pub window_ms: i64,
    /// The share of lessons completed at or beyond which they may no longer ask.
    pub completion_limit: BasisPoints,
}

/// The default consumption limit: a refund is for learners who completed under 30% of the lessons.
pub const DEFAULT_COMPLETION_LIMIT: u16 = 3_000;

/// How far a learner got: lessons completed out of all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consumption {
    /// Lessons completed.
    pub completed: i64,
    /// Lessons in the course.
    pub total: i64,
}

/// Whether the learner who paid `order` at `paid_at` may have it refunded at `now`, having got
/// through `consumed` of the course; the refund total to ask the provider for when they may
/// (a learner's refund is always of everything that is left).
pub fn learner_refund(
    order: &OrderFacts,
    paid_at: i64,
    now: i64,
    consumed: Consumption,
    policy: RefundPolicy,
) -> Result<Money, RefundRefusal> {
    if !order.status.grants_access() || order.refundable().is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    if now.saturating_sub(paid_at) > policy.window_ms {
        return Err(RefundRefusal::WindowClosed);
    }
    let done = i128::from(consumed.completed.max(0)) * 10_000;
    let limit = i128::from(consumed.total.max(0)) * i128::from(policy.completion_limit.get());
    if consumed.total > 0 && done >= limit {
        return Err(RefundRefusal::TooMuchCompleted);
    }
    Ok(order.amount)
}

/// The refund total an admin's refund of `amount` leads to: any part of what is left, at any time.
pub fn admin_refund(order: &OrderFacts, amount: Money) -> Result<Money, RefundRefusal> {
    if !order.status.was_paid() || order.refundable().is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    if amount.currency() != order.amount.currency()
        || amount.minor() <= 0
        || amount.minor() > order.refundable().minor()
    {
        return Err(RefundRefusal::BadAmount);
    }
    order
        .refunded
        .checked_add(amount)
        .map_err(|_| RefundRefusal::BadAmount)
}

/// Whether an author's share of a sale paid at `paid_at` can be paid out at `now`: only once the
/// hold (the longest refund window) has passed, so a refund cannot claw back paid-out money.
pub fn share_available(paid_at: i64, hold_ms: i64, now: i64) -> bool {
    now.saturating_sub(paid_at) >= hold_ms
}

/// How long an event that failed to apply waits before its next try, after `attempts` tries:
/// a minute, doubling each time, at most a day (a provider event that cannot apply usually waits
/// for another event or an admin, so hammering it helps nobody).
pub fn retry_delay_ms(attempts: i64) -> i64 {
    const MINUTE: i64 = 60_000;
    const DAY: i64 = 86_400_000;
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    MINUTE.saturating_mul(1 << doublings).min(DAY)
}

/// The last moment a learner may ask for a refund of an order paid at `paid_at` in a course with
/// a refund window of `refund_days`: shown on the order page so nobody finds out too late.
pub fn refund_deadline(paid_at: i64, refund_days: i64) -> i64 {
    paid_at.saturating_add(refund_days.saturating_mul(86_400_000))
}

/// An order as its buyer sees it: on `/orders`, its own page and its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// Its id, which is also the receipt's number.
    pub id: crate::OrderId,
    /// The course's address.
    pub course_slug: String,
    /// The course's title.
    pub course_title: String,
    /// Where the order is.
    pub status: OrderStatus,
    /// The price as shown at checkout: list, coupon discount, total charged.
    pub price: crate::coupon::PriceBreakdown,
    /// How much went back.
    pub refunded: Money,
    /// When checkout began.
    pub created_at: i64,
    /// When the money was captured.
    pub paid_at: Option<i64>,
    /// The provider's reference for the payment, for the receipt.
    pub payment_reference: Option<String>,
    /// Whether the provider is a test one: no real money moved.
    pub test_mode: bool,
    /// Why the buyer may not ask for a refund now, or `None` when they may.
    pub refund_refusal: Option<RefundRefusal>,
    /// Until when a refund may be asked for, once paid.
    pub refund_until: Option<i64>,
}

/// A receipt: the order and who paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The order.
    pub order: OrderView,
    /// The buyer's display name.
    pub buyer_name: String,
    /// The buyer's email address.
    pub buyer_email: String,
}

/// What a checkout would charge, as shown beside the Buy button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// List price, discount, total.
    pub price: crate::coupon::PriceBreakdown,
    /// Whether the provider is a test one: no real money moves.
    pub test_mode: bool,
    /// Why the coupon asked for does not apply (the price is then the list price).
    pub coupon_problem: Option<crate::coupon::CouponError>,
    /// Whether this Lore takes payments at all (a provider is configured).
    pub open: bool,
}

/// The sandbox provider's pay page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxSession {
    /// The session's id.
    pub id: String,
    /// The order it pays.
    pub order: crate::OrderId,
    /// What is bought.
    pub course_title: String,
    /// What it charges.
    pub amount: Money,
    /// Whether it is still open to a choice.
    pub open: bool,
}

/// An order in the admin's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrder {
    /// Its id.
    pub id: crate::OrderId,
    /// Who bought.
    pub buyer_email: String,
    /// What.
    pub course_title: String,
    /// Where it is.
    pub status: OrderStatus,
    /// What was charged.
    pub total: Money,
    /// What went back.
    pub refunded: Money,
    /// What may still go back.
    pub refundable: Money,
    /// When checkout began.
    pub created_at: i64,
}

/// A provider's event that could not be applied: kept for a retry and for an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedEvent {
    /// Its inbox id.
    pub id: i64,
    /// The provider that sent it.
    pub provider: String,
    /// The provider's event id.
    pub event_id: String,
    /// The provider's event type.
    pub kind: String,
    /// The order it names, when Lore knows it.
    pub order: Option<crate::OrderId>,
    /// How often it was tried.
    pub attempts: i64,
    /// Why the last try failed.
    pub last_error: String,
    /// When it arrived.
    pub received_at: i64,
    /// When it is tried again by itself.
    pub next_attempt_at: Option<i64>,
}

/// The admin's orders page: the newest orders and the events that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrders {
    /// Newest first.
    pub orders: Vec<AdminOrder>,
    /// Oldest first.
    pub failed_events: Vec<FailedEvent>,
    /// Whether the provider is a test one.
    pub test_mode: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn yuan(minor: i64) -> Money {
        Money::amount(minor, Currency::Cny).unwrap()
    }

    fn order(amount: i64) -> OrderFacts {
        OrderFacts::new(yuan(amount), BasisPoints::new(2_000).unwrap())
    }

    /// Applies events in turn, keeping every posting and the net effect on access and coupon,
    /// as a store would; events that fail to apply change nothing.
    struct Played {
        order: OrderFacts,
        postings: Vec<Posting>,
        entitlements: i64,
        coupon: i64,
    }

    fn play(start: OrderFacts, events: &[PaymentEvent]) -> Played {
        let mut played = Played {
            order: start,
            postings: Vec::new(),
            entitlements: 0,
            coupon: 1,
        };
        for event in events {
            let Ok(step) = apply(played.order, *event) else {
                continue;
            };
            played.order = step.order;
            played.postings.extend(step.postings);
            match step.access {
                AccessChange::Keep => {}
                AccessChange::Grant => played.entitlements += 1,
                AccessChange::Revoke => played.entitlements -= 1,
            }
            match step.coupon {
                CouponChange::Keep => {}
                CouponChange::Release => played.coupon -= 1,
                CouponChange::Reclaim => played.coupon += 1,
            }
        }
        played
    }

    fn balances(postings: &[Posting]) -> HashMap<Account, i64> {
        let mut sums = HashMap::new();
        for posting in postings {
            for (account, money) in posting.entries {
                *sums.entry(account).or_insert(0) += money.minor();
            }
        }
        sums
    }

    #[test]
    fn codes_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_code(status.code()), Some(status));
        }
        for account in Account::ALL {
            assert_eq!(Account::from_code(account.code()), Some(account));
        }
        assert_eq!(OrderStatus::from_code("shipped"), None);
    }

    #[test]
    fn a_payment_grants_access_and_books_the_split() {
        let step = apply(order(9_999), PaymentEvent::Succeeded).unwrap();
        assert_eq!(step.order.status, OrderStatus::Paid);
        assert_eq!(step.access, AccessChange::Grant);
        assert_eq!(
            step.postings,
            vec![Posting {
                kind: PostingKind::Sale,
                entries: [
                    (Account::Learner, yuan(-9_999)),
                    (Account::Platform, yuan(1_999)),
                    (Account::Author, yuan(8_000)),
                ],
            }]
        );
        let again = apply(step.order, PaymentEvent::Succeeded).unwrap();
        assert!(!again.changes());
    }

    #[test]
    fn a_failure_or_cancellation_releases_the_coupon_and_a_late_payment_reclaims_it() {
        for event in [
            PaymentEvent::Failed,
            PaymentEvent::Cancelled,
            PaymentEvent::Expired,
        ] {
            let step = apply(order(100), event).unwrap();
            assert_eq!(step.coupon, CouponChange::Release);
            assert_eq!(step.access, AccessChange::Keep);
            let late = apply(step.order, PaymentEvent::Succeeded).unwrap();
            assert_eq!(late.order.status, OrderStatus::Paid);
            assert_eq!(late.coupon, CouponChange::Reclaim);
        }
        let expired = apply(order(100), PaymentEvent::Expired).unwrap().order;
        assert_eq!(expired.status, OrderStatus::Expired);
        // A paid order is past cancelling.
        let paid = apply(order(100), PaymentEvent::Succeeded).unwrap().order;
        assert!(!apply(paid, PaymentEvent::Cancelled).unwrap().changes());
    }

    #[test]
    fn partial_refunds_keep_access_and_the_last_one_revokes_it_with_every_account_at_zero() {
        let paid = apply(order(1_001), PaymentEvent::Succeeded).unwrap();
        let part = apply(paid.order, PaymentEvent::Refunded { total: yuan(333) }).unwrap();
        assert_eq!(part.order.status, OrderStatus::PartiallyRefunded);
        assert_eq!(part.access, AccessChange::Keep);
        let stale = apply(part.order, PaymentEvent::Refunded { total: yuan(333) }).unwrap();
        assert!(!stale.changes());
        let rest = apply(part.order, PaymentEvent::Refunded { total: yuan(1_001) }).unwrap();
        assert_eq!(rest.order.status, OrderStatus::Refunded);
        assert_eq!(rest.access, AccessChange::Revoke);
        let all: Vec<Posting> = [paid.postings, part.postings, rest.postings].concat();
        assert!(balances(&all).values().all(|sum| *sum == 0));
    }

    #[test]
    fn a_refund_before_its_success_books_both_and_never_grants() {
        let step = apply(order(500), PaymentEvent::Refunded { total: yuan(500) }).unwrap();
        assert_eq!(step.order.status, OrderStatus::Refunded);
        assert_eq!(step.access, AccessChange::Keep);
        assert_eq!(step.postings.len(), 2);
        assert!(balances(&step.postings).values().all(|sum| *sum == 0));
        let late = apply(step.order, PaymentEvent::Succeeded).unwrap();
        assert!(!late.changes());
    }

    #[test]
    fn impossible_refunds_are_refused() {
        let paid = apply(order(500), PaymentEvent::Succeeded).unwrap().order;
        assert!(matches!(
            apply(paid, PaymentEvent::Refunded { total: yuan(501) }),
            Err(OrderError::RefundOutOfRange { .. })
        ));
        let dollars = Money::amount(10, Currency::Usd).unwrap();
        assert!(matches!(
            apply(paid, PaymentEvent::Refunded { total: dollars }),
            Err(OrderError::Money(_))
        ));
    }

    const DAY: i64 = 86_400_000;

    fn policy() -> RefundPolicy {
        RefundPolicy {
            window_ms: 7 * DAY,
            completion_limit: BasisPoints::new(DEFAULT_COMPLETION_LIMIT).unwrap(),
        }
    }

    #[test]
    fn learners_get_refunds_inside_the_window_and_under_the_completion_limit() {
        let paid = apply(order(900), PaymentEvent::Succeeded).unwrap().order;
        let early = |completed, total| Consumption { completed, total };
        assert_eq!(
            learner_refund(&paid, 0, 7 * DAY, early(2, 10), policy()),
            Ok(yuan(900))
        );
        assert_eq!(
            learner_refund(&paid, 0, 7 * DAY + 1, early(0, 10), policy()),
            Err(RefundRefusal::WindowClosed)
        );
        assert_eq!(
            learner_refund(&paid, 0, DAY, early(3, 10), policy()),
            Err(RefundRefusal::TooMuchCompleted)
        );
        assert_eq!(
            learner_refund(&paid, 0, DAY, early(0, 0), policy()),
            Ok(yuan(900))
        );
        assert_eq!(
            learner_refund(&order(900), 0, DAY, early(0, 10), policy()),
            Err(RefundRefusal::NothingToRefund)
        );
        let partly = apply(paid, PaymentEvent::Refunded { total: yuan(100) })
            .unwrap()
            .order;
        assert_eq!(
            learner_refund(&partly, 0, DAY, early(0, 10), policy()),
            Ok(yuan(900))
        );
    }

    #[test]
    fn admins_refund_any_part_of_what_is_left() {
        let paid = apply(order(900), PaymentEvent::Succeeded).unwrap().order;
        assert_eq!(admin_refund(&paid, yuan(300)), Ok(yuan(300)));
        let partly = apply(paid, PaymentEvent::Refunded { total: yuan(300) })
            .unwrap()
            .order;
        assert_eq!(admin_refund(&partly, yuan(600)), Ok(yuan(900)));
        assert_eq!(
            admin_refund(&partly, yuan(601)),
            Err(RefundRefusal::BadAmount)
        );
        assert_eq!(
            admin_refund(&partly, yuan(0)),
            Err(RefundRefusal::BadAmount)
        );
        assert_eq!(
            admin_refund(&order(900), yuan(1)),
            Err(RefundRefusal::NothingToRefund)
        );
    }

    #[test]
    fn only_a_signed_in_stranger_to_a_paid_published_course_may_buy_it() {
        use crate::learning::Offer;
        use crate::{Actor, CourseStatus, Entitlement, Role, UserId};
        let offer = Offer {
            author: UserId::new(1),
            status: CourseStatus::Published,
            free: false,
        };
        let buyer = Actor {
            id: UserId::new(2),
            role: Role::Learner,
        };
        let author = Actor {
            id: UserId::new(1),
            role: Role::Author,
        };
        let none = Entitlement::None;
        assert_eq!(check_purchase(Some(&buyer), offer, none), Ok(()));
        assert_eq!(
            check_purchase(Some(&buyer), offer, Entitlement::Refunded),
            Ok(())
        );
        assert_eq!(
            check_purchase(None, offer, none),
            Err(PurchaseError::SignedOut)
        );
        assert_eq!(
            check_purchase(Some(&author), offer, none),
            Err(PurchaseError::OwnCourse)
        );
        assert_eq!(
            check_purchase(Some(&buyer), offer, Entitlement::Active),
            Err(PurchaseError::AlreadyOwned)
        );
        let free = Offer {
            free: true,
            ..offer
        };
        assert_eq!(
            check_purchase(Some(&buyer), free, none),
            Err(PurchaseError::Free)
        );
        let draft = Offer {
            status: CourseStatus::Draft,
            ..offer
        };
        assert_eq!(
            check_purchase(Some(&buyer), draft, none),
            Err(PurchaseError::NotPublished)
        );
    }

    #[test]
    fn checkout_keys_are_long_plain_tokens() {
        assert!(well_formed_key("0123456789abcdef"));
        assert!(well_formed_key(&"a".repeat(64)));
        assert!(!well_formed_key("short"));
        assert!(!well_formed_key(&"a".repeat(65)));
        assert!(!well_formed_key("0123456789abcdef\n"));
    }

    #[test]
    fn failed_events_back_off_from_a_minute_to_a_day() {
        assert_eq!(retry_delay_ms(1), 60_000);
        assert_eq!(retry_delay_ms(2), 120_000);
        assert_eq!(retry_delay_ms(0), 60_000);
        assert_eq!(retry_delay_ms(11), 1_024 * 60_000);
        assert_eq!(retry_delay_ms(12), DAY);
        assert_eq!(retry_delay_ms(i64::MAX), DAY);
    }

    #[test]
    fn an_authors_share_waits_out_the_hold() {
        assert!(!share_available(0, 14 * DAY, 14 * DAY - 1));
        assert!(share_available(0, 14 * DAY, 14 * DAY));
    }

    fn event(amount: i64) -> impl Strategy<Value = PaymentEvent> {
        prop_oneof![
            Just(PaymentEvent::Succeeded),
            Just(PaymentEvent::Failed),
            Just(PaymentEvent::Cancelled),
            Just(PaymentEvent::Expired),
            (0..=amount).prop_map(|total| PaymentEvent::Refunded { total: yuan(total) }),
        ]
    }

    fn case() -> impl Strategy<Value = (i64, u16, Vec<PaymentEvent>)> {
        (1i64..=1_000_000, 0u16..=10_000).prop_flat_map(|(amount, share)| {
            (
                Just(amount),
                Just(share),
                prop::collection::vec(event(amount), 0..12),
            )
        })
    }

    proptest! {
        /// SECURITY-TESTS 19: whatever events arrive, in whatever order, access follows the
        /// status, the coupon is held exactly while the order may still be paid or is paid, and
        /// the ledger balances and matches what the learner was charged.
        #[test]
        fn every_event_order_keeps_access_coupon_and_ledger_consistent((amount, share, events) in case()) {
            let start = OrderFacts::new(yuan(amount), BasisPoints::new(share).unwrap());
            let played = play(start, &events);
            let status = played.order.status;
            prop_assert_eq!(played.entitlements, i64::from(status.grants_access()));
            prop_assert_eq!(played.coupon, i64::from(!matches!(status, OrderStatus::Cancelled | OrderStatus::Expired)));
            let sums = balances(&played.postings);
            prop_assert_eq!(sums.values().sum::<i64>(), 0);
            let charged = if status.was_paid() { amount - played.order.refunded.minor() } else { 0 };
            prop_assert_eq!(sums.get(&Account::Learner).copied().unwrap_or(0), -charged);
            for posting in &played.postings {
                prop_assert_eq!(posting.entries.iter().map(|(_, m)| m.minor()).sum::<i64>(), 0);
            }
            if status == OrderStatus::Refunded {
                prop_assert!(sums.values().all(|sum| *sum == 0));
            }
        }

        /// The end state depends on which events arrived, not on their order or repeats.
        #[test]
        fn the_end_state_ignores_order_and_repeats((amount, share, events) in case(), seed in any::<u64>()) {
            let start = OrderFacts::new(yuan(amount), BasisPoints::new(share).unwrap());
            let mut shuffled = events.clone();
            shuffled.extend(events.iter().copied().take(3));
            // A deterministic shuffle from the seed.
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let (a, b) = (play(start, &events), play(start, &shuffled));
            // Cancelled and expired are both "never paid"; which one came first may differ.
            let unpaid = |s: OrderStatus| matches!(s, OrderStatus::Cancelled | OrderStatus::Expired);
            prop_assert!(a.order.status == b.order.status || (unpaid(a.order.status) && unpaid(b.order.status)));
            prop_assert_eq!(a.order.refunded, b.order.refunded);
            prop_assert_eq!(balances(&a.postings), balances(&b.postings));
        }
    }
}
