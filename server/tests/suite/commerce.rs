//! Payments over real HTTP: the sandbox provider delivers its signed events to the running app's
//! webhook, several times at once, and the app grants the course once (SECURITY-TESTS 14); a
//! tampered, stale or unsigned delivery is answered 400 and changes nothing (16).

use crate::support::TestApp;
use domain::notify::Notice;
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

/// The checkout of `slug` by the holder of session `buyer`, with idempotency key `key`, made
/// through the use case; the buyer and where they pay.
async fn checkout_of(
    app: &TestApp,
    buyer: &str,
    slug: &str,
    key: &str,
) -> (domain::Actor, services::commerce::Checkout) {
    let actor = app
        .services
        .authenticate(buyer)
        .await
        .unwrap()
        .unwrap()
        .actor;
    let checkout = app
        .services
        .checkout(&actor, slug, None, key, Lang::En)
        .await
        .unwrap();
    (actor, checkout)
}

#[tokio::test]
async fn the_sandbox_delivers_its_event_three_times_at_once_and_the_course_is_granted_once() {
    for app in TestApp::every_backend().await {
        let slug = on_sale(&app).await;
        let buyer = app.register_as("ada@example.com", Role::Learner).await;
        let (actor, checkout) = checkout_of(&app, &buyer, &slug, "http-checkout-key-1").await;
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

/// The `location` a server function's no-JavaScript answer sends the browser to.
fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A learner's whole purchase through the pages, as a browser without JavaScript makes it: the
/// course page quotes the price (a bad coupon is refused in the reader's language), Buy twice with
/// one key makes one order, only the buyer sees and uses the sandbox page, paying sends them back to
/// an order page that says they own the course (whether or not the event came first), the lesson
/// opens, a refund through a second node locks it on the very next request to the first, and the
/// buyer was told of both.
#[tokio::test]
async fn a_learner_buys_learns_and_refunds_through_the_pages() {
    for app in TestApp::every_backend().await {
        let slug = on_sale(&app).await;
        let buyer = app.register_as("buyer@example.com", Role::Learner).await;
        let stranger = app.register_as("stranger@example.com", Role::Learner).await;
        let course_page = format!("/courses/{slug}");
        let page = app.get_as(&course_page, &buyer, "en").await;
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap().replace("<!>", "");
        assert!(page.contains("Buy for CN¥199.00"), "{page}");
        assert!(page.contains("data-testid=\"test-mode\""), "{page}");
        let bad = app
            .get_as(&format!("{course_page}?coupon=NOPE"), &buyer, "zh-CN")
            .await
            .text()
            .await
            .unwrap()
            .replace("<!>", "");
        assert!(bad.contains("没有这个优惠码"), "{bad}");

        let buy = [
            ("slug", slug.as_str()),
            ("coupon", ""),
            ("key", "page-key-0123456789"),
        ];
        let first = location(&app.call("buy", Some(&buyer), &buy).await);
        let again = location(&app.call("buy", Some(&buyer), &buy).await);
        assert!(first.starts_with("/sandbox/pay/cs_sandbox_"), "{first}");
        assert_eq!(first, again, "one key, one order");
        let session = first.rsplit('/').next().unwrap().to_owned();
        let user = app.user_id(&buyer).await;
        let orders = app.services.store().orders_of(user).await.unwrap();
        assert_eq!(orders.len(), 1);
        let order = orders[0].id;

        // Only the buyer sees the pay page or can choose on it.
        let theirs = app.get_as(&first, &stranger, "en").await;
        assert_eq!(theirs.status(), 404);
        let choose = [("session", session.as_str()), ("choice", "pay")];
        let refused = app.call("sandbox_choose", Some(&stranger), &choose).await;
        assert_eq!(refused.status(), 404);
        let pay_page = app
            .get_as(&first, &buyer, "en")
            .await
            .text()
            .await
            .unwrap()
            .replace("<!>", "");
        assert!(pay_page.contains("Pay CN¥199.00"), "{pay_page}");

        let odd = [("session", session.as_str()), ("choice", "steal")];
        let odd = app.call("sandbox_choose", Some(&buyer), &odd).await;
        assert_eq!(odd.status(), 400, "an unknown choice is a bad request");
        let back = location(&app.call("sandbox_choose", Some(&buyer), &choose).await);
        assert_eq!(back, format!("/orders/{order}?paid=1"));
        let done = app
            .get_as(&back, &buyer, "en")
            .await
            .text()
            .await
            .unwrap()
            .replace("<!>", "");
        assert!(done.contains("You own this course."), "{done}");
        assert!(done.contains("data-testid=\"request-refund\""), "{done}");

        let course = app.services.course(&slug).await.unwrap();
        let only = course.chapters[0].lessons[0].id.to_string();
        let read = [("slug", slug.as_str()), ("lesson", only.as_str())];
        let open = crate::studio::call_ok(&app, "lesson", Some(&buyer), &read).await;
        assert_eq!(open["locked"], false);
        let receipt = app
            .get_as(&format!("/orders/{order}/receipt"), &buyer, "zh-CN")
            .await
            .text()
            .await
            .unwrap()
            .replace("<!>", "");
        assert!(receipt.contains("收据编号") && receipt.contains("buyer@example.com"));

        // The refund goes through a second node; the very next lesson request on the first one
        // is refused (nothing about access is kept per node).
        let second = app.second_node().await;
        let on_second = crate::studio::call_ok(&second, "lesson", Some(&buyer), &read).await;
        assert_eq!(on_second["locked"], false);
        let order_field = order.to_string();
        let refund = second
            .call("refund", Some(&buyer), &[("order", order_field.as_str())])
            .await;
        assert!(refund.status().is_success(), "{}", refund.status());
        second.stop().await;
        let locked = crate::studio::call_ok(&app, "lesson", Some(&buyer), &read).await;
        assert_eq!(locked["locked"], true, "access ends at once");
        let after = app
            .get_as(&format!("/orders/{order}"), &buyer, "en")
            .await
            .text()
            .await
            .unwrap()
            .replace("<!>", "");
        assert!(after.contains("CN¥199.00 was refunded."), "{after}");

        let notices: Vec<_> = app
            .services
            .store()
            .notifications(user, None, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.notice)
            .collect();
        assert!(
            matches!(
                notices.as_slice(),
                [Notice::Refunded { .. }, Notice::Purchased { .. }]
            ),
            "{notices:?}"
        );
        assert_eq!(
            app.services.store().commerce_violations().await.unwrap(),
            Vec::<String>::new()
        );
        app.stop().await;
    }
}

/// The money pages of the people who run Lore, over HTTP: an admin finds an order, refunds part
/// of it with a typed amount (a bad one is a 400 that changes nothing), the author sees their
/// share less the refund, and the admin downloads the period's payout statement.
#[tokio::test]
async fn an_admin_refunds_a_typed_part_and_the_author_and_the_statement_show_it() {
    for app in TestApp::every_backend().await {
        let seller = app.register_as("seller@example.com", Role::Author).await;
        let seller_id = app.user_id(&seller).await;
        app.db().course_on_sale("paid-course", seller_id).await;
        let slug = "paid-course";
        let buyer = app.register_as("ada@example.com", Role::Learner).await;
        let admin = app.register_as("boss@example.com", Role::Admin).await;
        let (actor, checkout) = checkout_of(&app, &buyer, slug, "admin-page-key-01").await;
        let session = checkout.pay_url.rsplit('/').next().unwrap();
        let sandbox = app.services.payments().sandbox.clone().unwrap();
        sandbox
            .choose(session, Outcome::Pay, Delivery::default())
            .await
            .unwrap();
        app.services
            .settle_order(Some(&actor), checkout.order)
            .await
            .unwrap();

        let orders = app.get_as("/admin/orders?q=ada", &admin, "en").await;
        assert_eq!(orders.status(), 200);
        let orders = orders.text().await.unwrap().replace("<!>", "");
        assert!(orders.contains("ada@example.com"), "{orders}");
        let learner_view = app.get_as("/admin/orders", &buyer, "en").await;
        assert_eq!(learner_view.status(), 403);

        let order = checkout.order.to_string();
        for typed in ["lots", "500"] {
            let refused = app
                .call(
                    "admin_refund",
                    Some(&admin),
                    &[("order", order.as_str()), ("amount", typed)],
                )
                .await;
            assert_eq!(refused.status(), 400, "{typed}");
        }
        let by_buyer = app
            .call(
                "admin_refund",
                Some(&buyer),
                &[("order", order.as_str()), ("amount", "50")],
            )
            .await;
        assert_eq!(by_buyer.status(), 403);
        let store = app.services.store();
        assert_eq!(
            store
                .order(checkout.order)
                .await
                .unwrap()
                .unwrap()
                .facts
                .status,
            OrderStatus::Paid
        );
        let refunded = app
            .call(
                "admin_refund",
                Some(&admin),
                &[("order", order.as_str()), ("amount", "50.00")],
            )
            .await;
        assert!(refunded.status().is_success(), "{}", refunded.status());
        let after = store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(after.facts.status, OrderStatus::PartiallyRefunded);
        assert_eq!(after.facts.refunded.minor(), 5_000);

        let earnings = app.get_as("/studio/earnings", &seller, "en").await;
        assert_eq!(earnings.status(), 200);
        let earnings = earnings.text().await.unwrap().replace("<!>", "");
        assert!(earnings.contains("CN¥119.20"), "{earnings}");

        let payouts = app.get_as("/admin/payouts", &admin, "zh-CN").await;
        assert_eq!(payouts.status(), 200);
        let today = &domain::time::format_utc(now_millis())[..10];
        let csv = app
            .get_as(
                &format!("/admin/payouts.csv?from={today}&to={today}"),
                &admin,
                "en",
            )
            .await;
        assert_eq!(csv.status(), 200);
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = csv.text().await.unwrap();
        assert!(
            csv.contains(",Tester,seller@example.com,CNY,159.20,-40.00,119.20,119.20,0.00\r\n"),
            "{csv}"
        );
        let backwards = app
            .get_as(
                &format!("/admin/payouts.csv?from={today}&to=2001-01-01"),
                &admin,
                "en",
            )
            .await;
        assert_eq!(location(&backwards), "/admin/payouts?invalid=1");
        let by_seller = app
            .get_as(
                &format!("/admin/payouts.csv?from={today}&to={today}"),
                &seller,
                "en",
            )
            .await;
        assert_eq!(by_seller.status(), 403);
        assert_eq!(
            store.commerce_violations().await.unwrap(),
            Vec::<String>::new()
        );
        app.stop().await;
    }
}
