//! The one trait every payment provider implements.
//!
//! Lore never trusts a redirect or a page for money: it learns what happened from a signed event
//! ([`PaymentProvider::verify_event`]) or by asking the provider itself
//! ([`PaymentProvider::payment_state`]), which is what the success redirect and the reconciler do.
//! Requests that create something at the provider carry an idempotency key derived from the order,
//! so a retried checkout or refund never makes a second session or a second refund.

use crate::event::Event;
use async_trait::async_trait;
use domain::order::PaymentEvent;
use domain::{Lang, Money, OrderId};

/// What checkout asks a provider for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// The order being paid.
    pub order: OrderId,
    /// What to charge.
    pub amount: Money,
    /// What the provider's page shows the buyer.
    pub title: String,
    /// The buyer's language, for the provider's page.
    pub lang: Lang,
    /// Where the provider sends the buyer after paying.
    pub success_url: String,
    /// Where it sends them when they give up.
    pub cancel_url: String,
}

/// A checkout session at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutSession {
    /// The provider's id of it.
    pub id: String,
    /// The page the buyer pays on.
    pub pay_url: String,
}

/// What the provider says of a checkout session when asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentState {
    /// The provider's payment, once there is one.
    pub payment: Option<String>,
    /// What the order should hear, in order (a payment, then its refunds); empty while the
    /// buyer has not finished.
    pub events: Vec<PaymentEvent>,
}

/// A refund Lore asks a provider for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRequest {
    /// The order refunded.
    pub order: OrderId,
    /// The provider's payment.
    pub payment: String,
    /// How much to give back now.
    pub amount: Money,
    /// The refunded total this refund reaches: with the order it makes the idempotency key, so
    /// a retried request refunds once.
    pub total_after: Money,
}

/// Why a provider could not do what was asked. The message is for the log only.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be reached, or failed; worth retrying later.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request as it stands; retrying will not help.
    #[error("the payment provider refused: {0}")]
    Refused(String),
}

/// Why an incoming event was refused: answered 400 and nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A bad, stale or missing signature.
    #[error(transparent)]
    Signature(#[from] crate::signature::SignatureError),
    /// A body that is not an event.
    #[error(transparent)]
    Body(#[from] crate::event::EventError),
}

/// A payment provider: the built-in sandbox or Stripe.
#[async_trait]
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Its name, stored on each order.
    fn name(&self) -> &'static str;

    /// Whether it takes no real money (the UI marks test mode wherever money shows).
    fn test_mode(&self) -> bool;

    /// Opens a checkout session for an order.
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError>;

    /// Checks an event's signature over the raw body and reads it; `now` in Unix seconds.
    /// (Async: a provider may load its signing secret on first use.)
    async fn verify_event(
        &self,
        body: &[u8],
        signature: Option<&str>,
        now: i64,
    ) -> Result<Event, WebhookError>;

    /// Asks the provider what became of a checkout session.
    async fn payment_state(&self, session: &str) -> Result<PaymentState, ProviderError>;

    /// Gives money back.
    async fn refund(&self, request: &RefundRequest) -> Result<(), ProviderError>;
}
