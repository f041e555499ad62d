//! The Stripe provider against a local HTTP server that plays Stripe: it checks every request
//! Lore sends (the secret key, the idempotency key, the form fields of a Checkout Session and a
//! Refund) and answers as Stripe's API does, and the test replays real-format Stripe event
//! payloads, signed with the endpoint's secret, through the same use case the webhook calls.

use crate::studio::person;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use domain::order::OrderStatus;
use domain::{Entitlement, Lang, Role};
use services::commerce::ProviderChoice;
use services::stripe::StripeConfig;
use services::{ServiceError, Services};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::now_millis;
use testdb::TestDb;

const SECRET_KEY: &str = "sk_test_51LoreTestKey";
const WEBHOOK_SECRET: &str = "whsec_lore_test_secret";

/// One request Lore sent.
#[derive(Clone, Debug)]
struct Sent {
    path: String,
    idempotency_key: Option<String>,
    form: HashMap<String, String>,
}

/// What the fake Stripe knows: the requests, the sessions it made (by idempotency key, as
/// Stripe replays an answer for a key it has seen), what each session's buyer did, and whether
/// the next refund is declined.
#[derive(Default)]
struct Books {
    sent: Vec<Sent>,
    sessions: HashMap<String, serde_json::Value>,
    paid: HashMap<String, i64>,
    refunded: HashMap<String, i64>,
    decline_refund: bool,
}

type Shared = Arc<Mutex<Books>>;

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(format!("Bearer {SECRET_KEY}").as_str())
}

fn stripe_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({"error": {"type": "invalid_request_error", "message": message}});
    (status, Json(body)).into_response()
}

async fn create_session(
    State(books): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut books = books.lock().unwrap();
    books.sent.push(Sent {
        path: "/v1/checkout/sessions".into(),
        idempotency_key: key.clone(),
        form: form.clone(),
    });
    let key = key.unwrap_or_default();
    let count = books.sessions.len() + 1;
    let session = books
        .sessions
        .entry(key)
        .or_insert_with(|| {
            let id = format!("cs_test_a1{count:04}");
            serde_json::json!({
                "id": id,
                "object": "checkout.session",
                "amount_total": form["line_items[0][price_data][unit_amount]"].parse::<i64>().unwrap(),
                "client_reference_id": form["client_reference_id"],
                "currency": form["line_items[0][price_data][currency]"],
                "livemode": false,
                "metadata": {"order_id": form["metadata[order_id]"]},
                "mode": "payment",
                "payment_intent": null,
                "payment_status": "unpaid",
                "status": "open",
                "success_url": form["success_url"],
                "cancel_url": form["cancel_url"],
                "url": format!("https://checkout.stripe.com/c/pay/{id}"),
            })
        })
        .clone();
    Json(session).into_response()
}

async fn get_session(
    State(books): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let books = books.lock().unwrap();
    let Some(mut session) = books.sessions.values().find(|s| s["id"] == id).cloned() else {
        return stripe_error(StatusCode::NOT_FOUND, "No such checkout.session");
    };
    if let Some(amount) = books.paid.get(&id) {
        let intent = format!("pi_3Lore{}", &id[id.len() - 4..]);
        session["status"] = "complete".into();
        session["payment_status"] = "paid".into();
        session["payment_intent"] = serde_json::json!({
            "id": intent,
            "object": "payment_intent",
            "amount": amount,
            "latest_charge": {
                "id": format!("ch_3Lore{}", &id[id.len() - 4..]),
                "object": "charge",
                "amount": amount,
                "amount_refunded": books.refunded.get(&intent).copied().unwrap_or(0),
            },
        });
    }
    Json(session).into_response()
}

async fn create_refund(
    State(books): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let mut books = books.lock().unwrap();
    books.sent.push(Sent {
        path: "/v1/refunds".into(),
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        form: form.clone(),
    });
    if books.decline_refund {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "Charge ch_3Lore has already been refunded.",
        );
    }
    let amount: i64 = form["amount"].parse().unwrap();
    *books
        .refunded
        .entry(form["payment_intent"].clone())
        .or_default() += amount;
    Json(serde_json::json!({
        "id": "re_3LoreRefund",
        "object": "refund",
        "amount": amount,
        "payment_intent": form["payment_intent"],
        "status": "succeeded",
    }))
    .into_response()
}

/// Starts the fake Stripe; its address and books.
async fn fake_stripe() -> (String, Shared) {
    let books = Shared::default();
    let app = Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}", get(get_session))
        .route("/v1/refunds", post(create_refund))
        .with_state(books.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, books)
}

/// Stripe's `checkout.session.completed`, as Stripe sends it (API version 2024-06-20).
fn session_completed(session: &str, order: &str, intent: &str, amount: i64) -> String {
    serde_json::json!({
        "id": format!("evt_1Lore{session}"),
        "object": "event",
        "api_version": "2024-06-20",
        "created": now_millis() / 1000,
        "data": {"object": {
            "id": session,
            "object": "checkout.session",
            "after_expiration": null,
            "allow_promotion_codes": null,
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {"enabled": false, "liability": null, "status": null},
            "billing_address_collection": null,
            "cancel_url": format!("http://lore.test/orders/{order}?cancelled=1"),
            "client_reference_id": order,
            "created": now_millis() / 1000 - 60,
            "currency": "cny",
            "customer": null,
            "customer_creation": "if_required",
            "customer_details": {"address": null, "email": "ada@example.com", "name": "Ada", "phone": null, "tax_exempt": "none", "tax_ids": []},
            "customer_email": null,
            "expires_at": now_millis() / 1000 + 86_340,
            "livemode": false,
            "locale": "en",
            "metadata": {"order_id": order},
            "mode": "payment",
            "payment_intent": intent,
            "payment_method_types": ["card"],
            "payment_status": "paid",
            "status": "complete",
            "success_url": format!("http://lore.test/orders/{order}?paid=1"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": null,
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": "checkout.session.completed",
    })
    .to_string()
}

/// Stripe's `charge.refunded`, as Stripe sends it.
fn charge_refunded(order: &str, intent: &str, amount: i64, refunded: i64) -> String {
    serde_json::json!({
        "id": format!("evt_3LoreRefunded{refunded}"),
        "object": "event",
        "api_version": "2024-06-20",
        "created": now_millis() / 1000,
        "data": {"object": {
            "id": "ch_3LoreCharge",
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": refunded,
            "captured": true,
            "currency": "cny",
            "livemode": false,
            "metadata": {"order_id": order},
            "paid": true,
            "payment_intent": intent,
            "refunded": refunded == amount,
            "status": "succeeded",
        }},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_LoreRefund", "idempotency_key": format!("lore-refund-{order}-{refunded}")},
        "type": "charge.refunded",
    })
    .to_string()
}

fn signed(body: &str) -> String {
    payments::signature::sign(
        WEBHOOK_SECRET.as_bytes(),
        now_millis() / 1000,
        body.as_bytes(),
    )
}

#[tokio::test]
async fn checkout_webhook_refund_and_settling_speak_stripes_api() {
    for db in TestDb::every_backend().await {
        let (api_base, books) = fake_stripe().await;
        let services = Services::new(
            db.store.clone(),
            media::MediaStore::in_memory(),
            "http://lore.test",
        )
        .with_payments(
            ProviderChoice::Stripe(StripeConfig {
                api_base,
                secret_key: SECRET_KEY.into(),
                webhook_secret: WEBHOOK_SECRET.into(),
            }),
            services::commerce::DEFAULT_PLATFORM_SHARE,
        );
        assert_eq!(services.payments().provider.name(), "stripe");
        assert!(services.payments().provider.test_mode());
        assert!(services.payments().sandbox.is_none());
        let author = person(&db, &services, "seller@example.com", Role::Author).await;
        db.course_on_sale("paid-course", author.actor.id).await;
        let ada = person(&db, &services, "ada@example.com", Role::Learner).await;

        // Checkout: one Checkout Session, asked for once however often the buyer retries.
        let checkout = services
            .checkout(
                &ada.actor,
                "paid-course",
                None,
                "stripe-key-00000001",
                Lang::ZhCn,
            )
            .await
            .unwrap();
        let again = services
            .checkout(
                &ada.actor,
                "paid-course",
                None,
                "stripe-key-00000001",
                Lang::ZhCn,
            )
            .await
            .unwrap();
        assert_eq!(checkout, again);
        assert!(
            checkout
                .pay_url
                .starts_with("https://checkout.stripe.com/c/pay/cs_test_")
        );
        let order = checkout.order.to_string();
        {
            let books = books.lock().unwrap();
            assert_eq!(books.sent.len(), 1, "{:?}", books.sent);
            let sent = &books.sent[0];
            assert_eq!(
                sent.idempotency_key.as_deref(),
                Some(format!("lore-checkout-{order}").as_str())
            );
            for (field, value) in [
                ("mode", "payment"),
                ("client_reference_id", order.as_str()),
                ("metadata[order_id]", order.as_str()),
                ("payment_intent_data[metadata][order_id]", order.as_str()),
                ("line_items[0][price_data][currency]", "cny"),
                ("line_items[0][price_data][unit_amount]", "19900"),
                (
                    "line_items[0][price_data][product_data][name]",
                    "Course paid-course",
                ),
                ("line_items[0][quantity]", "1"),
                ("locale", "zh"),
            ] {
                assert_eq!(
                    sent.form.get(field).map(String::as_str),
                    Some(value),
                    "{field}"
                );
            }
            assert_eq!(
                sent.form["success_url"],
                format!("http://lore.test/orders/{order}?paid=1")
            );
        }
        let session = db
            .store
            .order(checkout.order)
            .await
            .unwrap()
            .unwrap()
            .provider_session
            .unwrap();

        // The real-format event pays the order; a forged one is refused.
        let intent = "pi_3LoreIntent0001";
        let completed = session_completed(&session, &order, intent, 19_900);
        let forged =
            payments::signature::sign(b"whsec_not_ours", now_millis() / 1000, completed.as_bytes());
        let refused = services
            .receive_payment_event(completed.as_bytes(), Some(&forged))
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Webhook(_))),
            "{refused:?}"
        );
        services
            .receive_payment_event(completed.as_bytes(), Some(&signed(&completed)))
            .await
            .unwrap();
        let paid = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(paid.facts.status, OrderStatus::Paid);
        assert_eq!(paid.provider_payment.as_deref(), Some(intent));
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, paid.course)
                .await
                .unwrap(),
            Entitlement::Active
        );

        // A refund Stripe declines changes nothing; one it makes is booked, and Stripe's own
        // `charge.refunded` afterwards changes nothing more.
        books.lock().unwrap().decline_refund = true;
        let declined = services.request_refund(&ada.actor, checkout.order).await;
        assert!(
            matches!(declined, Err(ServiceError::Payment(_))),
            "{declined:?}"
        );
        assert_eq!(
            db.store
                .order(checkout.order)
                .await
                .unwrap()
                .unwrap()
                .facts
                .status,
            OrderStatus::Paid
        );
        books.lock().unwrap().decline_refund = false;
        let refunded = services
            .request_refund(&ada.actor, checkout.order)
            .await
            .unwrap();
        assert_eq!(refunded.facts.status, OrderStatus::Refunded);
        {
            let books = books.lock().unwrap();
            let sent = books.sent.last().unwrap();
            assert_eq!(sent.path, "/v1/refunds");
            assert_eq!(sent.form["payment_intent"], intent);
            assert_eq!(sent.form["amount"], "19900");
            assert_eq!(
                sent.idempotency_key.as_deref(),
                Some(format!("lore-refund-{order}-19900").as_str())
            );
        }
        let echo = charge_refunded(&order, intent, 19_900, 19_900);
        services
            .receive_payment_event(echo.as_bytes(), Some(&signed(&echo)))
            .await
            .unwrap();
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, refunded.course)
                .await
                .unwrap(),
            Entitlement::Refunded,
            "access ended with the refund"
        );

        // No event at all: the buyer's return asks Stripe, which says paid.
        let bob = person(&db, &services, "bob@example.com", Role::Learner).await;
        let second = services
            .checkout(
                &bob.actor,
                "paid-course",
                None,
                "stripe-key-00000002",
                Lang::En,
            )
            .await
            .unwrap();
        let session = db
            .store
            .order(second.order)
            .await
            .unwrap()
            .unwrap()
            .provider_session
            .unwrap();
        books.lock().unwrap().paid.insert(session, 19_900);
        let settled = services
            .settle_order(Some(&bob.actor), second.order)
            .await
            .unwrap();
        assert_eq!(settled.facts.status, OrderStatus::Paid);
        assert!(settled.provider_payment.unwrap().starts_with("pi_3Lore"));

        let broken = db.store.commerce_violations().await.unwrap();
        assert!(broken.is_empty(), "{:?}: {broken:?}", db.backend());
        db.cleanup().await;
    }
}
