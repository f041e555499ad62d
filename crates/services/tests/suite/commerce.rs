//! Checkout and payment events on both backends, through the use cases: idempotent checkout
//! under concurrent retries (SECURITY-TESTS 12, 13), signed events delivered twice at once (14),
//! out of order (15) or tampered with (16), and settling from the provider when no event came.
//! Every test ends with the store's invariant check.

use crate::studio::person;
use domain::order::{CheckoutProblem, OrderStatus, PurchaseError, RefundRefusal};
use domain::{Entitlement, Lang, Money, Role};
use payments::signature;
use services::commerce::Checkout;
use services::sandbox::{Delivery, Outcome, Sandbox};
use services::{CurrentSession, ServiceError, Services};
use store::now_millis;
use testdb::TestDb;

fn services(db: &TestDb) -> Services {
    // Nothing listens here: events are handed to the use case directly, as the webhook does.
    Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://127.0.0.1:9",
    )
}

/// A published course priced ¥199.00 by a new author; its slug.
async fn on_sale(db: &TestDb, services: &Services) -> String {
    let author = person(db, services, "seller@example.com", Role::Author).await;
    db.course_on_sale("paid-course", author.actor.id).await;
    "paid-course".into()
}

/// A course on sale, a learner, and the learner's checkout of it.
async fn checked_out(db: &TestDb, services: &Services) -> (String, CurrentSession, Checkout) {
    let slug = on_sale(db, services).await;
    let ada = person(db, services, "ada@example.com", Role::Learner).await;
    let checkout = services
        .checkout(&ada.actor, &slug, None, KEY, Lang::En)
        .await
        .unwrap();
    (slug, ada, checkout)
}

async fn assert_books_clean(db: &TestDb) {
    let broken = db.store.commerce_violations().await.unwrap();
    assert!(broken.is_empty(), "{:?}: {broken:?}", db.backend());
}

/// The sandbox's own signing of `body`, as its delivery would send it.
async fn signed(db: &TestDb, body: &str) -> String {
    let secret = db
        .store
        .platform_key("sandbox_webhook_secret", "unused")
        .await
        .unwrap();
    signature::sign(secret.as_bytes(), now_millis() / 1000, body.as_bytes())
}

fn event(id: &str, kind: &str, order: i64, object: serde_json::Value) -> String {
    let mut object = object;
    object["client_reference_id"] = order.to_string().into();
    serde_json::json!({"id": id, "object": "event", "type": kind, "data": {"object": object}})
        .to_string()
}

fn completed(order: i64) -> String {
    event(
        &format!("evt_done_{order}"),
        "checkout.session.completed",
        order,
        serde_json::json!({"id": format!("cs_sandbox_{order}"), "payment_intent": "pi_1",
                           "payment_status": "paid", "currency": "cny"}),
    )
}

fn refunded(order: i64, total: i64) -> String {
    event(
        &format!("evt_refund_{order}_{total}"),
        "charge.refunded",
        order,
        serde_json::json!({"id": "ch_1", "payment_intent": "pi_1", "amount_refunded": total,
                           "currency": "cny"}),
    )
}

const KEY: &str = "checkout-key-0001";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_retries_make_one_order_and_other_keys_find_it() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let slug = on_sale(&db, &services).await;
        let ada = person(&db, &services, "ada@example.com", Role::Learner).await;
        let mut tries = tokio::task::JoinSet::new();
        for n in 0..20 {
            let (services, slug, actor) = (services.clone(), slug.clone(), ada.actor);
            // Half retry one key; half come from other tabs with keys of their own.
            let key = if n % 2 == 0 {
                KEY.to_owned()
            } else {
                format!("other-tab-key-{n:04}")
            };
            tries
                .spawn(async move { services.checkout(&actor, &slug, None, &key, Lang::En).await });
        }
        let answers: Vec<_> = tries
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        let orders = db.store.orders_of(ada.actor.id).await.unwrap();
        assert_eq!(orders.len(), 1, "{:?}", db.backend());
        assert_eq!(orders[0].facts.status, OrderStatus::Pending);
        assert!(
            answers[0]
                .pay_url
                .ends_with(&format!("/sandbox/pay/cs_sandbox_{}", orders[0].id)),
            "{answers:?}"
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_event_delivered_twice_at_once_grants_once_and_a_tampered_one_changes_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (slug, ada, checkout) = checked_out(&db, &services).await;
        let body = completed(checkout.order.get());
        let header = signed(&db, &body).await;

        // Tampered, stale or unsigned: refused, and nothing is written.
        let before = db.snapshot().await;
        let changed = body.replace("\"paid\"", "\"paiD\"");
        let stale = signature::sign(b"x", 1, body.as_bytes());
        for (body, header) in [
            (changed.as_str(), Some(header.as_str())),
            (body.as_str(), Some(stale.as_str())),
            (body.as_str(), None),
        ] {
            let refused = services
                .receive_payment_event(body.as_bytes(), header)
                .await;
            assert!(
                matches!(refused, Err(ServiceError::Webhook(_))),
                "{refused:?}"
            );
        }
        assert_eq!(db.snapshot().await, before);

        let (a, b) = tokio::join!(
            services.receive_payment_event(body.as_bytes(), Some(&header)),
            services.receive_payment_event(body.as_bytes(), Some(&header)),
        );
        a.unwrap();
        b.unwrap();
        let order = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid, "{:?}", db.backend());
        let course = order.course;
        assert_eq!(
            db.store.entitlement(ada.actor.id, course).await.unwrap(),
            Entitlement::Active
        );
        assert_books_clean(&db).await;

        // Owning it now, the buyer cannot begin another purchase.
        let again = services
            .checkout(&ada.actor, &slug, None, "a-new-key-0000001", Lang::En)
            .await;
        assert!(
            matches!(
                again,
                Err(ServiceError::Checkout(CheckoutProblem::Purchase(
                    PurchaseError::AlreadyOwned
                )))
            ),
            "{again:?}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_refund_that_arrives_before_its_payment_leaves_no_access() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (_, ada, checkout) = checked_out(&db, &services).await;
        let id = checkout.order.get();
        for body in [refunded(id, 19_900), completed(id), refunded(id, 19_900)] {
            let header = signed(&db, &body).await;
            services
                .receive_payment_event(body.as_bytes(), Some(&header))
                .await
                .unwrap();
        }
        let order = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Refunded);
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, order.course)
                .await
                .unwrap(),
            Entitlement::None
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn returning_from_the_pay_page_settles_the_order_without_any_event() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (_, ada, checkout) = checked_out(&db, &services).await;
        let sandbox = Sandbox::new(db.store.clone(), "http://127.0.0.1:9");
        let session = checkout.pay_url.rsplit('/').next().unwrap().to_owned();
        let next = sandbox
            .choose(&session, Outcome::Pay, Delivery::default())
            .await
            .unwrap();
        assert!(
            next.ends_with(&format!("/orders/{}?paid=1", checkout.order)),
            "{next}"
        );
        // The event cannot be delivered (nothing listens); the return asks the provider.
        let bob = person(&db, &services, "bob@example.com", Role::Learner).await;
        let nosy = services
            .settle_order(Some(&bob.actor), checkout.order)
            .await;
        assert!(matches!(nosy, Err(ServiceError::NotFound)), "{nosy:?}");
        let order = services
            .settle_order(Some(&ada.actor), checkout.order)
            .await
            .unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid);
        assert_eq!(order.provider_payment.as_deref(), Some("pi_sandbox_1"));
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, order.course)
                .await
                .unwrap(),
            Entitlement::Active
        );
        // Choosing again on a finished session changes nothing.
        sandbox
            .choose(&session, Outcome::Fail, Delivery::default())
            .await
            .unwrap();
        let again = services.settle_order(None, checkout.order).await.unwrap();
        assert_eq!(again, order);
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

/// Ten minutes and a second from now: past the reconciler's wait, and past a sandbox session's.
fn later() -> i64 {
    now_millis() + services::commerce::PENDING_MS + 1_000
}

#[tokio::test]
async fn two_nodes_reconciling_at_once_grant_a_payment_whose_event_was_lost_exactly_once() {
    for db in TestDb::every_backend().await {
        let (one, two) = (services(&db), services(&db));
        let (_, ada, checkout) = checked_out(&db, &one).await;
        // Paid at the provider, but the event is never delivered (nothing listens) and the
        // buyer never comes back (SECURITY-TESTS 17: the failure between capture and commit).
        pay_at_sandbox(&db, &checkout).await;
        // Not yet due: nothing happens.
        assert_eq!(one.reconcile_once(now_millis()).await.unwrap(), (0, 0));
        let (a, b) = tokio::join!(one.reconcile_once(later()), two.reconcile_once(later()));
        a.unwrap();
        b.unwrap();
        let order = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid, "{:?}", db.backend());
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, order.course)
                .await
                .unwrap(),
            Entitlement::Active
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

/// Delivers the payment event of order 1 before order 1 exists: filed, failed, kept for later.
async fn early_event(db: &TestDb, services: &Services) {
    let early = completed(1);
    let header = signed(db, &early).await;
    services
        .receive_payment_event(early.as_bytes(), Some(&header))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_abandoned_checkout_expires_and_an_early_event_applies_once_its_order_exists() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        early_event(&db, &services).await;
        let (_, _, checkout) = checked_out(&db, &services).await;
        assert_eq!(checkout.order.get(), 1);
        assert_eq!(
            db.store
                .order(checkout.order)
                .await
                .unwrap()
                .unwrap()
                .facts
                .status,
            OrderStatus::Pending
        );
        // A minute later the event is due again and applies; the order is paid, not expired.
        services
            .reconcile_once(now_millis() + 61_000)
            .await
            .unwrap();
        let order = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid, "{:?}", db.backend());
        assert_eq!(services.reconcile_once(later()).await.unwrap(), (0, 0));

        // Another learner abandons a checkout: ten minutes on, it expires at the provider too.
        let bob = person(&db, &services, "bob@example.com", Role::Learner).await;
        let left = services
            .checkout(
                &bob.actor,
                &order.course_slug,
                None,
                "bobs-key-00000001",
                Lang::En,
            )
            .await
            .unwrap();
        db.execute("UPDATE sandbox_payments SET created_at = created_at - 3600000")
            .await;
        services.reconcile_once(later()).await.unwrap();
        let expired = db.store.order(left.order).await.unwrap().unwrap();
        assert_eq!(expired.facts.status, OrderStatus::Expired);
        assert_eq!(
            db.store
                .entitlement(bob.actor.id, expired.course)
                .await
                .unwrap(),
            Entitlement::None
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

/// Pays `checkout` on the sandbox's page; its event goes nowhere (nothing listens). Returns
/// where the buyer is sent next.
async fn pay_at_sandbox(db: &TestDb, checkout: &Checkout) -> String {
    let sandbox = Sandbox::new(db.store.clone(), "http://127.0.0.1:9");
    let session = checkout.pay_url.rsplit('/').next().unwrap();
    sandbox
        .choose(session, Outcome::Pay, Delivery::default())
        .await
        .unwrap()
}

/// A checked-out order paid on the sandbox's page and settled on the buyer's return.
async fn paid(db: &TestDb, services: &Services) -> (CurrentSession, Checkout) {
    let (_, ada, checkout) = checked_out(db, services).await;
    pay_at_sandbox(db, &checkout).await;
    services
        .settle_order(Some(&ada.actor), checkout.order)
        .await
        .unwrap();
    (ada, checkout)
}

fn refusal(result: Result<store::OrderRecord, ServiceError>) -> RefundRefusal {
    match result {
        Err(ServiceError::Checkout(CheckoutProblem::Refund(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refund_ends_access_at_once_and_a_second_one_finds_nothing_left() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (ada, checkout) = paid(&db, &services).await;
        let order = services
            .request_refund(&ada.actor, checkout.order)
            .await
            .unwrap();
        assert_eq!(
            order.facts.status,
            OrderStatus::Refunded,
            "{:?}",
            db.backend()
        );
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, order.course)
                .await
                .unwrap(),
            Entitlement::Refunded
        );
        let sandbox = db
            .store
            .sandbox_payment(&format!("cs_sandbox_{}", order.id))
            .await;
        assert_eq!(sandbox.unwrap().unwrap().refunded_minor, 19_900);
        assert_eq!(
            refusal(services.request_refund(&ada.actor, checkout.order).await),
            RefundRefusal::NothingToRefund
        );
        // The provider's own event for it, replayed, changes nothing.
        let body = refunded(order.id.get(), 19_900);
        let header = signed(&db, &body).await;
        services
            .receive_payment_event(body.as_bytes(), Some(&header))
            .await
            .unwrap();
        assert_eq!(db.store.order(order.id).await.unwrap().unwrap(), order);
        // Nobody else can ask for it.
        let bob = person(&db, &services, "bob@example.com", Role::Learner).await;
        let nosy = services.request_refund(&bob.actor, checkout.order).await;
        assert!(matches!(nosy, Err(ServiceError::NotFound)), "{nosy:?}");
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn refunds_follow_the_window_and_the_completion_limit_and_admins_refund_in_parts() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (ada, checkout) = paid(&db, &services).await;
        // The only lesson done: 100 % completed, over the 30 % limit.
        db.execute(
            "INSERT INTO lesson_progress (user_id, lesson_id, course_id, done, done_at) \
             SELECT o.user_id, l.id, l.course_id, TRUE, 1 FROM orders o \
             JOIN lessons l ON l.course_id = o.course_id",
        )
        .await;
        assert_eq!(
            refusal(services.request_refund(&ada.actor, checkout.order).await),
            RefundRefusal::TooMuchCompleted
        );
        db.execute("DELETE FROM lesson_progress").await;
        // Eight days after paying, a 7-day window is closed.
        db.execute("UPDATE orders SET paid_at = paid_at - 8 * 86400000")
            .await;
        assert_eq!(
            refusal(services.request_refund(&ada.actor, checkout.order).await),
            RefundRefusal::WindowClosed
        );
        // An admin refunds any part at any time; a part keeps access.
        let part = Money::price(5_000, domain::Currency::Cny).unwrap();
        let refused = services
            .refund_as_admin(&ada.actor, checkout.order, part)
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );
        let admin = person(&db, &services, "admin@example.com", Role::Admin).await;
        let order = services
            .refund_as_admin(&admin.actor, checkout.order, part)
            .await
            .unwrap();
        assert_eq!(order.facts.status, OrderStatus::PartiallyRefunded);
        assert_eq!(
            db.store
                .entitlement(ada.actor.id, order.course)
                .await
                .unwrap(),
            Entitlement::Active
        );
        let too_much = Money::price(14_901, domain::Currency::Cny).unwrap();
        assert_eq!(
            refusal(
                services
                    .refund_as_admin(&admin.actor, checkout.order, too_much)
                    .await
            ),
            RefundRefusal::BadAmount
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_admin_sees_a_failed_event_and_applies_it_again_once_its_order_exists() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        early_event(&db, &services).await;
        let (_, ada, checkout) = checked_out(&db, &services).await;
        let admin = person(&db, &services, "admin@example.com", Role::Admin).await;
        let page = services.admin_orders(&admin.actor, "").await.unwrap();
        assert_eq!(page.failed_events.len(), 1, "{:?}", db.backend());
        let failed = &page.failed_events[0];
        assert_eq!(failed.event_id, "evt_done_1");
        // Filed before its order existed, it names none.
        assert_eq!(failed.order, None);
        assert_eq!(page.orders.len(), 1);
        assert_eq!(page.orders[0].buyer_email, "ada@example.com");
        assert!(
            services
                .admin_orders(&admin.actor, "nobody-like-this")
                .await
                .unwrap()
                .orders
                .is_empty()
        );
        // Nobody but an admin reads every order or retries an event.
        for actor in [ada.actor, checkout_author(&db).await] {
            let list = services.admin_orders(&actor, "").await;
            assert!(matches!(list, Err(ServiceError::Forbidden)), "{list:?}");
            let retry = services.retry_event_now(&actor, failed.id).await;
            assert!(matches!(retry, Err(ServiceError::Forbidden)), "{retry:?}");
        }
        let unknown = services.retry_event_now(&admin.actor, 999_999).await;
        assert!(
            matches!(unknown, Err(ServiceError::NotFound)),
            "{unknown:?}"
        );

        services
            .retry_event_now(&admin.actor, failed.id)
            .await
            .unwrap();
        let order = db.store.order(checkout.order).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid, "{:?}", db.backend());
        let page = services.admin_orders(&admin.actor, "ada@").await.unwrap();
        assert!(page.failed_events.is_empty(), "{:?}", page.failed_events);
        assert_eq!(page.orders[0].status, OrderStatus::Paid);
        // Applied, it is gone from the list: retrying it again finds nothing.
        let again = services.retry_event_now(&admin.actor, failed.id).await;
        assert!(matches!(again, Err(ServiceError::NotFound)), "{again:?}");
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

/// The seller of the course [`on_sale`] puts on sale, as the studio knows them.
async fn checkout_author(db: &TestDb) -> domain::Actor {
    let email = domain::Email::parse("seller@example.com").unwrap();
    let id = db.store.credentials(&email).await.unwrap().unwrap().id;
    domain::Actor {
        id,
        role: Role::Author,
    }
}

#[tokio::test]
async fn an_authors_earnings_and_the_payout_statement_count_their_share_less_refunds() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let (ada, checkout) = paid(&db, &services).await;
        let admin = person(&db, &services, "admin@example.com", Role::Admin).await;
        // An admin types the amount to give back, in the order's currency.
        for typed in ["fifty", "-5", "1.005"] {
            let refused = services
                .refund_typed(&admin.actor, checkout.order, typed)
                .await;
            assert!(
                matches!(refused, Err(ServiceError::Invalid("amount"))),
                "{typed:?}: {refused:?}"
            );
        }
        for typed in ["", "0", "199.01"] {
            assert_eq!(
                refusal(
                    services
                        .refund_typed(&admin.actor, checkout.order, typed)
                        .await
                ),
                RefundRefusal::BadAmount,
                "{typed:?}"
            );
        }
        let refused = services
            .refund_typed(&ada.actor, checkout.order, "50")
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );
        let order = services
            .refund_typed(&admin.actor, checkout.order, "50")
            .await
            .unwrap();
        assert_eq!(order.facts.status, OrderStatus::PartiallyRefunded);
        assert_eq!(order.facts.refunded.minor(), 5_000);

        // The author's share: 80 % of ¥199.00 sold, 80 % of ¥50.00 taken back, all still
        // pending inside the 7-day window; today's bar on the chart shows the net.
        let seller = checkout_author(&db).await;
        let earnings = services.earnings(&seller).await.unwrap();
        assert_eq!(earnings.balances.len(), 1, "{:?}", db.backend());
        let balance = earnings.balances[0];
        assert_eq!(
            (
                balance.sales.minor(),
                balance.refunds.minor(),
                balance.pending.minor(),
                balance.available.minor()
            ),
            (15_920, -4_000, 11_920, 0),
            "{:?}",
            db.backend()
        );
        let (_, chart) = &earnings.charts[0];
        assert_eq!(chart.len(), 90);
        assert_eq!(chart.last().unwrap().net.minor(), 11_920);
        assert!(chart[..89].iter().all(|day| day.net.minor() == 0));
        let refused = services.earnings(&ada.actor).await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );

        // The statement for today: one line for the seller, in exact decimals.
        let today = &domain::time::format_utc(now_millis())[..10];
        let csv = services
            .payouts_csv(&admin.actor, today, today)
            .await
            .unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "author_id,name,email,currency,sales,refunds,net,pending,available"
        );
        assert_eq!(
            lines[1],
            format!(
                "{},Person,seller@example.com,CNY,159.20,-40.00,119.20,119.20,0.00",
                seller.id
            )
        );
        assert_eq!(lines[2..], [""], "{csv}");
        // A period with no sales has the header alone; a bad one is refused, as is an author.
        let empty = services
            .payouts_csv(&admin.actor, "2001-01-01", "2001-12-31")
            .await
            .unwrap();
        assert_eq!(empty.lines().count(), 1, "{empty}");
        for (from, to) in [(today, "2001-01-01"), ("2026-02-30", today), ("", "")] {
            let bad = services.payouts_csv(&admin.actor, from, to).await;
            assert!(
                matches!(bad, Err(ServiceError::Invalid("date"))),
                "{from}..{to}: {bad:?}"
            );
        }
        let refused = services.payouts_csv(&seller, today, today).await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}
