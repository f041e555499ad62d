//! What buyers see of their orders: the list, one order (settled with the provider on the way),
//! its receipt, the price before paying, and the sandbox provider's pay page.

use crate::sandbox::{Delivery, Outcome};
use crate::{Client, ServiceError, Services};
use domain::authoring::parse_price;
use domain::order::{
    self, AdminOrder, AdminOrders, CheckoutProblem, OrderStatus, OrderView, Quote, Receipt,
    SandboxSession,
};
use domain::permissions::{can_manage_payments, is_this_machine};
use domain::{Actor, OrderId};
use store::{OrderRecord, now_millis};

impl Services {
    /// What `viewer` would pay for course `slug` with coupon `code`, and whether it is a test.
    /// A coupon that does not apply is not a failure of the page: the quote is the list price,
    /// with the coupon's problem to show beside its field.
    pub async fn quote_for(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        code: Option<&str>,
    ) -> Result<Quote, ServiceError> {
        let test_mode = self.payments().provider.test_mode();
        let open = self.payments().open;
        match self.quote(viewer, slug, code).await {
            Ok(price) => Ok(Quote {
                price,
                test_mode,
                coupon_problem: None,
                open,
            }),
            Err(ServiceError::Checkout(CheckoutProblem::Coupon(problem))) => Ok(Quote {
                price: self.quote(viewer, slug, None).await?,
                test_mode,
                coupon_problem: Some(problem),
                open,
            }),
            Err(other) => Err(other),
        }
    }

    /// `viewer`'s orders, newest first. Orders abandoned before reaching the provider's page are
    /// left out: nothing happened to them a buyer would look for.
    pub async fn my_orders(&self, viewer: &Actor) -> Result<Vec<OrderView>, ServiceError> {
        let now = now_millis();
        let mut views = Vec::new();
        for record in self.store().orders_of(viewer.id).await? {
            if record.provider_session.is_none() && record.facts.status != OrderStatus::Pending {
                continue;
            }
            views.push(self.order_view(record, now).await?);
        }
        Ok(views)
    }

    /// `viewer`'s order `id`, first settled with the provider while it is pending: what the
    /// buyer's return from the provider's page shows, so "you own this course" does not wait
    /// for the provider's event.
    pub async fn my_order(&self, viewer: &Actor, id: OrderId) -> Result<OrderView, ServiceError> {
        let mut record = self.order_for(Some(viewer), id).await?;
        if record.facts.status == OrderStatus::Pending && record.provider_session.is_some() {
            // A provider that cannot be asked now leaves the order pending: its event or the
            // reconciler settles it, and the page says it is waiting.
            match self.settle_order(Some(viewer), id).await {
                Ok(settled) => record = settled,
                Err(ServiceError::Payment(err)) => {
                    tracing::warn!(order = %id, error = %err, "the provider could not be asked");
                }
                Err(other) => return Err(other),
            }
        }
        self.order_view(record, now_millis()).await
    }

    /// The receipt of `viewer`'s order `id`: only for money that was paid.
    pub async fn receipt(&self, viewer: &Actor, id: OrderId) -> Result<Receipt, ServiceError> {
        let record = self.order_for(Some(viewer), id).await?;
        if !record.facts.status.was_paid() {
            return Err(ServiceError::NotFound);
        }
        let buyer = self
            .store()
            .user(record.user)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(Receipt {
            order: self.order_view(record, now_millis()).await?,
            buyer_name: buyer.display_name,
            buyer_email: buyer.email,
        })
    }

    async fn order_view(&self, record: OrderRecord, now: i64) -> Result<OrderView, ServiceError> {
        let refund_refusal = self.learner_refund(&record, now).await?.err();
        Ok(OrderView {
            id: record.id,
            course_slug: record.course_slug,
            course_title: record.course_title,
            status: record.facts.status,
            price: record.price,
            refunded: record.facts.refunded,
            created_at: record.created_at,
            paid_at: record.paid_at,
            payment_reference: record.provider_payment,
            test_mode: self.payments().provider.test_mode(),
            refund_refusal,
            refund_until: record
                .paid_at
                .map(|paid| order::refund_deadline(paid, record.refund_days)),
        })
    }

    /// The sandbox pay page of session `id`, for the buyer of its order only (the ids are easy
    /// to guess, and nobody else may pay, decline or cancel someone's checkout), and only on
    /// this machine: test money is for the developer at the keyboard (SECURITY-TESTS 31).
    pub async fn sandbox_session(
        &self,
        viewer: &Actor,
        client: &Client,
        id: &str,
    ) -> Result<SandboxSession, ServiceError> {
        if !is_this_machine(&client.ip) {
            tracing::warn!(ip = %client.ip, "sandbox pay page refused to a non-loopback client");
            return Err(ServiceError::NotFound);
        }
        let sandbox = self
            .payments()
            .sandbox
            .clone()
            .ok_or(ServiceError::NotFound)?;
        let session = sandbox
            .session(id)
            .await
            .map_err(ServiceError::Payment)?
            .ok_or(ServiceError::NotFound)?;
        let order = self
            .order_for(Some(viewer), OrderId::new(session.order_id))
            .await?;
        Ok(SandboxSession {
            id: session.id,
            order: order.id,
            course_title: order.course_title,
            // The session was opened for the order's amount.
            amount: order.facts.amount,
            open: session.status == "open",
        })
    }

    /// Carries out the tester's choice on the sandbox pay page; returns where the buyer goes.
    pub async fn sandbox_choose(
        &self,
        viewer: &Actor,
        client: &Client,
        id: &str,
        outcome: Outcome,
    ) -> Result<String, ServiceError> {
        self.sandbox_session(viewer, client, id).await?;
        let sandbox = self
            .payments()
            .sandbox
            .clone()
            .ok_or(ServiceError::NotFound)?;
        sandbox
            .choose(id, outcome, Delivery::default())
            .await
            .map_err(ServiceError::Payment)
    }

    /// The admin's orders page: the newest 100 orders (those whose buyer's address or course
    /// title contains `query`, when given) and the provider events that failed to apply.
    pub async fn admin_orders(
        &self,
        admin: &Actor,
        query: &str,
    ) -> Result<AdminOrders, ServiceError> {
        if !can_manage_payments(Some(admin)) {
            return Err(ServiceError::Forbidden);
        }
        let orders = self
            .store()
            .recent_orders(query, 100)
            .await?
            .into_iter()
            .map(|(record, buyer_email)| AdminOrder {
                id: record.id,
                buyer_email,
                course_title: record.course_title,
                status: record.facts.status,
                total: record.facts.amount,
                refunded: record.facts.refunded,
                refundable: record.facts.refundable(),
                created_at: record.created_at,
            })
            .collect();
        Ok(AdminOrders {
            orders,
            failed_events: self.store().failed_events(100).await?,
            test_mode: self.payments().provider.test_mode(),
        })
    }

    /// An admin's refund of `amount` (as typed, in the order's currency) of order `id`.
    pub async fn refund_typed(
        &self,
        admin: &Actor,
        id: OrderId,
        amount: &str,
    ) -> Result<OrderRecord, ServiceError> {
        let order = self.order_for_admin(admin, id).await?;
        let amount = parse_price(amount, order.facts.amount.currency())
            .map_err(|_| ServiceError::Invalid("amount"))?;
        self.admin_refund_of(order, amount).await
    }

    /// Applies failed inbox event `id` again now, at an admin's request (after they fixed what
    /// it waited for). An event that still cannot apply stays in the list with its new error.
    pub async fn retry_event_now(&self, admin: &Actor, id: i64) -> Result<(), ServiceError> {
        if !can_manage_payments(Some(admin)) {
            return Err(ServiceError::Forbidden);
        }
        let body = self
            .store()
            .waiting_event_body(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.retry_payment_event(id, body.as_bytes()).await
    }
}
