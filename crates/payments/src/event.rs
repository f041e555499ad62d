//! Provider events in Stripe's JSON shape, which the sandbox sends too: one parser for both.
//!
//! Lore reads only what it needs of an event and ignores the rest, as Stripe advises, so an event
//! type Lore does not act on is parsed as [`Event::event`] `None` and answered 200 (Stripe retries
//! anything else for days). Which order an event concerns comes from the checkout session's
//! `client_reference_id`, or from the `order_id` metadata Lore puts on the payment, since a
//! refund can arrive before the session's completion (SECURITY-TESTS 15).

use domain::order::PaymentEvent;
use domain::{Currency, Money, OrderId};
use serde::Deserialize;

/// What an event says, as far as Lore cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The provider's event id: the inbox keeps one row per id.
    pub id: String,
    /// The event type as sent, for the inbox and the admin list.
    pub kind: String,
    /// The order it concerns, when it names one.
    pub order: Option<OrderId>,
    /// The provider's checkout session, when the event carries it.
    pub session: Option<String>,
    /// The provider's payment (Stripe's payment intent), when the event carries it.
    pub payment: Option<String>,
    /// What happened to the payment; `None` for an event Lore does not act on.
    pub event: Option<PaymentEvent>,
}

/// Why a body is not an event Lore can read.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// Not JSON of an event's shape.
    #[error("not an event: {0}")]
    Shape(#[from] serde_json::Error),
    /// An amount or currency Lore does not handle.
    #[error("unusable amount: {0}")]
    Amount(#[from] domain::MoneyError),
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    object: Object,
}

/// The fields Lore reads of a checkout session, a payment intent or a charge.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Object {
    id: String,
    client_reference_id: Option<String>,
    payment_intent: Option<String>,
    payment_status: Option<String>,
    amount_refunded: Option<i64>,
    currency: Option<String>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    order_id: Option<String>,
}

/// The currency of a Stripe amount: Stripe writes codes in lower case.
pub fn currency_of(code: &str) -> Result<Currency, domain::MoneyError> {
    Currency::from_code(&code.to_ascii_uppercase())
}

/// Reads an event body (already verified: see [`crate::signature`]).
pub fn parse(body: &[u8]) -> Result<Event, EventError> {
    let envelope: Envelope = serde_json::from_slice(body)?;
    let object = envelope.data.object;
    let order = object
        .client_reference_id
        .as_deref()
        .or(object.metadata.as_ref().and_then(|m| m.order_id.as_deref()))
        .and_then(|id| id.parse().ok())
        .map(OrderId::new);
    let (session, payment, event) = match envelope.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            // A completed session with a delayed method is not paid yet; its
            // async_payment_succeeded event follows.
            let paid = object.payment_status.as_deref() == Some("paid");
            (
                Some(object.id),
                object.payment_intent,
                paid.then_some(PaymentEvent::Succeeded),
            )
        }
        "checkout.session.async_payment_failed" => (
            Some(object.id),
            object.payment_intent,
            Some(PaymentEvent::Failed),
        ),
        "checkout.session.expired" => (Some(object.id), None, Some(PaymentEvent::Expired)),
        "payment_intent.payment_failed" => (None, Some(object.id), Some(PaymentEvent::Failed)),
        "charge.refunded" => {
            let currency = currency_of(object.currency.as_deref().unwrap_or_default())?;
            let total = Money::price(object.amount_refunded.unwrap_or(0), currency)?;
            (
                None,
                object.payment_intent,
                Some(PaymentEvent::Refunded { total }),
            )
        }
        _ => (None, None, None),
    };
    Ok(Event {
        id: envelope.id,
        kind: envelope.kind,
        order,
        session,
        payment,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed from the examples in Stripe's API reference (the fields Lore reads kept as sent).
    const COMPLETED: &str = r#"{
      "id": "evt_1QxYz2LkdIwHu7ix0Qb3Z1aB",
      "object": "event",
      "api_version": "2024-06-20",
      "created": 1730000000,
      "type": "checkout.session.completed",
      "data": {"object": {
        "id": "cs_test_a1b2c3",
        "object": "checkout.session",
        "amount_total": 19900,
        "client_reference_id": "42",
        "currency": "cny",
        "mode": "payment",
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "payment_status": "paid",
        "status": "complete"
      }}
    }"#;

    const REFUNDED: &str = r#"{
      "id": "evt_3MtwBwLkdIwHu7ix0snN0B15",
      "object": "event",
      "type": "charge.refunded",
      "data": {"object": {
        "id": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
        "object": "charge",
        "amount": 19900,
        "amount_refunded": 5000,
        "currency": "cny",
        "metadata": {"order_id": "42"},
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "refunded": false
      }}
    }"#;

    #[test]
    fn reads_a_completed_session() {
        let event = parse(COMPLETED.as_bytes()).unwrap();
        assert_eq!(event.id, "evt_1QxYz2LkdIwHu7ix0Qb3Z1aB");
        assert_eq!(event.order, Some(OrderId::new(42)));
        assert_eq!(event.session.as_deref(), Some("cs_test_a1b2c3"));
        assert_eq!(
            event.payment.as_deref(),
            Some("pi_3MtwBwLkdIwHu7ix28a3tqPa")
        );
        assert_eq!(event.event, Some(PaymentEvent::Succeeded));
        let unpaid = COMPLETED.replace("\"paid\"", "\"unpaid\"");
        assert_eq!(parse(unpaid.as_bytes()).unwrap().event, None);
    }

    #[test]
    fn reads_a_refund_as_its_running_total() {
        let event = parse(REFUNDED.as_bytes()).unwrap();
        assert_eq!(event.order, Some(OrderId::new(42)));
        assert_eq!(
            event.event,
            Some(PaymentEvent::Refunded {
                total: Money::price(5_000, Currency::Cny).unwrap()
            })
        );
        let euros = REFUNDED.replace("\"cny\"", "\"eur\"");
        assert!(matches!(
            parse(euros.as_bytes()),
            Err(EventError::Amount(_))
        ));
    }

    #[test]
    fn ignores_what_lore_does_not_act_on_and_refuses_what_is_not_an_event() {
        let other = COMPLETED.replace("checkout.session.completed", "customer.created");
        let event = parse(other.as_bytes()).unwrap();
        assert_eq!(event.event, None);
        assert_eq!(event.kind, "customer.created");
        for bad in ["", "{}", "[1]", r#"{"id":"evt","type":"x"}"#] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
