//! What an outside probe found (issue 6; shared/SECURITY-TESTS.md 28–34), each against the running
//! app over real HTTP. Loops are bounded; the resource figures are read from this process, which
//! runs the app.

use crate::support::{MIB, TestApp, peak_growth, session_cookie};
use std::time::{Duration, Instant};

const PASSWORD: &str = "a long and unusual passphrase";

// 31. Development helpers are off unless asked for, and only for this machine.

#[tokio::test]
async fn the_mail_viewer_is_off_by_default_so_a_reset_link_cannot_be_read() {
    let app = TestApp::sqlite().await;
    // An admin with a known address, as the demo seed makes one (this Lore has no demo catalog).
    testdb::write_alone!(app.services.store(), |tx| {
        tx.create_user(&store::NewUser {
            email: domain::Email::parse("admin@example.com").unwrap(),
            display_name: "Admin".into(),
            role: domain::Role::Admin,
            password_hash: None,
        })
        .await
    })
    .unwrap();
    let asked = app
        .call(
            "request_password_reset",
            None,
            &[("email", "admin@example.com")],
        )
        .await;
    assert_eq!(asked.status(), 200);
    assert_eq!(app.get("/dev/mail").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn the_mail_viewer_answers_loopback_clients_only() {
    let app = TestApp::sqlite_with(|s| {
        s.dev_mail = true;
        s.trusted_proxies = server::client_ip::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    assert_eq!(app.get("/dev/mail").await.status(), 200, "this machine");
    let forwarded = app
        .client
        .get(format!("{}/dev/mail", app.base))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        forwarded.status(),
        404,
        "a visitor a proxy speaks for is not this machine"
    );
    app.stop().await;
}

// 28. One image pipeline: extreme shapes cost what the target costs.

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(width, height))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn upload_avatar(app: &TestApp, cookie: &str, bytes: Vec<u8>) -> reqwest::StatusCode {
    let form = reqwest::multipart::Form::new().part(
        "avatar",
        reqwest::multipart::Part::bytes(bytes).file_name("me.png"),
    );
    app.client
        .post(format!("{}/account/avatar", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("lore_session={cookie}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_by_six_thousand_avatar_costs_under_a_second_and_fifty_megabytes() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("tall@example.com", PASSWORD).await;
    for (w, h) in [(1, 6000), (6000, 1)] {
        let bomb = png(w, h);
        assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
        let started = Instant::now();
        let (status, growth) = peak_growth(upload_avatar(&app, &cookie, bomb)).await;
        let took = started.elapsed();
        assert_eq!(status, 204, "{w}x{h}");
        assert!(took < Duration::from_secs(1), "{w}x{h}: {took:?}");
        assert!(growth < 50 * MIB, "{w}x{h}: +{} MiB", growth / MIB);
    }
    let (statuses, growth) = peak_growth(futures_util::future::join_all(
        (0..10).map(|_| upload_avatar(&app, &cookie, png(1, 6000))),
    ))
    .await;
    assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
    assert!(growth < 200 * MIB, "ten at once: +{} MiB", growth / MIB);
    app.stop().await;
}

// 29. Argon2 only for requests that could succeed, and never more at once than there are cores.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_made_up_reset_tokens_neither_hashes_nor_slows_sign_in() {
    let app = TestApp::sqlite().await;
    app.register("calm@example.com", PASSWORD).await;
    let flood = async {
        let requests = (0..200).map(|i| {
            let token = format!("{i:064x}");
            let app = &app;
            async move {
                app.call(
                    "reset_password",
                    None,
                    &[("token", &token), ("new_password", "a fine new passphrase")],
                )
                .await
                .status()
                .as_u16()
            }
        });
        futures_util::future::join_all(requests).await
    };
    let sign_in = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let response = app.login("calm@example.com", PASSWORD, None).await;
        (response.status(), started.elapsed())
    };
    let ((statuses, (signed_in, took)), growth) =
        peak_growth(async { tokio::join!(flood, sign_in) }).await;
    assert!(
        statuses.iter().all(|s| *s == 400 || *s == 429),
        "refused without hashing: {statuses:?}"
    );
    assert!(statuses.contains(&429), "and limited per address");
    assert_eq!(signed_in, 200);
    assert!(took < Duration::from_secs(2), "sign-in took {took:?}");
    assert!(growth < 100 * MIB, "+{} MiB", growth / MIB);
    app.stop().await;
}

#[tokio::test]
async fn wrong_current_passwords_are_limited_per_account() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("guarded@example.com", PASSWORD).await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let status = if i % 2 == 0 {
            app.call(
                "change_password",
                Some(&cookie),
                &[
                    ("current", "not my password"),
                    ("new_password", "another fine passphrase"),
                ],
            )
            .await
            .status()
        } else {
            app.call(
                "request_email_change",
                Some(&cookie),
                &[
                    ("password", "not my password"),
                    ("new_email", "elsewhere@example.com"),
                ],
            )
            .await
            .status()
        };
        statuses.push(status.as_u16());
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    app.stop().await;
}

// 30. Redirects stay on the site, and no `next` can panic the server.

#[tokio::test]
async fn sign_in_never_redirects_off_the_site_or_panics() {
    let app = TestApp::sqlite().await;
    app.register("nav@example.com", PASSWORD).await;
    for next in [
        "/\t/127.0.0.1:3301/pwned-js",
        "//evil.example/x",
        "/\\evil.example",
        "/%09/evil.example",
        "/\r\nSet-Cookie: pwned=1",
        "/\u{1}",
        "/\u{7f}",
    ] {
        let response = app
            .call(
                "login",
                None,
                &[
                    ("email", "nav@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert!(
            response.status().is_success(),
            "{next:?}: {}",
            response.status()
        );
        let headers = response.headers();
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(location.as_deref(), Some("/"), "{next:?}");
        assert!(
            headers
                .get_all("set-cookie")
                .iter()
                .all(|c| !c.to_str().unwrap().contains("pwned")),
            "{next:?}"
        );
    }
    let kept = app
        .call(
            "login",
            None,
            &[
                ("email", "nav@example.com"),
                ("password", PASSWORD),
                ("next", "/courses?page=2"),
            ],
        )
        .await;
    let headers = kept.headers();
    let location = headers.get("location").unwrap();
    assert_eq!(location, "/courses?page=2");
    app.stop().await;
}

#[tokio::test]
async fn a_plain_form_with_a_header_breaking_next_is_sent_home() {
    let app = TestApp::sqlite().await;
    app.register("form@example.com", PASSWORD).await;
    let body = "email=form%40example.com&password=a+long+and+unusual+passphrase\
                &next=%2F%0D%0ASet-Cookie%3A%20pwned%3D1";
    let response = app
        .raw(&format!(
            "POST /api/login HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ))
        .await;
    assert!(response.starts_with("HTTP/1.1 302"), "{response}");
    assert!(response.contains("\r\nlocation: /\r\n"), "{response}");
    assert!(!response.contains("pwned"), "{response}");
    app.stop().await;
}

// 32. Slow and idle connections are closed; connections are capped.

#[tokio::test]
async fn idle_and_trickling_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::sqlite_with(|s| {
        s.connections.header_read_timeout = Duration::from_secs(1);
        s.connections.idle_timeout = Duration::from_secs(2);
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();

    let mut idle = tokio::net::TcpStream::connect(&address).await.unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf))
        .await
        .expect("an idle connection is closed");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let mut trickle = tokio::net::TcpStream::connect(&address).await.unwrap();
    trickle.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let started = Instant::now();
    let closed = async {
        for i in 0..20 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if trickle
                .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
            let mut probe = [0u8; 512];
            // Anything readable (a 408, or the end of the stream) means the server gave up.
            if let Ok(Ok(_)) =
                tokio::time::timeout(Duration::from_millis(1), trickle.read(&mut probe)).await
            {
                return;
            }
        }
        panic!("a header sent a line at a time was never cut off");
    };
    closed.await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let kept_alive = app.get("/healthz").await;
    assert_eq!(kept_alive.status(), 200, "normal requests are unaffected");
    app.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_their_turn() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::sqlite_with(|s| {
        s.connections.max_connections = 2;
        s.connections.header_read_timeout = Duration::from_secs(2);
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let third = app.get("/healthz").await;
    assert_eq!(third.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "served only once a slot was freed: {:?}",
        started.elapsed()
    );
    drop(held);
    app.stop().await;
}

// 33. Nobody can lock the owner out.

fn behind_proxy(s: &mut server::config::Settings) {
    s.trusted_proxies = server::client_ip::TrustedProxies::parse("127.0.0.1/32").unwrap();
}

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/login", app.base))
        .header("origin", &app.base)
        .header("x-forwarded-for", ip)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_from_elsewhere_slows_the_owner_down_but_never_locks_them_out() {
    let app = TestApp::sqlite_with(behind_proxy).await;
    app.register("owner@example.com", PASSWORD).await;
    let guesses =
        (0..25).map(|_| login_from(&app, "198.51.100.7", "owner@example.com", "guess!guess!"));
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(
        login_from(&app, "198.51.100.7", "owner@example.com", PASSWORD)
            .await
            .status(),
        429,
        "the guessing client is locked out"
    );
    let started = Instant::now();
    let owner = login_from(&app, "203.0.113.20", "owner@example.com", PASSWORD).await;
    assert_eq!(owner.status(), 200, "the owner, elsewhere, gets in");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(domain::limits::MAX_DELAY_MS - 100),
        "but is slowed down: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    app.stop().await;
}

#[tokio::test]
async fn reset_requests_by_others_never_block_the_owners_own_reset_for_long() {
    let app = TestApp::sqlite().await;
    app.register("resetme@example.com", PASSWORD).await;
    let account = app
        .services
        .store()
        .credentials(&domain::Email::parse("resetme@example.com").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    for _ in 0..5 {
        let asked = app
            .call(
                "request_password_reset",
                None,
                &[("email", "resetme@example.com")],
            )
            .await;
        assert_eq!(asked.status(), 200, "the same answer every time");
    }
    let live = app
        .services
        .store()
        .live_tokens(
            account,
            store::TokenPurpose::PasswordReset,
            store::now_millis(),
        )
        .await
        .unwrap();
    assert_eq!(
        live,
        domain::limits::LIVE_RESET_LINKS,
        "no more live links than the limit"
    );

    // Once the links sent expire, the owner can ask again (simulated: these three expire now).
    let other = app.register("fresh@example.com", PASSWORD).await;
    drop(other);
    let fresh = app
        .services
        .store()
        .credentials(&domain::Email::parse("fresh@example.com").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = app.services.store().begin().await.unwrap();
    for i in 0..3 {
        tx.create_token(
            &format!("{i:064}"),
            store::TokenPurpose::PasswordReset,
            fresh,
            "",
            store::now_millis() - 1,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    app.call(
        "request_password_reset",
        None,
        &[("email", "fresh@example.com")],
    )
    .await;
    let link = app.mailed_link("fresh@example.com").await;
    assert!(
        link.contains("token="),
        "expired links do not count: {link}"
    );
    app.stop().await;
}

// 34. Mail: limited per user and per recipient; a failing mail never delays the others.

#[tokio::test]
async fn email_change_mails_are_limited_per_user_and_per_recipient() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("mover@example.com", PASSWORD).await;
    let mut statuses = Vec::new();
    for i in 0..7 {
        let to = format!("target{i}@example.com");
        statuses.push(
            app.call(
                "request_email_change",
                Some(&cookie),
                &[("password", PASSWORD), ("new_email", &to)],
            )
            .await
            .status()
            .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429], "per user");

    let mut statuses = Vec::new();
    for i in 0..7 {
        let cookie = app
            .register(&format!("sender{i}@example.com"), PASSWORD)
            .await;
        statuses.push(
            app.call(
                "request_email_change",
                Some(&cookie),
                &[("password", PASSWORD), ("new_email", "victim@example.org")],
            )
            .await
            .status()
            .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 200, 429, 429],
        "per recipient"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_hundred_undeliverable_mails_do_not_delay_a_reset_mail() {
    let app = TestApp::sqlite().await;
    app.register("waiting@example.com", PASSWORD).await;
    let mut tx = app.services.store().begin().await.unwrap();
    for i in 0..100 {
        tx.enqueue_mail(&format!("not an address {i}"), "x", "x")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let started = Instant::now();
    app.call(
        "request_password_reset",
        None,
        &[("email", "waiting@example.com")],
    )
    .await;
    app.delivered_link("waiting@example.com").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    app.stop().await;
}

// Malformed arguments are the caller's mistake: 400, translated, without parser text.

#[tokio::test]
async fn malformed_arguments_are_bad_requests_not_server_errors() {
    let app = TestApp::sqlite().await;
    let cookie = app.make_admin("root@example.com").await;
    for (function, fields, answer) in [
        ("end_session", vec![("id", "abc")], "\"BadRequest\""),
        ("end_session", vec![], "\"BadRequest\""),
        ("end_session", vec![("x[]", "")], "\"BadRequest\""),
        (
            "admin_set_role",
            vec![("user", "x"), ("role", "admin")],
            "\"BadRequest\"",
        ),
        (
            "admin_set_role",
            vec![("user", "1"), ("role", "superadmin")],
            "{\"Invalid\":\"role\"}",
        ),
    ] {
        let response = app.call(function, Some(&cookie), &fields).await;
        assert_eq!(response.status(), 400, "{function} {fields:?}");
        assert_eq!(
            response.text().await.unwrap(),
            answer,
            "{function} {fields:?}: no parser details"
        );
    }
    app.stop().await;
}

// Using one reset link, or changing the password, voids every other link.

#[tokio::test]
async fn one_reset_voids_every_other_outstanding_link() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("twolinks@example.com", PASSWORD).await;
    let ask = || {
        app.call(
            "request_password_reset",
            None,
            &[("email", "twolinks@example.com")],
        )
    };
    ask().await;
    let first = app.mailed_link("twolinks@example.com").await;
    ask().await;
    assert_eq!(app.mails_to("twolinks@example.com").await.len(), 2);
    let second = app.mailed_link("twolinks@example.com").await;
    assert_ne!(first, second);
    let token = |link: &str| link.split("token=").nth(1).unwrap().to_owned();
    let app_ref = &app;
    let reset = |token: String| async move {
        app_ref
            .call(
                "reset_password",
                None,
                &[("token", &token), ("new_password", "the next passphrase")],
            )
            .await
            .status()
            .as_u16()
    };
    assert_eq!(reset(token(&second)).await, 200);
    assert_eq!(reset(token(&first)).await, 400, "the other link is void");

    let me = session_cookie(
        &app.login("twolinks@example.com", "the next passphrase", None)
            .await,
    )
    .unwrap();
    drop(cookie);
    ask().await;
    assert_eq!(app.mails_to("twolinks@example.com").await.len(), 3);
    let third = app.mailed_link("twolinks@example.com").await;
    let changed = app
        .call(
            "change_password",
            Some(&me),
            &[
                ("current", "the next passphrase"),
                ("new_password", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        reset(token(&third)).await,
        400,
        "a password change voids it too"
    );
    app.stop().await;
}

// Look-alike accounts.

#[tokio::test]
async fn look_alike_emails_and_invisible_names_are_refused() {
    for app in TestApp::every_backend().await {
        app.register("boss@example.com", PASSWORD).await;
        let register = |email: &'static str, name: &'static str| {
            let app = &app;
            async move {
                app.call(
                    "register",
                    None,
                    &[
                        ("email", email),
                        ("display_name", name),
                        ("password", PASSWORD),
                    ],
                )
                .await
            }
        };
        let cyrillic = register("b\u{43e}ss@example.com", "Boss").await;
        assert_eq!(cyrillic.status(), 400);
        assert!(cyrillic.text().await.unwrap().contains("email_scripts"));
        app.register("eco@example.com", PASSWORD).await;
        for taken in [
            "ｂｏｓｓ@example.com",
            "BOSS@EXAMPLE.COM",
            // All Cyrillic (е, с, о): one script, but it reads as the Latin "eco".
            "\u{435}\u{441}\u{43e}@example.com",
        ] {
            let response = register(taken, "Boss").await;
            assert_eq!(response.status(), 409, "{taken} ({:?})", app.backend());
        }
        for (name, problem) in [
            ("\u{200b}", "display_name_invisible"),
            ("\u{200b}\u{200c}", "display_name_invisible"),
            ("\u{202e}nimda", "display_name_bidi"),
        ] {
            let response = register("someone@example.com", name).await;
            assert_eq!(response.status(), 400, "{name:?}");
            assert!(response.text().await.unwrap().contains(problem), "{name:?}");
        }
        app.stop().await;
    }
}

// Behind a load balancer: forwarded addresses only from trusted proxies.

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    for trusted in [true, false] {
        let app = TestApp::sqlite_with(move |s| {
            if trusted {
                behind_proxy(s);
            }
        })
        .await;
        app.register("proxied@example.com", PASSWORD).await;
        let response = login_from(&app, "192.0.2.44", "proxied@example.com", PASSWORD).await;
        let cookie = session_cookie(&response).unwrap();
        let sessions: serde_json::Value = app
            .call("sessions", Some(&cookie), &[])
            .await
            .json()
            .await
            .unwrap();
        let ips: Vec<&str> = sessions
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ip"].as_str().unwrap())
            .collect();
        let expected = if trusted { "192.0.2.44" } else { "127.0.0.1" };
        assert!(ips.contains(&expected), "trusted={trusted}: {ips:?}");
        app.stop().await;
    }
}

// The audit log pages and filters.

#[tokio::test]
async fn the_audit_log_pages_and_filters() {
    let app = TestApp::sqlite().await;
    let admin = app.make_admin("auditor@example.com").await;
    for _ in 0..3 {
        app.login("auditor@example.com", "wrong password!", None)
            .await;
    }
    let mut tx = app.services.store().begin().await.unwrap();
    for i in 0..110 {
        tx.record_audit(&store::AuditEntry {
            event: "probe_event",
            actor: None,
            subject: None,
            ip: "198.51.100.1",
            detail: &format!("n{i}"),
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let page = |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (format!("query[{k}]"), v))
            .collect();
        let app = &app;
        let admin = admin.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let response = app.call("admin_audit", Some(&admin), &fields).await;
            assert_eq!(response.status(), 200);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let first = page(vec![("event", "probe_event".into())]).await;
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 100);
    assert_eq!(entries[0]["detail"], "n109", "newest first");
    let before = first["next_before"].as_i64().expect("an older page");
    let second = page(vec![
        ("event", "probe_event".into()),
        ("before", before.to_string()),
    ])
    .await;
    assert_eq!(second["entries"].as_array().unwrap().len(), 10);
    assert!(second["next_before"].is_null());

    let failed = page(vec![("event", "sign_in_failed".into())]).await;
    assert_eq!(failed["entries"].as_array().unwrap().len(), 3);
    let by_ip = page(vec![("ip", "198.51.100.1".into())]).await;
    assert_eq!(by_ip["entries"].as_array().unwrap().len(), 100);
    let future = page(vec![("from", "2999-01-01".into())]).await;
    assert!(future["entries"].as_array().unwrap().is_empty());
    let bad_date = app
        .call("admin_audit", Some(&admin), &[("query[from]", "yesterday")])
        .await;
    assert_eq!(bad_date.status(), 400);

    let html = app
        .client
        .get(format!("{}/admin/audit?event=sign_in_failed", app.base))
        .header("cookie", format!("lore_session={admin}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("sign_in_failed"), "{html}");
    assert!(
        html.contains("Failed sign-in"),
        "events are named, not coded"
    );
    assert!(!html.contains("probe_event"), "filtered on the server");
    app.stop().await;
}

// Mail goes out through a real SMTP server, not only into development files.

/// An aiosmtpd server on a free loopback port, printing what it receives; `None` when aiosmtpd is
/// not installed and not required (outside `make test` and CI).
pub(crate) async fn smtp_server() -> Option<(tokio::process::Child, u16)> {
    let program = crate::support::test_tool("LORE_TEST_AIOSMTPD", "aiosmtpd")?;
    let port = crate::support::free_port();
    let child = tokio::process::Command::new(program)
        .args([
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Debugging",
            "stdout",
        ])
        .env("PYTHONUNBUFFERED", "1")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Some((child, port))
}

#[tokio::test]
async fn a_reset_mail_is_delivered_by_smtp() {
    use tokio::io::AsyncBufReadExt;
    let Some((mut smtpd, port)) = smtp_server().await else {
        return;
    };
    let app = TestApp::sqlite_with(move |s| {
        s.smtp_url = Some(secrecy::SecretString::from(format!(
            "smtp://127.0.0.1:{port}"
        )));
    })
    .await;
    app.register("by-smtp@example.com", PASSWORD).await;
    let asked = app
        .call(
            "request_password_reset",
            None,
            &[("email", "by-smtp@example.com")],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let token = app
        .mailed_link("by-smtp@example.com")
        .await
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let mut lines = tokio::io::BufReader::new(smtpd.stdout.take().unwrap()).lines();
    let mut received = String::new();
    let read = tokio::time::timeout(Duration::from_secs(15), async {
        while let Ok(Some(line)) = lines.next_line().await {
            received.push_str(&line);
            received.push('\n');
            // Quoted-printable may split the link and encode its `=`.
            let plain = received.replace("=\n", "").replace("=3D", "=");
            if plain.contains(&token) {
                return plain;
            }
        }
        String::new()
    })
    .await
    .expect("the SMTP server received no reset mail in 15 s");
    assert!(read.contains("by-smtp@example.com"), "{read}");
    app.stop().await;
}
