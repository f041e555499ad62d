//! Orders, their ledger, coupons and the payment event inbox (migration 0013).
//!
//! The rules are `domain::order`'s; this module writes what a [`Step`] says, in the caller's unit
//! of work, and makes the database refuse what must never happen twice: a second order for one
//! idempotency key, a second pending order for one learner and course, a second inbox row for one
//! provider event, a second entitlement for one order. An order's status and refunded total change
//! only by compare-and-set on their old values, so two nodes applying events to one order at once
//! cannot both write; the loser gets [`StoreError::Conflict`] and retries from a fresh read.

use crate::db::{TxInner, on};
use crate::{Store, StoreError, Tx};
use domain::coupon::{Coupon, CouponCode, CouponScope, Discount, PriceBreakdown};
use domain::earnings::OrderShare;
use domain::order::{AccessChange, CouponChange, OrderFacts, OrderStatus, Step};
use domain::{BasisPoints, CouponId, CourseId, Currency, Lang, Money, OrderId, UserId};

/// An order as checkout, the webhook and the order pages read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    /// Its id.
    pub id: OrderId,
    /// The buyer.
    pub user: UserId,
    /// What they buy.
    pub course: CourseId,
    /// The course's author, whose share the ledger books.
    pub author: UserId,
    /// The course's title and slug, for the order pages.
    pub course_title: String,
    /// The course's address.
    pub course_slug: String,
    /// Status, amount, refunds and the platform's share.
    pub facts: OrderFacts,
    /// The price as shown at checkout.
    pub price: PriceBreakdown,
    /// The course's refund window when the order was made.
    pub refund_days: i64,
    /// The coupon it holds a redemption of.
    pub coupon: Option<CouponId>,
    /// The provider that takes the money.
    pub provider: String,
    /// The provider's checkout session, once made.
    pub provider_session: Option<String>,
    /// The provider's payment, once captured.
    pub provider_payment: Option<String>,
    /// Where the buyer pays, once the session is made.
    pub pay_url: Option<String>,
    /// The buyer's idempotency key.
    pub idempotency_key: String,
    /// The language the buyer checked out in (receipts and mail use it).
    pub lang: Lang,
    /// When checkout began.
    pub created_at: i64,
    /// When the money was captured.
    pub paid_at: Option<i64>,
}

const ORDER_COLUMNS: &str = "o.id, o.user_id, o.course_id, c.author_id, c.title AS course_title, \
     c.slug AS course_slug, o.status, o.currency, o.list_minor, o.discount_minor, o.amount_minor, \
     o.refunded_minor, o.platform_share_bp, o.refund_days, o.coupon_id, o.provider, \
     o.provider_session, o.provider_payment, o.pay_url, o.idempotency_key, o.lang, o.created_at, \
     o.paid_at";

const ORDER_FROM: &str = "FROM orders o JOIN courses c ON c.id = o.course_id";

/// The order query, up to its `WHERE`.
const ORDER_SELECT: &str = const_format::concatcp!("SELECT ", ORDER_COLUMNS, " ", ORDER_FROM);

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    user_id: i64,
    course_id: i64,
    author_id: i64,
    course_title: String,
    course_slug: String,
    status: String,
    currency: String,
    list_minor: i64,
    discount_minor: i64,
    amount_minor: i64,
    refunded_minor: i64,
    platform_share_bp: i64,
    refund_days: i64,
    coupon_id: Option<i64>,
    provider: String,
    provider_session: Option<String>,
    provider_payment: Option<String>,
    pay_url: Option<String>,
    idempotency_key: String,
    lang: String,
    created_at: i64,
    paid_at: Option<i64>,
}

impl TryFrom<OrderRow> for OrderRecord {
    type Error = StoreError;

    fn try_from(row: OrderRow) -> Result<Self, Self::Error> {
        let corrupt = |detail: String| StoreError::corrupt("orders", detail);
        let currency = Currency::from_code(&row.currency).map_err(|e| corrupt(e.to_string()))?;
        let money = |minor| Money::amount(minor, currency).map_err(|e| corrupt(e.to_string()));
        let share = u16::try_from(row.platform_share_bp)
            .ok()
            .and_then(|bp| BasisPoints::new(bp).ok())
            .ok_or_else(|| corrupt(format!("share {}", row.platform_share_bp)))?;
        let status = OrderStatus::from_code(&row.status)
            .ok_or_else(|| corrupt(format!("status {}", row.status)))?;
        let amount = money(row.amount_minor)?;
        Ok(OrderRecord {
            id: OrderId::new(row.id),
            user: UserId::new(row.user_id),
            course: CourseId::new(row.course_id),
            author: UserId::new(row.author_id),
            course_title: row.course_title,
            course_slug: row.course_slug,
            facts: OrderFacts {
                status,
                amount,
                refunded: money(row.refunded_minor)?,
                platform_share: share,
            },
            price: PriceBreakdown {
                list: money(row.list_minor)?,
                discount: money(row.discount_minor)?,
                total: amount,
            },
            refund_days: row.refund_days,
            coupon: row.coupon_id.map(CouponId::new),
            provider: row.provider,
            provider_session: row.provider_session,
            provider_payment: row.provider_payment,
            pay_url: row.pay_url,
            idempotency_key: row.idempotency_key,
            lang: Lang::from_tag(&row.lang).ok_or_else(|| corrupt(format!("lang {}", row.lang)))?,
            created_at: row.created_at,
            paid_at: row.paid_at,
        })
    }
}

fn orders(rows: Vec<OrderRow>) -> Result<Vec<OrderRecord>, StoreError> {
    rows.into_iter().map(OrderRecord::try_from).collect()
}

/// A new pending order, as checkout priced it.
#[derive(Clone, Debug)]
pub struct NewOrder<'a> {
    /// The buyer.
    pub user: UserId,
    /// What they buy.
    pub course: CourseId,
    /// The price shown to them.
    pub price: PriceBreakdown,
    /// The platform's share, from the configuration of the day.
    pub platform_share: BasisPoints,
    /// The coupon whose redemption the order holds (taken in the same unit of work).
    pub coupon: Option<CouponId>,
    /// The provider that will take the money.
    pub provider: &'a str,
    /// The key the checkout page sent; a retry with it finds this order.
    pub idempotency_key: &'a str,
    /// The buyer's language.
    pub lang: Lang,
    /// Now.
    pub now: i64,
}

/// A coupon as stored, with what checkout and its author's list need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponRecord {
    /// Its id.
    pub id: CouponId,
    /// The rules it prices by.
    pub coupon: Coupon,
    /// How many orders hold a redemption.
    pub redeemed: i64,
    /// The most it may have, if limited.
    pub max_redemptions: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CouponRow {
    id: i64,
    code: String,
    author_id: Option<i64>,
    course_id: Option<i64>,
    percent_bp: Option<i64>,
    fixed_minor: Option<i64>,
    currency: Option<String>,
    expires_at: Option<i64>,
    max_redemptions: Option<i64>,
    redeemed: i64,
}

impl TryFrom<CouponRow> for CouponRecord {
    type Error = StoreError;

    fn try_from(row: CouponRow) -> Result<Self, Self::Error> {
        let corrupt = |detail: String| StoreError::corrupt("coupons", detail);
        let discount = match (row.percent_bp, row.fixed_minor, row.currency.as_deref()) {
            (Some(bp), None, None) => Discount::Percent(
                u16::try_from(bp)
                    .ok()
                    .and_then(|bp| BasisPoints::new(bp).ok())
                    .ok_or_else(|| corrupt(format!("percent {bp}")))?,
            ),
            (None, Some(minor), Some(code)) => {
                let currency = Currency::from_code(code).map_err(|e| corrupt(e.to_string()))?;
                Discount::Fixed(Money::price(minor, currency).map_err(|e| corrupt(e.to_string()))?)
            }
            _ => return Err(corrupt(format!("coupon {} has no discount", row.id))),
        };
        let scope = match (row.author_id, row.course_id) {
            (_, Some(course)) => CouponScope::Course(CourseId::new(course)),
            (Some(author), None) => CouponScope::Author(UserId::new(author)),
            (None, None) => CouponScope::Platform,
        };
        Ok(CouponRecord {
            id: CouponId::new(row.id),
            coupon: Coupon {
                code: CouponCode::parse(&row.code).map_err(|e| corrupt(e.to_string()))?,
                discount,
                scope,
                expires_at: row.expires_at,
            },
            redeemed: row.redeemed,
            max_redemptions: row.max_redemptions,
        })
    }
}

/// The select list of an author's share of one order, summed from its ledger entries
/// (`l`, joined to its order `o`); the query goes on with its `FROM`, a `WHERE` and
/// [`SHARES_GROUP`].
const SHARES: &str = "SELECT o.paid_at, o.refund_days, l.currency, \
     CAST(SUM(CASE WHEN l.kind = 'sale' THEN l.amount_minor ELSE 0 END) AS BIGINT) AS sales_minor, \
     CAST(SUM(CASE WHEN l.kind = 'refund' THEN l.amount_minor ELSE 0 END) AS BIGINT) AS refunds_minor";

const SHARES_GROUP: &str = "GROUP BY o.id, o.paid_at, o.refund_days, l.currency";

#[derive(sqlx::FromRow)]
struct ShareRow {
    paid_at: Option<i64>,
    refund_days: i64,
    currency: String,
    sales_minor: i64,
    refunds_minor: i64,
}

impl ShareRow {
    fn share(self) -> Result<OrderShare, StoreError> {
        Ok(OrderShare {
            paid_at: self.paid_at.unwrap_or(0),
            refund_days: self.refund_days,
            currency: Currency::from_code(&self.currency)
                .map_err(|e| StoreError::corrupt("ledger_entries", e.to_string()))?,
            sales_minor: self.sales_minor,
            refunds_minor: self.refunds_minor,
        })
    }
}

/// A new coupon.
#[derive(Clone, Debug)]
pub struct NewCoupon {
    /// The rules.
    pub coupon: Coupon,
    /// The course's author, for a course coupon (the scope names only the course).
    pub author: Option<UserId>,
    /// The most redemptions, if limited.
    pub max_redemptions: Option<i64>,
    /// Who made it.
    pub created_by: UserId,
    /// Now.
    pub now: i64,
}

impl Store {
    /// An order by id.
    pub async fn order(&self, id: OrderId) -> Result<Option<OrderRecord>, StoreError> {
        let row: Option<OrderRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(ORDER_SELECT, " WHERE o.id = $1"))
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(OrderRecord::try_from).transpose()
    }

    /// The order `user` began with `key`, if any: a retried checkout returns it.
    pub async fn order_by_key(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<OrderRecord>, StoreError> {
        let row: Option<OrderRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                ORDER_SELECT,
                " WHERE o.user_id = $1 AND o.idempotency_key = $2"
            ))
            .bind(user.get())
            .bind(key)
            .fetch_optional(pool)
            .await?
        });
        row.map(OrderRecord::try_from).transpose()
    }

    /// `user`'s pending order for `course`, if one is waiting to be paid.
    pub async fn pending_order(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<Option<OrderRecord>, StoreError> {
        let row: Option<OrderRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                ORDER_SELECT,
                " \
                 WHERE o.user_id = $1 AND o.course_id = $2 AND o.status = 'pending'"
            ))
            .bind(user.get())
            .bind(course.get())
            .fetch_optional(pool)
            .await?
        });
        row.map(OrderRecord::try_from).transpose()
    }

    /// `user`'s orders, newest first.
    pub async fn orders_of(&self, user: UserId) -> Result<Vec<OrderRecord>, StoreError> {
        let rows: Vec<OrderRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                ORDER_SELECT,
                " WHERE o.user_id = $1 ORDER BY o.id DESC"
            ))
            .bind(user.get())
            .fetch_all(pool)
            .await?
        });
        orders(rows)
    }

    /// Up to `limit` orders still pending that began before `before`, oldest first: the
    /// reconciler's work.
    pub async fn orders_waiting(
        &self,
        before: i64,
        limit: i64,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        let rows: Vec<OrderRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                ORDER_SELECT,
                " WHERE o.status = 'pending' AND o.created_at < $1 ORDER BY o.created_at LIMIT $2"
            ))
            .bind(before)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        orders(rows)
    }

    /// Up to `limit` inbox events that failed to apply and are due for another try at `now`,
    /// as `(inbox id, body)`, the longest waiting first.
    pub async fn events_due(&self, now: i64, limit: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, body FROM payment_events \
                 WHERE processed_at IS NULL AND next_attempt_at <= $1 \
                 ORDER BY next_attempt_at LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// How many of `course`'s lessons `user` has completed, and how many it has: what a refund
    /// request is weighed by.
    pub async fn lessons_done(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<(i64, i64), StoreError> {
        Ok(on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id \
                 WHERE p.user_id = $1 AND p.course_id = $2 AND p.done = TRUE), \
                 (SELECT COUNT(*) FROM lessons WHERE course_id = $2)",
            )
            .bind(user.get())
            .bind(course.get())
            .fetch_one(pool)
            .await?
        }))
    }

    /// The coupon with `code`, if there is one.
    pub async fn coupon_by_code(
        &self,
        code: &CouponCode,
    ) -> Result<Option<CouponRecord>, StoreError> {
        let row: Option<CouponRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, code, author_id, course_id, percent_bp, fixed_minor, currency, \
                 expires_at, max_redemptions, redeemed FROM coupons WHERE code = $1",
            )
            .bind(code.as_str())
            .fetch_optional(pool)
            .await?
        });
        row.map(CouponRecord::try_from).transpose()
    }

    /// The coupons of `author` (course and all-courses ones), or the platform's for `None`,
    /// newest first, each with its course's title when it is for one course.
    pub async fn coupons_by(
        &self,
        author: Option<UserId>,
    ) -> Result<Vec<(CouponRecord, Option<String>)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Listed {
            #[sqlx(flatten)]
            coupon: CouponRow,
            course_title: Option<String>,
        }
        let rows: Vec<Listed> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT k.id, k.code, k.author_id, k.course_id, k.percent_bp, k.fixed_minor, \
                 k.currency, k.expires_at, k.max_redemptions, k.redeemed, c.title AS course_title \
                 FROM coupons k LEFT JOIN courses c ON c.id = k.course_id \
                 WHERE ($1 IS NULL AND k.author_id IS NULL) OR k.author_id = $1 \
                 ORDER BY k.id DESC LIMIT 500",
            )
            .bind(author.map(UserId::get))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| Ok((CouponRecord::try_from(row.coupon)?, row.course_title)))
            .collect()
    }

    /// The newest `limit` orders with their buyers' addresses, for the admin (`query`, when
    /// not empty, keeps those whose buyer's address or course title contains it).
    pub async fn recent_orders(
        &self,
        query: &str,
        limit: i64,
    ) -> Result<Vec<(OrderRecord, String)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Listed {
            #[sqlx(flatten)]
            order: OrderRow,
            buyer_email: String,
        }
        let pattern = format!("%{}%", query.trim().to_lowercase());
        let rows: Vec<Listed> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                "SELECT ",
                ORDER_COLUMNS,
                ", u.email AS buyer_email ",
                ORDER_FROM,
                " JOIN users u ON u.id = o.user_id \
                 WHERE lower(u.email) LIKE $1 OR lower(c.title) LIKE $1 \
                 ORDER BY o.id DESC LIMIT $2"
            ))
            .bind(pattern)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| Ok((OrderRecord::try_from(row.order)?, row.buyer_email)))
            .collect()
    }

    /// Inbox events that failed to apply and are still waiting, oldest first.
    pub async fn failed_events(
        &self,
        limit: i64,
    ) -> Result<Vec<domain::order::FailedEvent>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            provider: String,
            event_id: String,
            kind: String,
            order_id: Option<i64>,
            attempts: i64,
            last_error: Option<String>,
            received_at: i64,
            next_attempt_at: Option<i64>,
        }
        let rows: Vec<Row> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, provider, event_id, kind, order_id, attempts, last_error, received_at, \
                 next_attempt_at FROM payment_events \
                 WHERE processed_at IS NULL AND last_error IS NOT NULL ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| domain::order::FailedEvent {
                id: row.id,
                provider: row.provider,
                event_id: row.event_id,
                kind: row.kind,
                order: row.order_id.map(OrderId::new),
                attempts: row.attempts,
                last_error: row.last_error.unwrap_or_default(),
                received_at: row.received_at,
                next_attempt_at: row.next_attempt_at,
            })
            .collect())
    }

    /// The stored body of inbox event `id`, while it still waits to be applied.
    pub async fn waiting_event_body(&self, id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT body FROM payment_events WHERE id = $1 AND processed_at IS NULL")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(body,)| body))
    }

    /// `author`'s share of each order they sold, from the ledger.
    pub async fn author_shares(&self, author: UserId) -> Result<Vec<OrderShare>, StoreError> {
        let rows: Vec<ShareRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                SHARES,
                " FROM ledger_entries l JOIN orders o ON o.id = l.order_id",
                " WHERE l.account = 'author' AND l.author_id = $1 ",
                SHARES_GROUP
            ))
            .bind(author.get())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(|row| row.share()).collect()
    }

    /// `author`'s net share booked per day (days since 1970-01-01) and currency from `since`.
    pub async fn author_days(
        &self,
        author: UserId,
        since: i64,
    ) -> Result<Vec<(i64, Currency, i64)>, StoreError> {
        let rows: Vec<(i64, String, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT created_at / 86400000 AS day, currency, \
                 CAST(SUM(amount_minor) AS BIGINT) AS net FROM ledger_entries \
                 WHERE account = 'author' AND author_id = $1 AND created_at >= $2 \
                 GROUP BY created_at / 86400000, currency ORDER BY day",
            )
            .bind(author.get())
            .bind(since)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(day, code, net)| {
                let currency = Currency::from_code(&code)
                    .map_err(|e| StoreError::corrupt("ledger_entries", e.to_string()))?;
                Ok((day, currency, net))
            })
            .collect()
    }

    /// Every author's share of each order, from the entries booked in `[from, to)`, with the
    /// author's name and address: a payout statement's rows.
    pub async fn payout_shares(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(UserId, String, String, OrderShare)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            share: ShareRow,
            author_id: i64,
            display_name: String,
            email: String,
        }
        let rows: Vec<Row> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(
                "SELECT u.id AS author_id, u.display_name, u.email, s.* FROM (",
                SHARES,
                ", l.author_id AS owner FROM ledger_entries l JOIN orders o ON o.id = l.order_id",
                " WHERE l.account = 'author' AND l.created_at >= $1 AND l.created_at < $2 ",
                SHARES_GROUP,
                ", l.author_id) s JOIN users u ON u.id = s.owner ORDER BY u.id"
            ))
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                Ok((
                    UserId::new(row.author_id),
                    row.display_name,
                    row.email,
                    row.share.share()?,
                ))
            })
            .collect()
    }

    /// How many orders are paid (and not refunded at all): a benchmark's count of sales.
    pub async fn paid_order_count(&self) -> Result<i64, StoreError> {
        let (count,): (i64,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT count(*) FROM orders WHERE status = 'paid'")
                .fetch_one(pool)
                .await?
        });
        Ok(count)
    }

    /// Every broken commerce invariant, described; empty when the books are right. Run after
    /// every commerce test and by the benchmark:
    /// - an order grants access exactly when it has one active entitlement;
    /// - an entitlement from a purchase belongs to an order that grants access;
    /// - every posting sums to zero, and the learner's entries of an order sum to minus what it
    ///   kept (its amount less refunds once paid; nothing before);
    /// - a coupon's redemption count is the number of orders holding one.
    pub async fn commerce_violations(&self) -> Result<Vec<String>, StoreError> {
        const CHECKS: [(&str, &str); 5] = [
            (
                "an order's access does not match its status",
                "SELECT o.id FROM orders o WHERE \
                 (SELECT COUNT(*) FROM entitlements e WHERE e.order_id = o.id AND e.status = 'active') \
                 <> CASE WHEN o.status IN ('paid', 'partially_refunded') THEN 1 ELSE 0 END",
            ),
            (
                "a purchase entitlement without an order that grants it",
                "SELECT e.id FROM entitlements e LEFT JOIN orders o ON o.id = e.order_id \
                 WHERE e.source = 'purchase' AND e.status = 'active' \
                 AND (o.id IS NULL OR o.status NOT IN ('paid', 'partially_refunded') \
                      OR o.user_id <> e.user_id OR o.course_id <> e.course_id)",
            ),
            (
                "a posting that does not balance",
                "SELECT order_id FROM ledger_entries GROUP BY order_id, seq \
                 HAVING SUM(amount_minor) <> 0",
            ),
            (
                "an order whose ledger does not match what it kept",
                "SELECT o.id FROM orders o WHERE \
                 COALESCE((SELECT SUM(l.amount_minor) FROM ledger_entries l \
                           WHERE l.order_id = o.id AND l.account = 'learner'), 0) \
                 <> CASE WHEN o.status IN ('paid', 'partially_refunded', 'refunded') \
                    THEN o.refunded_minor - o.amount_minor ELSE 0 END",
            ),
            (
                "a coupon whose count does not match its orders",
                "SELECT k.id FROM coupons k WHERE k.redeemed <> (SELECT COUNT(*) FROM orders o \
                 WHERE o.coupon_id = k.id AND o.status NOT IN ('cancelled', 'expired'))",
            ),
        ];
        let mut found = Vec::new();
        for (what, sql) in CHECKS {
            let ids: Vec<(i64,)> = on!(Pool, &self.pool, |pool| {
                sqlx::query_as(sql).fetch_all(pool).await?
            });
            found.extend(ids.into_iter().map(|(id,)| format!("{what}: {id}")));
        }
        Ok(found)
    }
}

impl Tx {
    /// Writes a pending order, with the course's refund window of today. A second order with the
    /// same key, or a second pending order for the same learner and course, is
    /// [`StoreError::Conflict`]: the caller reads the one there.
    pub async fn insert_order(&mut self, order: &NewOrder<'_>) -> Result<OrderId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO orders (user_id, course_id, status, currency, list_minor, \
                 discount_minor, amount_minor, platform_share_bp, refund_days, coupon_id, \
                 provider, idempotency_key, lang, created_at, updated_at) \
                 SELECT $1, id, 'pending', $3, $4, $5, $6, $7, refund_days, $8, $9, $10, $11, \
                 $12, $12 FROM courses WHERE id = $2 RETURNING id",
            )
            .bind(order.user.get())
            .bind(order.course.get())
            .bind(order.price.total.currency().code())
            .bind(order.price.list.minor())
            .bind(order.price.discount.minor())
            .bind(order.price.total.minor())
            .bind(i64::from(order.platform_share.get()))
            .bind(order.coupon.map(CouponId::get))
            .bind(order.provider)
            .bind(order.idempotency_key)
            .bind(order.lang.tag())
            .bind(order.now)
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(OrderId::new(id))
    }

    /// Records the provider's checkout session of a pending order and where to pay, unless one
    /// is recorded already; returns whether this call recorded it.
    pub async fn set_order_session(
        &mut self,
        order: OrderId,
        session: &str,
        pay_url: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let written = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE orders SET provider_session = $2, pay_url = $3, updated_at = $4 \
                 WHERE id = $1 AND provider_session IS NULL",
            )
            .bind(order.get())
            .bind(session)
            .bind(pay_url)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(written == 1)
    }

    /// Takes one redemption of `coupon`, if any is left; returns whether it got one. The limit
    /// is the statement's own condition, so concurrent checkouts cannot overdraw it.
    pub async fn take_coupon(&mut self, coupon: CouponId) -> Result<bool, StoreError> {
        let taken = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE coupons SET redeemed = redeemed + 1 WHERE id = $1 \
                 AND (max_redemptions IS NULL OR redeemed < max_redemptions)",
            )
            .bind(coupon.get())
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(taken == 1)
    }

    /// Ends coupon `id` of `author` (the platform's for `None`) at `now`, unless it ended
    /// already; whether it was theirs and still running.
    pub async fn end_coupon(
        &mut self,
        id: CouponId,
        author: Option<UserId>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE coupons SET expires_at = $3 WHERE id = $1 \
                 AND (($2 IS NULL AND author_id IS NULL) OR author_id = $2) \
                 AND (expires_at IS NULL OR expires_at > $3)",
            )
            .bind(id.get())
            .bind(author.map(UserId::get))
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Writes a coupon; a taken code is [`StoreError::Conflict`].
    pub async fn insert_coupon(&mut self, new: &NewCoupon) -> Result<CouponId, StoreError> {
        let (percent, fixed) = match new.coupon.discount {
            Discount::Percent(bp) => (Some(i64::from(bp.get())), None),
            Discount::Fixed(money) => (None, Some(money)),
        };
        let (author, course) = match new.coupon.scope {
            CouponScope::Platform => (None, None),
            CouponScope::Author(author) => (Some(author), None),
            CouponScope::Course(course) => (new.author, Some(course)),
        };
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO coupons (code, author_id, course_id, percent_bp, fixed_minor, \
                 currency, expires_at, max_redemptions, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(new.coupon.code.as_str())
            .bind(author.map(UserId::get))
            .bind(course.map(CourseId::get))
            .bind(percent)
            .bind(fixed.map(Money::minor))
            .bind(fixed.map(|m| m.currency().code()))
            .bind(new.coupon.expires_at)
            .bind(new.max_redemptions)
            .bind(new.created_by.get())
            .bind(new.now)
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(CouponId::new(id))
    }

    /// The order, read for changing it: on PostgreSQL its row stays locked until the unit of
    /// work ends (SQLite's unit holds the only write lock already).
    pub async fn order_for_update(
        &mut self,
        id: OrderId,
    ) -> Result<Option<OrderRecord>, StoreError> {
        let row: Option<OrderRow> = match &mut self.inner {
            TxInner::Sqlite(tx) => {
                sqlx::query_as(const_format::concatcp!(ORDER_SELECT, " WHERE o.id = $1"))
                    .bind(id.get())
                    .fetch_optional(&mut **tx)
                    .await?
            }
            TxInner::Postgres(tx) => {
                sqlx::query_as(const_format::concatcp!(
                    ORDER_SELECT,
                    " WHERE o.id = $1 FOR UPDATE OF o"
                ))
                .bind(id.get())
                .fetch_optional(&mut **tx)
                .await?
            }
        };
        row.map(OrderRecord::try_from).transpose()
    }

    /// Writes what `step` says happened to `order` (as read in this unit): its status and
    /// refunds by compare-and-set, its entitlement, its coupon and its ledger postings. A lost
    /// compare-and-set is [`StoreError::Conflict`], and the unit must be rolled back.
    pub async fn apply_order_step(
        &mut self,
        order: &OrderRecord,
        step: &Step,
        payment: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let (old, new) = (order.facts, step.order);
        let paid_at = (new.status.was_paid() && !old.status.was_paid()).then_some(now);
        let moved = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE orders SET status = $2, refunded_minor = $3, updated_at = $4, \
                 paid_at = COALESCE(paid_at, $5), \
                 provider_payment = COALESCE(provider_payment, $6) \
                 WHERE id = $1 AND status = $7 AND refunded_minor = $8",
            )
            .bind(order.id.get())
            .bind(new.status.code())
            .bind(new.refunded.minor())
            .bind(now)
            .bind(paid_at)
            .bind(payment)
            .bind(old.status.code())
            .bind(old.refunded.minor())
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        if moved != 1 {
            return Err(StoreError::Conflict("orders_status".into()));
        }
        match step.access {
            AccessChange::Keep => {}
            AccessChange::Grant => self.grant_for_order(order, now).await?,
            AccessChange::Revoke => self.revoke_for_order(order).await?,
        }
        if let Some(coupon) = order.coupon {
            let delta: i64 = match step.coupon {
                CouponChange::Keep => 0,
                CouponChange::Release => -1,
                // A late payment counts even past the limit: the money was taken at its price.
                CouponChange::Reclaim => 1,
            };
            if delta != 0 {
                on!(TxInner, &mut self.inner, |tx| {
                    sqlx::query("UPDATE coupons SET redeemed = redeemed + $2 WHERE id = $1")
                        .bind(coupon.get())
                        .bind(delta)
                        .execute(&mut **tx)
                        .await?;
                });
            }
        }
        self.append_postings(order, step, now).await
    }

    async fn grant_for_order(&mut self, order: &OrderRecord, now: i64) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO entitlements (user_id, course_id, status, source, created_at, order_id) \
                 VALUES ($1, $2, 'active', 'purchase', $3, $4)",
            )
            .bind(order.user.get())
            .bind(order.course.get())
            .bind(now)
            .bind(order.id.get())
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE courses SET enrollments = enrollments + 1 WHERE id = $1")
                .bind(order.course.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    async fn revoke_for_order(&mut self, order: &OrderRecord) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            let ended = sqlx::query(
                "UPDATE entitlements SET status = 'refunded' \
                 WHERE order_id = $1 AND status = 'active'",
            )
            .bind(order.id.get())
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if ended > 0 {
                sqlx::query(
                    "UPDATE courses SET enrollments = enrollments - 1 \
                     WHERE id = $1 AND enrollments > 0",
                )
                .bind(order.course.get())
                .execute(&mut **tx)
                .await?;
            }
        });
        Ok(())
    }

    async fn append_postings(
        &mut self,
        order: &OrderRecord,
        step: &Step,
        now: i64,
    ) -> Result<(), StoreError> {
        if step.postings.is_empty() {
            return Ok(());
        }
        let (last,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM ledger_entries WHERE order_id = $1")
                .bind(order.id.get())
                .fetch_one(&mut **tx)
                .await?
        });
        for (seq, posting) in (last + 1..).zip(&step.postings) {
            for (account, money) in posting.entries {
                on!(TxInner, &mut self.inner, |tx| {
                    sqlx::query(
                        "INSERT INTO ledger_entries (order_id, seq, kind, account, author_id, \
                         currency, amount_minor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(order.id.get())
                    .bind(seq)
                    .bind(posting.kind.code())
                    .bind(account.code())
                    .bind(order.author.get())
                    .bind(money.currency().code())
                    .bind(money.minor())
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                });
            }
        }
        Ok(())
    }

    /// Files a provider event in the inbox, unless it is there already; returns the inbox row's
    /// id when this call filed it, `None` for a repeat delivery.
    pub async fn file_payment_event(
        &mut self,
        provider: &str,
        event_id: &str,
        kind: &str,
        body: &str,
        order: Option<OrderId>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO payment_events (provider, event_id, order_id, kind, body, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, event_id) DO NOTHING \
                 RETURNING id",
            )
            .bind(provider)
            .bind(event_id)
            .bind(order.map(OrderId::get))
            .bind(kind)
            .bind(body)
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Takes inbox event `event` for another try, if it still waits (on PostgreSQL its row stays
    /// locked until the unit ends, so two nodes never try it at once); returns whether it waits.
    pub async fn claim_event(&mut self, event: i64) -> Result<bool, StoreError> {
        let waiting = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE payment_events SET next_attempt_at = next_attempt_at \
                 WHERE id = $1 AND processed_at IS NULL",
            )
            .bind(event)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(waiting == 1)
    }

    /// Marks an inbox event applied.
    pub async fn event_processed(&mut self, event: i64, now: i64) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE payment_events SET processed_at = $2, attempts = attempts + 1, \
                 next_attempt_at = NULL, last_error = NULL WHERE id = $1",
            )
            .bind(event)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Marks an inbox event as failed to apply: kept for a retry after
    /// [`domain::order::retry_delay_ms`], and listed for admins.
    pub async fn event_failed(
        &mut self,
        event: i64,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            let (attempts,): (i64,) = sqlx::query_as(
                "UPDATE payment_events SET attempts = attempts + 1, last_error = $2 \
                 WHERE id = $1 RETURNING attempts",
            )
            .bind(event)
            .bind(error)
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query("UPDATE payment_events SET next_attempt_at = $2 WHERE id = $1")
                .bind(event)
                .bind(now.saturating_add(domain::order::retry_delay_ms(attempts)))
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }
}

/// A payment on the built-in sandbox provider's books.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SandboxPayment {
    /// The session id (`cs_sandbox_<order>`).
    pub id: String,
    /// The order it pays.
    pub order_id: i64,
    /// What it charges, in minor units of `currency`.
    pub amount_minor: i64,
    /// The currency code.
    pub currency: String,
    /// `open`, `paid`, `failed`, `cancelled` or `expired`.
    pub status: String,
    /// Refunded so far.
    pub refunded_minor: i64,
    /// Where the buyer goes after paying.
    pub success_url: String,
    /// Where they go when they give up.
    pub cancel_url: String,
    /// When it was opened.
    pub created_at: i64,
}

/// The sandbox's writes go through [`Store::begin`] like every other: on SQLite they then wait
/// their turn among the writers instead of meeting a held write lock and sleeping in SQLite's
/// busy handler (which, under a checkout load, cost whole milliseconds per flow).
impl Store {
    /// Opens the sandbox session of an order, unless it is open already (its id is the order's,
    /// so a second call finds the first one's session and changes nothing).
    pub async fn sandbox_open(&self, new: &SandboxPayment) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        on!(TxInner, &mut tx.inner, |t| {
            sqlx::query(
                "INSERT INTO sandbox_payments (id, order_id, amount_minor, currency, status, \
                 success_url, cancel_url, created_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&new.id)
            .bind(new.order_id)
            .bind(new.amount_minor)
            .bind(&new.currency)
            .bind(&new.success_url)
            .bind(&new.cancel_url)
            .bind(new.created_at)
            .execute(&mut **t)
            .await?;
        });
        tx.commit().await
    }

    /// A sandbox session by id.
    pub async fn sandbox_payment(&self, id: &str) -> Result<Option<SandboxPayment>, StoreError> {
        Ok(on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, order_id, amount_minor, currency, status, refunded_minor, \
                 success_url, cancel_url, created_at FROM sandbox_payments WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Ends an open sandbox session as `status`; returns whether this call ended it.
    pub async fn sandbox_finish(&self, id: &str, status: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let moved = on!(TxInner, &mut tx.inner, |t| {
            sqlx::query("UPDATE sandbox_payments SET status = $2 WHERE id = $1 AND status = 'open'")
                .bind(id)
                .bind(status)
                .execute(&mut **t)
                .await?
                .rows_affected()
        });
        tx.commit().await?;
        Ok(moved == 1)
    }

    /// Raises a paid sandbox payment's refunded total to `total`; returns whether it rose (a
    /// repeated refund request does not).
    pub async fn sandbox_refund(&self, id: &str, total: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let moved = on!(TxInner, &mut tx.inner, |t| {
            sqlx::query(
                "UPDATE sandbox_payments SET refunded_minor = $2 WHERE id = $1 \
                 AND status = 'paid' AND refunded_minor < $2 AND $2 <= amount_minor",
            )
            .bind(id)
            .bind(total)
            .execute(&mut **t)
            .await?
            .rows_affected()
        });
        tx.commit().await?;
        Ok(moved == 1)
    }
}
