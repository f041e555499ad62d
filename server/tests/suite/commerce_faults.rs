//! Commerce under load and faults, over real HTTP: 200 checkouts at once with their payment
//! events flooding in (SECURITY-TESTS 24), a failure injected while a payment is booked (17), and
//! the server process killed with SIGKILL in the middle of a checkout loop (25).

use crate::support::{TestApp, free_port};
use domain::order::OrderStatus;
use domain::{Entitlement, Role};
use std::time::Duration;
use store::{NewSession, NewUser, Store, now_millis};
use testdb::TestDb;

/// `count` learners with a session each, made straight in the store (200 Argon2id sign-ups are
/// not what is tested); their session tokens.
async fn learners(store: &Store, count: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut tx = store.begin().await.unwrap();
    for i in 0..count {
        let user = tx
            .create_user(&NewUser {
                email: domain::Email::parse(&format!("flood{i}@example.com")).unwrap(),
                display_name: format!("Learner {i}"),
                role: Role::Learner,
                password_hash: None,
            })
            .await
            .unwrap();
        let token = services::new_token();
        tx.create_session(&NewSession {
            token_hash: &services::token_hash(&token),
            user,
            now: now_millis(),
            user_agent: "test",
            ip: "127.0.0.1",
        })
        .await
        .unwrap();
        tokens.push(token);
    }
    tx.commit().await.unwrap();
    tokens
}

/// An author and their course on sale, made straight in the store; its slug.
async fn on_sale(db: &TestDb) -> String {
    let author = testdb::write_alone!(db.store, |tx| tx
        .create_user(&NewUser {
            email: domain::Email::parse("seller@example.com").unwrap(),
            display_name: "Seller".into(),
            role: Role::Author,
            password_hash: None,
        })
        .await)
    .unwrap();
    db.course_on_sale("paid-course", author).await;
    "paid-course".into()
}

/// Buys `slug` as `token`'s learner with `key` over HTTP; the sandbox session it leads to.
async fn buy(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    slug: &str,
    key: &str,
) -> Result<String, String> {
    let response = client
        .post(format!("{base}/api/buy"))
        .header("origin", base)
        .header("cookie", format!("lore_session={token}"))
        .form(&[("slug", slug), ("coupon", ""), ("key", key)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    match location.rsplit('/').next() {
        Some(session) if status.is_success() && session.starts_with("cs_sandbox_") => {
            Ok(session.to_owned())
        }
        _ => Err(format!(
            "buy: {status} {location:?} {}",
            response.text().await.unwrap_or_default()
        )),
    }
}

/// The sandbox's `checkout.session.completed` for `session`, as it would send it.
fn completed(session: &str) -> String {
    let order = session.trim_start_matches("cs_sandbox_");
    serde_json::json!({
        "id": format!("evt_{session}_completed"),
        "object": "event",
        "type": "checkout.session.completed",
        "created": now_millis() / 1000,
        "livemode": false,
        "data": {"object": {
            "id": session,
            "object": "checkout.session",
            "client_reference_id": order,
            "payment_intent": format!("pi_sandbox_{order}"),
            "payment_status": "paid",
            "status": "complete",
        }},
    })
    .to_string()
}

/// Delivers `body` signed with `secret` to `base`'s webhook; the status.
async fn deliver(client: &reqwest::Client, base: &str, secret: &str, body: &str) -> u16 {
    let signature =
        payments::signature::sign(secret.as_bytes(), now_millis() / 1000, body.as_bytes());
    client
        .post(format!("{base}/webhooks/sandbox"))
        .header(payments::signature::HEADER, signature)
        .body(body.to_owned())
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

async fn secret(store: &Store) -> String {
    store
        .platform_key("sandbox_webhook_secret", &services::new_token())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_checkouts_and_a_webhook_flood_lose_nothing_on_sqlite() {
    let app = TestApp::sqlite().await;
    let db = app.db();
    let slug = on_sale(db).await;
    let tokens = learners(app.services.store(), 200).await;
    let secret = secret(app.services.store()).await;
    let mut flows = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, base, slug, secret) = (
            app.client.clone(),
            app.base.clone(),
            slug.clone(),
            secret.clone(),
        );
        flows.spawn(async move {
            let session = buy(&client, &base, &token, &slug, &format!("flood-key-{i:08}")).await?;
            let body = completed(&session);
            // Each event three times at once, as a provider retrying a slow endpoint would.
            let statuses = futures_util::future::join_all(
                (0..3).map(|_| deliver(&client, &base, &secret, &body)),
            )
            .await;
            if statuses.iter().all(|s| *s == 200) {
                Ok(())
            } else {
                Err(format!("webhook answered {statuses:?}"))
            }
        });
    }
    let mut failures = Vec::new();
    while let Some(flow) = flows.join_next().await {
        if let Err(err) = flow.unwrap() {
            failures.push(err);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    let store = app.services.store();
    assert_eq!(store.paid_order_count().await.unwrap(), 200);
    assert_eq!(
        store.commerce_violations().await.unwrap(),
        Vec::<String>::new()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failure_while_booking_a_payment_is_settled_once_by_the_reconciler() {
    for app in TestApp::every_backend().await {
        let db = app.db();
        let slug = on_sale(db).await;
        let [token]: [String; 1] = learners(app.services.store(), 1).await.try_into().unwrap();
        let session = buy(&app.client, &app.base, &token, &slug, "fault-key-00000001")
            .await
            .unwrap();
        let order =
            domain::OrderId::new(session.trim_start_matches("cs_sandbox_").parse().unwrap());
        // The payment is captured at the provider, but booking it fails: the webhook answers
        // 503 (nothing filed, so the provider delivers again later) and nothing is half-written.
        db.break_writes("INSERT", "ledger_entries").await;
        let secret = secret(app.services.store()).await;
        let sandbox = app.services.payments().sandbox.clone().unwrap();
        let body = completed(&session);
        assert_eq!(deliver(&app.client, &app.base, &secret, &body).await, 503);
        let store = app.services.store();
        let pending = store.order(order).await.unwrap().unwrap();
        assert_eq!(pending.facts.status, OrderStatus::Pending);
        assert_eq!(
            store
                .entitlement(pending.user, pending.course)
                .await
                .unwrap(),
            Entitlement::None
        );
        db.heal("INSERT", "ledger_entries").await;
        // The provider's books say paid; the reconciler, on two nodes at once, settles it once.
        sandbox
            .choose(
                &session,
                services::sandbox::Outcome::Pay,
                services::sandbox::Delivery {
                    delay: Duration::from_secs(3600),
                    copies: 1,
                },
            )
            .await
            .unwrap();
        let second = app.second_node().await;
        let later = now_millis() + services::commerce::PENDING_MS + 1;
        let (a, b) = tokio::join!(
            app.services.reconcile_once(later),
            second.services.reconcile_once(later)
        );
        a.unwrap();
        b.unwrap();
        let paid = store.order(order).await.unwrap().unwrap();
        assert_eq!(paid.facts.status, OrderStatus::Paid, "{:?}", app.backend());
        assert_eq!(
            store.entitlement(paid.user, paid.course).await.unwrap(),
            Entitlement::Active
        );
        // The provider's event, when it does come, changes nothing more.
        assert_eq!(deliver(&app.client, &app.base, &secret, &body).await, 200);
        assert_eq!(
            store.commerce_violations().await.unwrap(),
            Vec::<String>::new()
        );
        second.stop().await;
        app.stop().await;
    }
}

/// Starts the release of this build (`lore serve`) on `db`; the child and its address.
async fn serve(db: &TestDb, data: &std::path::Path) -> (tokio::process::Child, String) {
    let port = free_port();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_lore"))
        .arg("serve")
        .env("LORE_DATABASE_URL", &db.url)
        .env("LORE_DATA_DIR", data)
        .env("LORE_SITE_ROOT", data.join("site"))
        .env("LORE_BIND", format!("127.0.0.1:{port}"))
        .env("LORE_SANDBOX_PAYMENTS", "true")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start lore serve");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("lore serve did not come up on {base}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_checkout_restarts_sound_and_every_paid_order_has_its_course() {
    let db = TestDb::sqlite().await;
    let data = tempfile::tempdir().unwrap();
    let slug = on_sale(&db).await;
    let tokens = learners(&db.store, 400).await;
    let secret = secret(&db.store).await;
    let (mut server, base) = serve(&db, data.path()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // A checkout loop, eight buyers at a time, until the server dies under it.
    let mut flows = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, base, slug, secret) =
            (client.clone(), base.clone(), slug.clone(), secret.clone());
        flows.spawn(async move {
            tokio::time::sleep(Duration::from_millis(5 * i as u64)).await;
            if let Ok(session) =
                buy(&client, &base, &token, &slug, &format!("kill-key-{i:08}")).await
            {
                deliver(&client, &base, &secret, &completed(&session)).await;
            }
        });
    }
    // Kill it once some orders are paid and others are on their way.
    for _ in 0..200 {
        if db.store.paid_order_count().await.unwrap() >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.start_kill().expect("SIGKILL");
    server.wait().await.unwrap();
    while flows.join_next().await.is_some() {}

    let (restarted, _) = serve(&db, data.path()).await;
    assert_eq!(db.integrity_check().await, "ok");
    // The reconciler (here run once for a moment past the pending window) settles what the
    // kill interrupted: every order the sandbox saw paid is paid, with exactly one entitlement.
    let node = services::Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://127.0.0.1:9",
    );
    node.reconcile_once(now_millis() + services::commerce::PENDING_MS + 1)
        .await
        .unwrap();
    assert!(db.store.paid_order_count().await.unwrap() >= 20);
    assert_eq!(
        db.store.commerce_violations().await.unwrap(),
        Vec::<String>::new()
    );
    drop(restarted);
    db.cleanup().await;
}
