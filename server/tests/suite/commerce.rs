//! Payments over real HTTP: the sandbox provider delivers its signed events to the running app's
//! webhook, several times at once, and the app grants the course once (SECURITY-TESTS 14); a
//! tampered, stale or unsigned delivery is answered 400 and changes nothing (16).

use crate::support::TestApp;
use domain::order::OrderStatus;
use domain::{Entitlement, Lang, Role};
use services::sandbox::{Delivery, Outcome};
use std::time::Duration;
use store::now_millis;

/// A published course priced ¥199.00; its slug.
async fn on_sale(app: &TestApp) -> String {
    let author = app.register_as("seller@example.com", Role::Author).await;
    let author = app.user_id(&author).await;
    app.db().course_on_sale("paid-course", author).await;
    "paid-course".into()
}

#[tokio::test]
async fn the_sandbox_delivers_its_event_three_times_at_once_and_the_course_is_granted_once() {
    for app in TestApp::every_backend().await {
        let slug = on_sale(&app).await;
        let buyer = app.register_as("ada@example.com", Role::Learner).await;
        let actor = app
            .services
            .authenticate(&buyer)
            .await
            .unwrap()
            .unwrap()
            .actor;
        let checkout = app
            .services
            .checkout(&actor, &slug, None, "http-checkout-key-1", Lang::En)
            .await
            .unwrap();
        let session = checkout.pay_url.rsplit('/').next().unwrap().to_owned();
        let sandbox = app
            .services
            .payments()
            .sandbox
            .clone()
            .expect("the sandbox");
        let delivery = Delivery {
            delay: Duration::ZERO,
            copies: 3,
        };
        sandbox
            .choose(&session, Outcome::Pay, delivery)
            .await
            .unwrap();
        let store = app.services.store();
        let mut paid = None;
        for _ in 0..100 {
            let order = store.order(checkout.order).await.unwrap().unwrap();
            if order.facts.status == OrderStatus::Paid {
                paid = Some(order);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let order = paid.unwrap_or_else(|| panic!("{:?}: the event never arrived", app.backend()));
        assert_eq!(
            store.entitlement(actor.id, order.course).await.unwrap(),
            Entitlement::Active
        );
        // Give the other two copies time to land, then check nothing was doubled.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            store.commerce_violations().await.unwrap(),
            Vec::<String>::new()
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_tampered_stale_or_unsigned_delivery_is_refused_and_changes_nothing() {
    let app = TestApp::sqlite().await;
    let secret = app
        .services
        .store()
        .platform_key("sandbox_webhook_secret", "unused")
        .await
        .unwrap();
    let body = r#"{"id":"evt_1","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_sandbox_1","client_reference_id":"1","payment_status":"paid"}}}"#;
    let now = now_millis() / 1000;
    let good = payments::signature::sign(secret.as_bytes(), now, body.as_bytes());
    let stale = payments::signature::sign(secret.as_bytes(), now - 301, body.as_bytes());
    let before = app.db().snapshot().await;
    for (body, header) in [
        (body.replace("paid", "unpaid"), Some(good.as_str())),
        (body.to_owned(), Some(stale.as_str())),
        (body.to_owned(), None),
    ] {
        let mut request = app
            .client
            .post(format!("{}/webhooks/sandbox", app.base))
            .body(body);
        if let Some(header) = header {
            request = request.header(payments::signature::HEADER, header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 400);
    }
    assert_eq!(app.db().snapshot().await, before);
    // A well-signed event for an order that does not exist is filed (and kept for an admin).
    let response = app
        .client
        .post(format!("{}/webhooks/sandbox", app.base))
        .header(payments::signature::HEADER, good)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let unknown = app
        .client
        .post(format!("{}/webhooks/stripe", app.base))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    app.stop().await;
}
