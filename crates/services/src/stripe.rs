//! Stripe as a payment provider: Checkout Sessions and Refunds over Stripe's REST API, and
//! Stripe's webhook signature. Off unless an operator configures a secret key and a webhook
//! signing secret.
//!
//! Every request that creates something carries an `Idempotency-Key` made from the order (and,
//! for a refund, the refunded total it reaches), so a retried checkout makes one session and a
//! retried refund gives money back once. The order travels as the session's
//! `client_reference_id` and as `order_id` metadata on the payment, which is how events name it.

use async_trait::async_trait;
use domain::order::PaymentEvent;
use domain::{Lang, Money};
use payments::event::{self, Event};
use payments::provider::{
    CheckoutRequest, CheckoutSession, PaymentProvider, PaymentState, ProviderError, RefundRequest,
    WebhookError,
};
use payments::signature;
use serde::Deserialize;

/// Where Stripe's API is, unless configured otherwise (tests point it at a local server).
pub const API_BASE: &str = "https://api.stripe.com";

/// How Lore reaches Stripe.
#[derive(Clone)]
pub struct StripeConfig {
    /// The API's address, without a trailing slash.
    pub api_base: String,
    /// The secret API key (`sk_live_…` or `sk_test_…`).
    pub secret_key: String,
    /// The webhook endpoint's signing secret (`whsec_…`).
    pub webhook_secret: String,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// The Stripe provider.
#[derive(Debug)]
pub struct Stripe {
    config: StripeConfig,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Session {
    id: String,
    url: Option<String>,
    status: Option<String>,
    payment_status: Option<String>,
    payment_intent: Option<serde_json::Value>,
    currency: Option<String>,
}

#[derive(Deserialize)]
struct StripeError {
    error: StripeErrorBody,
}

#[derive(Deserialize)]
struct StripeErrorBody {
    message: Option<String>,
}

impl Stripe {
    /// A provider speaking to Stripe as `config` says.
    pub fn new(config: StripeConfig) -> Self {
        Self {
            config,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }

    /// Sends a request and reads Stripe's JSON answer: 4xx is a refusal (retrying will not
    /// help), anything else that fails is worth retrying later.
    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ProviderError> {
        let response = request
            .bearer_auth(&self.config.secret_key)
            .header("Stripe-Version", "2024-06-20")
            .send()
            .await
            .map_err(|err| ProviderError::Unavailable(err.to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|err| ProviderError::Unavailable(err.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|err| ProviderError::Unavailable(format!("unreadable answer: {err}")));
        }
        let message = serde_json::from_slice::<StripeError>(&body)
            .ok()
            .and_then(|e| e.error.message)
            .unwrap_or_else(|| status.to_string());
        if status.is_client_error() && status.as_u16() != 429 && status.as_u16() != 409 {
            Err(ProviderError::Refused(message))
        } else {
            Err(ProviderError::Unavailable(message))
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }
}

/// The payment intent's id, whether Stripe sent it as an id or expanded.
fn intent_id(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(id) => Some(id.clone()),
        object => object["id"].as_str().map(str::to_owned),
    }
}

#[async_trait]
impl PaymentProvider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn test_mode(&self) -> bool {
        self.config.secret_key.starts_with("sk_test_")
    }

    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError> {
        let order = request.order.to_string();
        let amount = request.amount.minor().to_string();
        let currency = request.amount.currency().code().to_ascii_lowercase();
        let locale = match request.lang {
            Lang::En => "en",
            Lang::ZhCn => "zh",
        };
        let form = [
            ("mode", "payment"),
            ("success_url", request.success_url.as_str()),
            ("cancel_url", request.cancel_url.as_str()),
            ("client_reference_id", order.as_str()),
            ("locale", locale),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", currency.as_str()),
            ("line_items[0][price_data][unit_amount]", amount.as_str()),
            (
                "line_items[0][price_data][product_data][name]",
                request.title.as_str(),
            ),
            ("metadata[order_id]", order.as_str()),
            ("payment_intent_data[metadata][order_id]", order.as_str()),
        ];
        let session: Session = self
            .send(
                self.http
                    .post(self.url("/v1/checkout/sessions"))
                    .header("Idempotency-Key", format!("lore-checkout-{order}"))
                    .form(&form),
            )
            .await?;
        let pay_url = session
            .url
            .ok_or_else(|| ProviderError::Unavailable("a session without a page".into()))?;
        Ok(CheckoutSession {
            id: session.id,
            pay_url,
        })
    }

    async fn verify_event(
        &self,
        body: &[u8],
        signature: Option<&str>,
        now: i64,
    ) -> Result<Event, WebhookError> {
        signature::verify(
            self.config.webhook_secret.as_bytes(),
            signature.unwrap_or_default(),
            body,
            now,
        )?;
        Ok(event::parse(body)?)
    }

    async fn payment_state(&self, session: &str) -> Result<PaymentState, ProviderError> {
        let found: Session = self
            .send(
                self.http
                    .get(self.url(&format!("/v1/checkout/sessions/{session}")))
                    .query(&[("expand[]", "payment_intent.latest_charge")]),
            )
            .await?;
        let payment = intent_id(found.payment_intent.as_ref());
        let mut events = Vec::new();
        match (found.status.as_deref(), found.payment_status.as_deref()) {
            (_, Some("paid")) => {
                events.push(PaymentEvent::Succeeded);
                let refunded = found
                    .payment_intent
                    .as_ref()
                    .and_then(|intent| intent["latest_charge"]["amount_refunded"].as_i64())
                    .unwrap_or(0);
                if refunded > 0 {
                    let currency = domain::Currency::from_code(
                        &found.currency.unwrap_or_default().to_ascii_uppercase(),
                    )
                    .map_err(|err| ProviderError::Unavailable(err.to_string()))?;
                    let total = Money::price(refunded, currency)
                        .map_err(|err| ProviderError::Unavailable(err.to_string()))?;
                    events.push(PaymentEvent::Refunded { total });
                }
            }
            (Some("expired"), _) => events.push(PaymentEvent::Expired),
            _ => {}
        }
        Ok(PaymentState { payment, events })
    }

    async fn refund(&self, request: &RefundRequest) -> Result<(), ProviderError> {
        let order = request.order.to_string();
        let amount = request.amount.minor().to_string();
        let form = [
            ("payment_intent", request.payment.as_str()),
            ("amount", amount.as_str()),
            ("metadata[order_id]", order.as_str()),
        ];
        let _: serde_json::Value = self
            .send(
                self.http
                    .post(self.url("/v1/refunds"))
                    .header(
                        "Idempotency-Key",
                        format!("lore-refund-{order}-{}", request.total_after.minor()),
                    )
                    .form(&form),
            )
            .await?;
        Ok(())
    }
}
