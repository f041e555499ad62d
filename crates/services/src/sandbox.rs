//! The built-in sandbox payment provider: the default in development and tests.
//!
//! It behaves as a hosted provider does, only under Lore's own address: checkout opens a session
//! and sends the buyer to its pay page (`/sandbox/pay/{session}`), where the tester chooses to
//! pay, fail or cancel; it then delivers a webhook to `/webhooks/sandbox` over real HTTP, in
//! Stripe's event shape and signed with Stripe's scheme, so the path Lore takes is the one it
//! takes with Stripe. Its books live in the database (`sandbox_payments`), so any node can show
//! the page, answer "what became of this session" and deliver.
//!
//! For tests, a delivery can be delayed, sent several times and (by delaying one event past
//! another) reordered: [`Delivery`].

use async_trait::async_trait;
use domain::order::PaymentEvent;
use domain::{Currency, Money};
use payments::event::{self, Event};
use payments::provider::{
    CheckoutRequest, CheckoutSession, PaymentProvider, PaymentState, ProviderError, RefundRequest,
    WebhookError,
};
use payments::signature;
use std::sync::Arc;
use std::time::Duration;
use store::{SandboxPayment, Store, now_millis};

/// The name of the platform key the sandbox signs its events with.
const SECRET_KEY: &str = "sandbox_webhook_secret";

/// How long an unpaid sandbox session stays open before asking about it expires it.
pub const SESSION_MS: i64 = 10 * 60 * 1000;

/// What the tester chose on the pay page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The payment succeeds.
    Pay,
    /// The card is declined.
    Fail,
    /// The buyer goes back without paying.
    Cancel,
}

/// How the events of one choice are delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Wait this long before delivering.
    pub delay: Duration,
    /// Deliver each event this many times (at least once), concurrently.
    pub copies: usize,
}

impl Default for Delivery {
    fn default() -> Self {
        Self {
            delay: Duration::ZERO,
            copies: 1,
        }
    }
}

/// The sandbox provider.
#[derive(Debug)]
pub struct Sandbox {
    store: Store,
    public_url: Arc<str>,
    secret: tokio::sync::OnceCell<String>,
    http: reqwest::Client,
    /// Where events go when not to `{public_url}/webhooks/sandbox`: the node's own listener,
    /// set once it is bound (a provider is told the endpoint; this one is on the same node).
    endpoint: std::sync::OnceLock<String>,
}

fn unavailable(err: impl std::fmt::Display) -> ProviderError {
    ProviderError::Unavailable(err.to_string())
}

impl Sandbox {
    /// A sandbox whose pages and webhooks are under `public_url`.
    pub fn new(store: Store, public_url: &str) -> Self {
        Self {
            store,
            public_url: Arc::from(public_url.trim_end_matches('/')),
            secret: tokio::sync::OnceCell::new(),
            http: reqwest::Client::new(),
            endpoint: std::sync::OnceLock::new(),
        }
    }

    /// Delivers events to `url` from now on (the first call wins).
    pub fn deliver_to(&self, url: String) {
        let _ = self.endpoint.set(url);
    }

    async fn secret(&self) -> Result<&str, ProviderError> {
        self.secret
            .get_or_try_init(|| async {
                self.store
                    .platform_key(SECRET_KEY, &crate::secrets::new_token())
                    .await
                    .map_err(unavailable)
            })
            .await
            .map(String::as_str)
    }

    /// A session by id.
    pub async fn session(&self, id: &str) -> Result<Option<SandboxPayment>, ProviderError> {
        self.store.sandbox_payment(id).await.map_err(unavailable)
    }

    /// Carries out the tester's choice on session `id` and delivers its event as `delivery`
    /// says; returns where the buyer goes next. A second choice on a finished session changes
    /// nothing and sends the buyer on as the first did.
    pub async fn choose(
        &self,
        id: &str,
        outcome: Outcome,
        delivery: Delivery,
    ) -> Result<String, ProviderError> {
        let session = self
            .session(id)
            .await?
            .ok_or_else(|| ProviderError::Refused("no such session".into()))?;
        let status = match outcome {
            Outcome::Pay => "paid",
            Outcome::Fail => "failed",
            Outcome::Cancel => "cancelled",
        };
        let finished = self
            .store
            .sandbox_finish(id, status)
            .await
            .map_err(unavailable)?;
        let now = self
            .session(id)
            .await?
            .ok_or_else(|| ProviderError::Refused("no such session".into()))?;
        if finished {
            match outcome {
                Outcome::Pay => self.deliver(completed(&now), delivery),
                Outcome::Fail => self.deliver(failed(&now), delivery),
                // Stripe sends nothing when a buyer walks away; the return to Lore says it.
                Outcome::Cancel => {}
            }
        }
        let next = if now.status == "paid" {
            session.success_url
        } else {
            session.cancel_url
        };
        // The buyer stays on the address they use: the pages are this Lore's own.
        Ok(match next.strip_prefix(&*self.public_url) {
            Some(path) if path.starts_with('/') => path.to_owned(),
            _ => next,
        })
    }

    /// Sends `body` to Lore's webhook, signed, in the background: a provider delivers after
    /// its page has answered, and retries until answered 2xx (here: a few times, then gives up
    /// and leaves the order to the reconciler).
    fn deliver(&self, body: String, delivery: Delivery) {
        let http = self.http.clone();
        let url = self
            .endpoint
            .get()
            .cloned()
            .unwrap_or_else(|| format!("{}/webhooks/sandbox", self.public_url));
        let secret = self.secret.get().cloned();
        let store = self.store.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delivery.delay).await;
            let secret = match secret {
                Some(secret) => secret,
                None => match store
                    .platform_key(SECRET_KEY, &crate::secrets::new_token())
                    .await
                {
                    Ok(secret) => secret,
                    Err(err) => {
                        tracing::warn!(error = %err, "sandbox: no signing secret");
                        return;
                    }
                },
            };
            let sends = (0..delivery.copies.max(1)).map(|_| {
                let (http, url, body, secret) = (http.clone(), url.clone(), body.clone(), secret.clone());
                async move {
                    for attempt in 0..5u32 {
                        let header = signature::sign(secret.as_bytes(), now_millis() / 1000, body.as_bytes());
                        let sent = http
                            .post(&url)
                            .header(signature::HEADER, header)
                            .header(reqwest::header::CONTENT_TYPE, "application/json")
                            .body(body.clone())
                            .send()
                            .await;
                        match sent {
                            Ok(response) if response.status().is_success() => return,
                            Ok(response) => {
                                tracing::warn!(status = %response.status(), "sandbox: delivery refused")
                            }
                            Err(err) => tracing::warn!(error = %err, "sandbox: delivery failed"),
                        }
                        tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
                    }
                }
            });
            futures_util::future::join_all(sends).await;
        });
    }

    /// Refunds up to a running total of `total` and delivers Stripe's `charge.refunded`.
    async fn refund_to(
        &self,
        id: &str,
        total: Money,
        delivery: Delivery,
    ) -> Result<(), ProviderError> {
        let raised = self
            .store
            .sandbox_refund(id, total.minor())
            .await
            .map_err(unavailable)?;
        let session = self
            .session(id)
            .await?
            .ok_or_else(|| ProviderError::Refused("no such session".into()))?;
        if !raised && session.refunded_minor < total.minor() {
            return Err(ProviderError::Refused("not refundable".into()));
        }
        if raised {
            self.deliver(refunded(&session), delivery);
        }
        Ok(())
    }
}

fn session_id(order: domain::OrderId) -> String {
    format!("cs_sandbox_{order}")
}

fn payment_id(session: &SandboxPayment) -> String {
    format!("pi_sandbox_{}", session.order_id)
}

fn event_body(id: String, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({
        "id": id,
        "object": "event",
        "type": kind,
        "created": now_millis() / 1000,
        "livemode": false,
        "data": {"object": object},
    })
    .to_string()
}

fn completed(session: &SandboxPayment) -> String {
    event_body(
        format!("evt_{}_completed", session.id),
        "checkout.session.completed",
        serde_json::json!({
            "id": session.id,
            "object": "checkout.session",
            "amount_total": session.amount_minor,
            "client_reference_id": session.order_id.to_string(),
            "currency": session.currency.to_ascii_lowercase(),
            "mode": "payment",
            "payment_intent": payment_id(session),
            "payment_status": "paid",
            "status": "complete",
        }),
    )
}

fn failed(session: &SandboxPayment) -> String {
    event_body(
        format!("evt_{}_failed", session.id),
        "payment_intent.payment_failed",
        serde_json::json!({
            "id": payment_id(session),
            "object": "payment_intent",
            "amount": session.amount_minor,
            "currency": session.currency.to_ascii_lowercase(),
            "metadata": {"order_id": session.order_id.to_string()},
            "status": "requires_payment_method",
        }),
    )
}

fn refunded(session: &SandboxPayment) -> String {
    event_body(
        format!("evt_{}_refunded_{}", session.id, session.refunded_minor),
        "charge.refunded",
        serde_json::json!({
            "id": format!("ch_sandbox_{}", session.order_id),
            "object": "charge",
            "amount": session.amount_minor,
            "amount_refunded": session.refunded_minor,
            "currency": session.currency.to_ascii_lowercase(),
            "metadata": {"order_id": session.order_id.to_string()},
            "payment_intent": payment_id(session),
            "refunded": session.refunded_minor == session.amount_minor,
        }),
    )
}

#[async_trait]
impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn test_mode(&self) -> bool {
        true
    }

    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError> {
        let id = session_id(request.order);
        self.store
            .sandbox_open(&SandboxPayment {
                id: id.clone(),
                order_id: request.order.get(),
                amount_minor: request.amount.minor(),
                currency: request.amount.currency().code().to_owned(),
                status: "open".into(),
                refunded_minor: 0,
                success_url: request.success_url.clone(),
                cancel_url: request.cancel_url.clone(),
                created_at: now_millis(),
            })
            .await
            .map_err(unavailable)?;
        Ok(CheckoutSession {
            // A path: the page is this Lore's own, on whatever address the buyer uses.
            pay_url: format!("/sandbox/pay/{id}"),
            id,
        })
    }

    async fn verify_event(
        &self,
        body: &[u8],
        signature: Option<&str>,
        now: i64,
    ) -> Result<Event, WebhookError> {
        let secret = self
            .secret()
            .await
            .map_err(|_| WebhookError::Signature(signature::SignatureError::Malformed))?;
        signature::verify(secret.as_bytes(), signature.unwrap_or_default(), body, now)?;
        Ok(event::parse(body)?)
    }

    async fn payment_state(&self, session: &str) -> Result<PaymentState, ProviderError> {
        let Some(mut found) = self.session(session).await? else {
            return Err(ProviderError::Refused("no such session".into()));
        };
        // A session left open too long expires when asked about, as Stripe's do by themselves.
        if found.status == "open"
            && now_millis() - found.created_at > SESSION_MS
            && self
                .store
                .sandbox_finish(session, "expired")
                .await
                .map_err(unavailable)?
        {
            found.status = "expired".into();
        }
        let currency = Currency::from_code(&found.currency).map_err(unavailable)?;
        let mut events = Vec::new();
        match found.status.as_str() {
            "paid" => {
                events.push(PaymentEvent::Succeeded);
                if found.refunded_minor > 0 {
                    let total =
                        Money::price(found.refunded_minor, currency).map_err(unavailable)?;
                    events.push(PaymentEvent::Refunded { total });
                }
            }
            "failed" => events.push(PaymentEvent::Failed),
            "cancelled" => events.push(PaymentEvent::Cancelled),
            "expired" => events.push(PaymentEvent::Expired),
            _ => {}
        }
        Ok(PaymentState {
            payment: (found.status == "paid").then(|| payment_id(&found)),
            events,
        })
    }

    async fn refund(&self, request: &RefundRequest) -> Result<(), ProviderError> {
        self.refund_to(
            &session_id(request.order),
            request.total_after,
            Delivery::default(),
        )
        .await
    }
}
