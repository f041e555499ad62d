//! Buying courses: the price with a coupon, checkout, and what payment events do.
//!
//! Checkout is retried safely by its idempotency key: the first order made with a key is the
//! answer to every later request with it. Fulfilment runs from the provider's signed event and
//! from the buyer's return to Lore (which asks the provider), whichever comes first; both go
//! through [`Services::apply_payment`], one unit of work that writes the order's new status, its
//! entitlement, its coupon count and its ledger postings together (`domain::order::apply` decides
//! them), so a repeat or a race changes nothing the first did not.

use crate::{ServiceError, Services};
use domain::coupon::{CouponCode, CouponError, PriceBreakdown, Priced};
use domain::notify::Notice;
use domain::order::{
    self, CheckoutProblem, Consumption, PaymentEvent, RefundPolicy, RefundRefusal,
};
use domain::permissions::can_manage_payments;
use domain::{Actor, BasisPoints, Lang, Money, OrderId};
use payments::event::Event;
use payments::provider::{CheckoutRequest, PaymentProvider, ProviderError, RefundRequest};
use std::sync::Arc;
use store::{CouponRecord, CourseOnSale, NewOrder, OrderRecord, StoreError, Tx, now_millis};

/// How often a unit of work that lost a compare-and-set to another node is tried again.
const RACE_RETRIES: usize = 5;

/// How long an order may wait for its payment before the reconciler asks the provider: 10 min.
pub const PENDING_MS: i64 = 10 * 60 * 1000;

/// How many orders, and how many events, one reconciler run takes on.
const RECONCILE_BATCH: i64 = 100;

/// The platform's share of every sale unless configured: 20 %.
pub const DEFAULT_PLATFORM_SHARE: BasisPoints = BasisPoints::of(2_000);

impl From<CheckoutProblem> for ServiceError {
    fn from(problem: CheckoutProblem) -> Self {
        ServiceError::Checkout(problem)
    }
}

/// Which provider takes the money, as the operator configured it.
#[derive(Clone, Debug)]
pub enum ProviderChoice {
    /// The built-in sandbox: test money, its pay page on this Lore (loopback clients only).
    Sandbox,
    /// Stripe Checkout.
    Stripe(crate::stripe::StripeConfig),
    /// None: nothing can be bought, and course pages say so.
    Off,
}

/// The provider when none is configured: every request is refused, so no order reaches a page
/// nobody can pay on.
#[derive(Debug)]
pub(crate) struct NoProvider;

fn not_configured() -> ProviderError {
    ProviderError::Refused("no payment provider is configured".into())
}

#[async_trait::async_trait]
impl PaymentProvider for NoProvider {
    fn name(&self) -> &'static str {
        "off"
    }

    fn test_mode(&self) -> bool {
        false
    }

    async fn create_checkout(
        &self,
        _request: &CheckoutRequest,
    ) -> Result<payments::provider::CheckoutSession, ProviderError> {
        Err(not_configured())
    }

    async fn verify_event(
        &self,
        _body: &[u8],
        _signature: Option<&str>,
        _now: i64,
    ) -> Result<Event, payments::provider::WebhookError> {
        Err(payments::signature::SignatureError::Malformed.into())
    }

    async fn payment_state(
        &self,
        _session: &str,
    ) -> Result<payments::provider::PaymentState, ProviderError> {
        Err(not_configured())
    }

    async fn refund(&self, _request: &RefundRequest) -> Result<(), ProviderError> {
        Err(not_configured())
    }
}

/// How Lore takes money: the provider and the platform's share.
#[derive(Clone, Debug)]
pub struct Payments {
    /// Where the money goes.
    pub provider: Arc<dyn PaymentProvider>,
    /// Whether anything can be bought: false when no provider is configured, and course pages
    /// say so instead of offering a checkout that cannot end.
    pub open: bool,
    /// The same provider when it is the built-in sandbox, for its pay page.
    pub sandbox: Option<Arc<crate::sandbox::Sandbox>>,
    /// The platform's share of each sale.
    pub platform_share: BasisPoints,
}

/// A started checkout: where the buyer pays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkout {
    /// The order.
    pub order: OrderId,
    /// The provider's page.
    pub pay_url: String,
}

impl Services {
    /// The coupon with `code`, checked against `course` at `now`.
    async fn priced(
        &self,
        course: &CourseOnSale,
        code: Option<&str>,
        now: i64,
    ) -> Result<(PriceBreakdown, Option<CouponRecord>), ServiceError> {
        let price = course.price;
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok((PriceBreakdown::list(price), None));
        };
        let code = CouponCode::parse(code).map_err(CheckoutProblem::from)?;
        let coupon = self
            .store()
            .coupon_by_code(&code)
            .await?
            .ok_or(CheckoutProblem::Coupon(CouponError::Unknown))?;
        if coupon
            .max_redemptions
            .is_some_and(|max| coupon.redeemed >= max)
        {
            return Err(CheckoutProblem::Coupon(CouponError::UsedUp).into());
        }
        let on = Priced {
            course: course.id,
            author: course.author,
            price,
        };
        let breakdown = coupon
            .coupon
            .price(&on, now)
            .map_err(CheckoutProblem::from)?;
        Ok((breakdown, Some(coupon)))
    }

    /// What `viewer` would pay for course `slug` with coupon `code`: shown before paying.
    pub async fn quote(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        code: Option<&str>,
    ) -> Result<PriceBreakdown, ServiceError> {
        let course = self.on_sale(slug).await?;
        let held = match viewer {
            Some(actor) => self.store().entitlement(actor.id, course.id).await?,
            None => domain::Entitlement::None,
        };
        order::check_purchase(viewer, course.offer(), held).map_err(CheckoutProblem::from)?;
        Ok(self.priced(&course, code, now_millis()).await?.0)
    }

    /// The published course `slug`, as a sale needs it.
    async fn on_sale(&self, slug: &str) -> Result<CourseOnSale, ServiceError> {
        let slug = domain::Slug::parse(slug).map_err(|_| ServiceError::NotFound)?;
        self.store()
            .course_on_sale(&slug)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Begins (or, for a key seen before, resumes) `viewer`'s purchase of course `slug` with
    /// coupon `code`: a pending order holding the coupon's redemption, and a session at the
    /// provider. A learner who already has a pending order for the course gets it back, so
    /// two tabs cannot make two orders.
    pub async fn checkout(
        &self,
        viewer: &Actor,
        slug: &str,
        code: Option<&str>,
        key: &str,
        lang: Lang,
    ) -> Result<Checkout, ServiceError> {
        if !order::well_formed_key(key) {
            return Err(CheckoutProblem::Key.into());
        }
        if let Some(order) = self.store().order_by_key(viewer.id, key).await? {
            return self.open_session(order).await;
        }
        let course = self.on_sale(slug).await?;
        let held = self.store().entitlement(viewer.id, course.id).await?;
        order::check_purchase(Some(viewer), course.offer(), held).map_err(CheckoutProblem::from)?;
        let now = now_millis();
        let (price, coupon) = self.priced(&course, code, now).await?;
        let payments = self.payments();
        let mut tx = self.store().begin().await?;
        if let Some(coupon) = &coupon
            && !tx.take_coupon(coupon.id).await?
        {
            return Err(CheckoutProblem::Coupon(CouponError::UsedUp).into());
        }
        let new = NewOrder {
            user: viewer.id,
            course: course.id,
            price,
            platform_share: payments.platform_share,
            coupon: coupon.map(|c| c.id),
            provider: payments.provider.name(),
            idempotency_key: key,
            lang,
            now,
        };
        let id = match tx.insert_order(&new).await {
            Ok(id) => {
                tx.commit().await?;
                id
            }
            Err(StoreError::Conflict(_)) => {
                // The same key from a concurrent retry, or another pending order of this
                // learner's for the course: answer with that order.
                tx.rollback().await?;
                let existing = match self.store().order_by_key(viewer.id, key).await? {
                    Some(order) => order,
                    None => self
                        .store()
                        .pending_order(viewer.id, course.id)
                        .await?
                        .ok_or_else(|| ServiceError::Conflict("orders".into()))?,
                };
                return self.open_session(existing).await;
            }
            Err(other) => return Err(other.into()),
        };
        self.new_session(id, price.total, course.title, lang).await
    }

    /// The order's session at the provider, made on first call.
    async fn open_session(&self, order: OrderRecord) -> Result<Checkout, ServiceError> {
        match order.pay_url {
            Some(pay_url) => Ok(Checkout {
                order: order.id,
                pay_url,
            }),
            None => {
                self.new_session(order.id, order.facts.amount, order.course_title, order.lang)
                    .await
            }
        }
    }

    /// Opens a session at the provider for pending order `id` (`amount` for `title`, its page
    /// in `lang`) and records it. The provider gets the order as its idempotency key, so
    /// concurrent calls for one order make one session; the first recorded is the one kept.
    async fn new_session(
        &self,
        id: OrderId,
        amount: Money,
        title: String,
        lang: Lang,
    ) -> Result<Checkout, ServiceError> {
        let back = format!("{}/orders/{}", self.public_url(), id);
        let request = CheckoutRequest {
            order: id,
            amount,
            title,
            lang,
            success_url: format!("{back}?paid=1"),
            cancel_url: format!("{back}?cancelled=1"),
        };
        let session = self
            .payments()
            .provider
            .create_checkout(&request)
            .await
            .map_err(ServiceError::Payment)?;
        let mut tx = self.store().begin().await?;
        let recorded = tx
            .set_order_session(id, &session.id, &session.pay_url, now_millis())
            .await?;
        tx.commit().await?;
        let pay_url = if recorded {
            session.pay_url
        } else {
            // A concurrent call recorded its session first: answer with that one.
            let stored = self
                .store()
                .order(id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            stored.pay_url.unwrap_or(session.pay_url)
        };
        Ok(Checkout { order: id, pay_url })
    }

    /// Applies what the provider says happened to order `id`, in one unit of work, trying
    /// again from a fresh read when another node changed the order first. Returns the order as
    /// it stands after.
    pub async fn apply_payment(
        &self,
        id: OrderId,
        event: PaymentEvent,
        payment: Option<&str>,
    ) -> Result<OrderRecord, ServiceError> {
        for _ in 0..RACE_RETRIES {
            let mut tx = self.store().begin().await?;
            let order = tx
                .order_for_update(id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let step = order::apply(order.facts, event).map_err(ServiceError::Order)?;
            if !step.changes() {
                tx.rollback().await?;
                return Ok(order);
            }
            match book_step(&mut tx, &order, &step, payment, now_millis()).await {
                Ok(()) => {
                    tx.commit().await?;
                    return self.store().order(id).await?.ok_or(ServiceError::NotFound);
                }
                Err(StoreError::Conflict(_)) => tx.rollback().await?,
                Err(other) => return Err(other.into()),
            }
        }
        Err(ServiceError::Conflict("orders_status".into()))
    }

    /// Takes a provider's event delivery: checks its signature over the raw body, files it in
    /// the inbox once, and applies it, all in one unit of work, so a repeat delivery (even a
    /// concurrent one) finds the inbox row and changes nothing. A bad signature or body writes
    /// nothing ([`ServiceError::Webhook`], answered 400); an event Lore cannot apply yet (an
    /// unknown order, say) stays in the inbox with its error for a retry and an admin.
    pub async fn receive_payment_event(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<(), ServiceError> {
        let provider = &self.payments().provider;
        let event = provider
            .verify_event(body, signature, now_millis() / 1000)
            .await
            .map_err(ServiceError::Webhook)?;
        let text = String::from_utf8_lossy(body);
        for _ in 0..RACE_RETRIES {
            let now = now_millis();
            let mut tx = self.store().begin().await?;
            // The order first (locked on PostgreSQL), so the inbox row names only one that exists.
            let order = order_of(&mut tx, &event).await?;
            let Some(inbox) = tx
                .file_payment_event(
                    provider.name(),
                    &event.id,
                    &event.kind,
                    &text,
                    order.as_ref().map(|o| o.id),
                    now,
                )
                .await?
            else {
                tx.rollback().await?;
                return Ok(()); // delivered before
            };
            if apply_filed_event(&mut tx, inbox, order, &event, now).await? {
                tx.commit().await?;
                return Ok(());
            }
            tx.rollback().await?;
        }
        Err(ServiceError::Conflict("orders_status".into()))
    }

    /// Order `id`, when `viewer` bought it (any order for no viewer: the reconciler). Someone
    /// else's order is not found, so order ids cannot be probed.
    pub(crate) async fn order_for(
        &self,
        viewer: Option<&Actor>,
        id: OrderId,
    ) -> Result<OrderRecord, ServiceError> {
        self.store()
            .order(id)
            .await?
            .filter(|order| viewer.is_none_or(|actor| actor.id == order.user))
            .ok_or(ServiceError::NotFound)
    }

    /// Asks the provider what became of order `id`'s payment and applies the answer: what the
    /// buyer's return to Lore and the reconciler run, so a lost event cannot leave a paid
    /// order without its course. Only the buyer (or the reconciler, with no viewer) may ask.
    pub async fn settle_order(
        &self,
        viewer: Option<&Actor>,
        id: OrderId,
    ) -> Result<OrderRecord, ServiceError> {
        let order = self.order_for(viewer, id).await?;
        let Some(session) = order.provider_session.as_deref() else {
            return Ok(order);
        };
        let state = self
            .payments()
            .provider
            .payment_state(session)
            .await
            .map_err(ServiceError::Payment)?;
        let mut current = order;
        for event in state.events {
            current = self
                .apply_payment(id, event, state.payment.as_deref())
                .await?;
        }
        Ok(current)
    }

    /// Refunds everything left of `viewer`'s order `id`, if the course's refund window is still
    /// open and they have completed under 30 % of its lessons. Access ends in the same unit of
    /// work that books the refund, so the very next lesson or media request is refused; the
    /// provider's own refund event, when it comes, changes nothing more.
    pub async fn request_refund(
        &self,
        viewer: &Actor,
        id: OrderId,
    ) -> Result<OrderRecord, ServiceError> {
        let order = self.order_for(Some(viewer), id).await?;
        let refunded = self
            .learner_refund(&order, now_millis())
            .await?
            .map_err(CheckoutProblem::from)?;
        self.refund_to(order, refunded).await
    }

    /// The refund total the buyer of `order` may ask for at `now`, or why not.
    pub(crate) async fn learner_refund(
        &self,
        order: &OrderRecord,
        now: i64,
    ) -> Result<Result<Money, RefundRefusal>, ServiceError> {
        let (completed, total) = self.store().lessons_done(order.user, order.course).await?;
        let policy = RefundPolicy {
            window_ms: order.refund_days.saturating_mul(86_400_000),
            completion_limit: BasisPoints::of(order::DEFAULT_COMPLETION_LIMIT),
        };
        Ok(order::learner_refund(
            &order.facts,
            order.paid_at.unwrap_or(order.created_at),
            now,
            Consumption { completed, total },
            policy,
        ))
    }

    /// Refunds `amount` of order `id`, any part of what is left at any time: an admin's call.
    pub async fn refund_as_admin(
        &self,
        admin: &Actor,
        id: OrderId,
        amount: Money,
    ) -> Result<OrderRecord, ServiceError> {
        let order = self.order_for_admin(admin, id).await?;
        self.admin_refund_of(order, amount).await
    }

    /// Order `id`, for an admin who may refund it.
    pub(crate) async fn order_for_admin(
        &self,
        admin: &Actor,
        id: OrderId,
    ) -> Result<OrderRecord, ServiceError> {
        if !can_manage_payments(Some(admin)) {
            return Err(ServiceError::Forbidden);
        }
        self.store().order(id).await?.ok_or(ServiceError::NotFound)
    }

    /// Refunds `amount` more of `order`, as an admin may: any part of what is left, any time.
    pub(crate) async fn admin_refund_of(
        &self,
        order: OrderRecord,
        amount: Money,
    ) -> Result<OrderRecord, ServiceError> {
        let refunded = order::admin_refund(&order.facts, amount).map_err(CheckoutProblem::from)?;
        self.refund_to(order, refunded).await
    }

    /// Asks the provider to bring `order`'s refunded total to `total`, then books it.
    async fn refund_to(
        &self,
        order: OrderRecord,
        total: Money,
    ) -> Result<OrderRecord, ServiceError> {
        let payment = order
            .provider_payment
            .clone()
            .ok_or(CheckoutProblem::Refund(RefundRefusal::NothingToRefund))?;
        let amount = total
            .checked_sub(order.facts.refunded)
            .map_err(|_| CheckoutProblem::Refund(RefundRefusal::BadAmount))?;
        let request = RefundRequest {
            order: order.id,
            payment,
            amount,
            total_after: total,
        };
        self.payments()
            .provider
            .refund(&request)
            .await
            .map_err(ServiceError::Payment)?;
        self.apply_payment(order.id, PaymentEvent::Refunded { total }, None)
            .await
    }

    /// Applies inbox event `inbox` (its stored `body`) again, unless another node got to it.
    pub(crate) async fn retry_payment_event(
        &self,
        inbox: i64,
        body: &[u8],
    ) -> Result<(), ServiceError> {
        let event = payments::event::parse(body).map_err(|e| ServiceError::Webhook(e.into()))?;
        for _ in 0..RACE_RETRIES {
            let now = now_millis();
            let mut tx = self.store().begin().await?;
            // The same lock order as on intake: the order, then its event.
            let order = order_of(&mut tx, &event).await?;
            if !tx.claim_event(inbox).await? {
                tx.rollback().await?;
                return Ok(());
            }
            if apply_filed_event(&mut tx, inbox, order, &event, now).await? {
                tx.commit().await?;
                return Ok(());
            }
            tx.rollback().await?;
        }
        Err(ServiceError::Conflict("orders_status".into()))
    }
    /// Settles what no event settled: each order still pending after [`PENDING_MS`] is asked
    /// about at its provider (an order whose session was never opened expires), and each inbox
    /// event that failed to apply and is due again is applied again. Safe on every node at
    /// once: each step is the same compare-and-set unit of work as an event's. Returns how many
    /// orders and events it looked at.
    pub async fn reconcile_once(&self, now: i64) -> Result<(usize, usize), ServiceError> {
        let waiting = self
            .store()
            .orders_waiting(now - PENDING_MS, RECONCILE_BATCH)
            .await?;
        for order in &waiting {
            let settled = if order.provider_session.is_some() {
                self.settle_order(None, order.id).await.map(drop)
            } else {
                self.apply_payment(order.id, PaymentEvent::Expired, None)
                    .await
                    .map(drop)
            };
            if let Err(err) = settled {
                tracing::warn!(order = %order.id, error = %crate::cause_chain(&err), "reconcile: order not settled");
            }
        }
        let due = self.store().events_due(now, RECONCILE_BATCH).await?;
        for (inbox, body) in &due {
            if let Err(err) = self.retry_payment_event(*inbox, body.as_bytes()).await {
                tracing::warn!(inbox, error = %crate::cause_chain(&err), "reconcile: event not applied");
            }
        }
        Ok((waiting.len(), due.len()))
    }

    /// Runs [`Services::reconcile_once`] every minute until the task is dropped.
    pub async fn run_reconciler(&self) {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = self.reconcile_once(now_millis()).await {
                tracing::warn!(error = %crate::cause_chain(&err), "reconcile run failed");
            }
        }
    }

    /// The provider's checkout: its name and whether it is in test mode.
    pub fn payments(&self) -> &Payments {
        &self.payments
    }
}

/// Writes `step` of `order` with a compare-and-set (a [`StoreError::Conflict`] when another node
/// changed the order first) and tells the buyer of what it did to their money, in the same unit of
/// work: a sale and a refund are each announced exactly once, however often the events come.
async fn book_step(
    tx: &mut Tx,
    order: &OrderRecord,
    step: &order::Step,
    payment: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    tx.apply_order_step(order, step, payment, now).await?;
    for posting in &step.postings {
        let notice = match posting.kind {
            order::PostingKind::Sale => Notice::Purchased {
                order: order.id,
                title: order.course_title.clone(),
            },
            order::PostingKind::Refund => Notice::Refunded {
                order: order.id,
                title: order.course_title.clone(),
                amount: step.order.refunded,
            },
        };
        tx.notify(order.user, &notice, now).await?;
    }
    Ok(())
}

/// The order `event` names, read for changing it, if it exists.
async fn order_of(tx: &mut Tx, event: &Event) -> Result<Option<OrderRecord>, ServiceError> {
    Ok(match event.order {
        Some(id) => tx.order_for_update(id).await?,
        None => None,
    })
}

/// Applies filed event `inbox` to `order` (read in `tx`) and marks the event processed, or failed
/// when it cannot apply (kept for a retry and an admin). `Ok(false)` when another node changed the
/// order first: the caller rolls back and tries again from a fresh read.
async fn apply_filed_event(
    tx: &mut Tx,
    inbox: i64,
    order: Option<OrderRecord>,
    event: &Event,
    now: i64,
) -> Result<bool, ServiceError> {
    let Some(change) = event.event else {
        // Nothing Lore acts on: filed, and done.
        tx.event_processed(inbox, now).await?;
        return Ok(true);
    };
    let Some(order) = order else {
        tx.event_failed(inbox, "no such order", now).await?;
        return Ok(true);
    };
    let step = match order::apply(order.facts, change) {
        Ok(step) => step,
        Err(problem) => {
            tx.event_failed(inbox, &problem.to_string(), now).await?;
            return Ok(true);
        }
    };
    if step.changes() {
        match book_step(tx, &order, &step, event.payment.as_deref(), now).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Ok(false),
            Err(other) => return Err(other.into()),
        }
    }
    tx.event_processed(inbox, now).await?;
    Ok(true)
}
