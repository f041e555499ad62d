//! shared/SECURITY-TESTS.md items 1–6 and 23, and the account rules around them, against the running
//! app over real HTTP.

use crate::support::{TestApp, session_cookie};
use std::time::{Duration, Instant};

const PASSWORD: &str = "a long and unusual passphrase";

async fn account_status(app: &TestApp, cookie: &str) -> u16 {
    app.call("account", Some(cookie), &[])
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn signing_in_issues_a_new_session_and_the_old_one_stops_working() {
    let app = TestApp::sqlite().await;
    let first = app.register("fix@example.com", PASSWORD).await;
    let response = app.login("fix@example.com", PASSWORD, Some(&first)).await;
    assert!(response.status().is_success());
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second, "a new id at sign-in");
    assert_eq!(
        account_status(&app, &first).await,
        401,
        "the pre-login id is dead"
    );
    assert_eq!(account_status(&app, &second).await, 200);

    let planted = "ab".repeat(32);
    let response = app.login("fix@example.com", PASSWORD, Some(&planted)).await;
    assert_ne!(
        session_cookie(&response).unwrap(),
        planted,
        "a planted id is never adopted"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_replayed_cookie_after_sign_out_is_refused_and_the_row_is_gone() {
    for app in TestApp::every_backend().await {
        let cookie = app.register("out@example.com", PASSWORD).await;
        let me = app.services.authenticate(&cookie).await.unwrap().unwrap();
        let response = app.call("logout", Some(&cookie), &[]).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let cleared = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap_or_default().contains("Max-Age=0"));
        assert!(cleared, "the browser is told to drop the cookie");
        assert_eq!(
            account_status(&app, &cookie).await,
            401,
            "{:?}",
            app.backend()
        );
        let rows = app
            .services
            .store()
            .list_sessions(me.actor.id)
            .await
            .unwrap();
        assert!(rows.is_empty(), "the server-side session row is deleted");
        app.stop().await;
    }
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_browser() {
    let app = TestApp::sqlite().await;
    let a = app.register("two@example.com", PASSWORD).await;
    let b = session_cookie(&app.login("two@example.com", PASSWORD, None).await).unwrap();
    assert_eq!(account_status(&app, &b).await, 200);
    let wrong = app
        .call(
            "change_password",
            Some(&a),
            &[
                ("current", "not it at all"),
                ("new_password", "another fine passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 401, "the current password is checked");
    let changed = app
        .call(
            "change_password",
            Some(&a),
            &[
                ("current", PASSWORD),
                ("new_password", "another fine passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        account_status(&app, &b).await,
        401,
        "browser B is signed out"
    );
    assert_eq!(account_status(&app, &a).await, 200, "browser A stays");
    assert!(
        !app.login("two@example.com", PASSWORD, None)
            .await
            .status()
            .is_success()
    );
    assert!(
        app.login("two@example.com", "another fine passphrase", None)
            .await
            .status()
            .is_success()
    );
    app.stop().await;
}

#[tokio::test]
async fn twenty_wrong_passwords_from_one_client_throttle_that_client() {
    let app = TestApp::sqlite().await;
    app.register("victim@example.com", PASSWORD).await;
    // At once: past the first five failures each attempt is slowed down, so one after the other
    // they would take half a minute.
    let attempts = (1..=20).map(|_| app.login("victim@example.com", "wrong password!", None));
    for response in futures_util::future::join_all(attempts).await {
        assert_eq!(response.status(), 401);
        assert_eq!(response.text().await.unwrap(), "\"WrongCredentials\"");
    }
    let locked = app.login("victim@example.com", PASSWORD, None).await;
    assert_eq!(
        locked.status(),
        429,
        "even the right password waits, from this client"
    );
    let retry_after: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert!(locked.text().await.unwrap().contains("Throttled"));
    app.stop().await;
}

#[tokio::test]
async fn unknown_and_known_emails_take_about_the_same_time() {
    let app = TestApp::sqlite().await;
    app.register("known@example.com", PASSWORD).await;
    let time = |email: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            let response = app.login(email, "wrong password!", None).await;
            assert_eq!(response.status(), 401);
            started.elapsed()
        }
    };
    // Interleaved, so a change in machine load affects both sides alike.
    let (mut known, mut unknown) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        known += time("known@example.com").await;
        unknown += time("nobody@example.com").await;
    }
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    assert!(
        (0.5..2.0).contains(&ratio),
        "known {known:?} vs unknown {unknown:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn passwords_are_argon2id_and_any_script_works() {
    for app in TestApp::every_backend().await {
        let long = "x".repeat(64);
        for (email, password) in [
            ("long@example.com", long.as_str()),
            ("zh@example.com", "学而时习之不亦说乎"),
        ] {
            app.register(email, password).await;
            let response = app.login(email, password, None).await;
            assert!(
                response.status().is_success(),
                "{email} on {:?}",
                app.backend()
            );
        }
        let stored = app
            .services
            .store()
            .credentials(&domain::Email::parse("long@example.com").unwrap())
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let short = app
            .call(
                "register",
                None,
                &[
                    ("email", "s@example.com"),
                    ("display_name", "S"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(short.status(), 400);
        assert_eq!(short.text().await.unwrap(), r#"{"Password":"Short"}"#);
        let common = app
            .call(
                "register",
                None,
                &[
                    ("email", "c@example.com"),
                    ("display_name", "C"),
                    ("password", "password123"),
                ],
            )
            .await;
        assert_eq!(common.text().await.unwrap(), r#"{"Password":"Common"}"#);
        let taken = app
            .call(
                "register",
                None,
                &[
                    ("email", "LONG@example.com"),
                    ("display_name", "L"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(taken.status(), 409);
        app.stop().await;
    }
}

/// Every state-changing server function.
const ENDPOINTS: [&str; 31] = [
    "register",
    "login",
    "logout",
    "me",
    "account",
    "change_password",
    "rename",
    "sessions",
    "end_session",
    "end_all_sessions",
    "become_author",
    "request_password_reset",
    "reset_password",
    "request_email_change",
    "confirm_email",
    "admin_users",
    "admin_set_role",
    "admin_set_disabled",
    "admin_audit",
    "studio_home",
    "studio_create_course",
    "studio_course",
    "studio_save_settings",
    "studio_structure",
    "studio_submit",
    "studio_publish",
    "studio_lesson",
    "studio_lesson_details",
    "studio_save_lesson",
    "studio_lesson_media",
    "studio_lesson_files",
];

#[tokio::test]
async fn cross_site_posts_are_refused_and_no_server_function_answers_get() {
    let app = TestApp::sqlite().await;
    for name in ENDPOINTS {
        let url = format!("{}/api/{name}", app.base);
        let evil = app
            .client
            .post(&url)
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(evil.status(), 403, "{name} with a foreign Origin");
        let marked = app
            .client
            .post(&url)
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(marked.status(), 403, "{name} marked cross-site");
        let get = app.client.get(&url).send().await.unwrap();
        assert_eq!(get.status(), 405, "{name} must not answer GET");
    }
    let same = app
        .client
        .post(format!("{}/api/me", app.base))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
    let upload = app
        .client
        .post(format!("{}/account/avatar", app.base))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 403, "the avatar upload form too");
    let import = app
        .client
        .post(format!("{}/studio/import", app.base))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(import.status(), 403, "the course import form too");
    app.stop().await;
}

#[tokio::test]
async fn html_responses_carry_the_security_headers() {
    let app = TestApp::spawn().demo().sqlite().await;
    for path in ["/", "/courses/rust-from-zero", "/login", "/no-such-page"] {
        let response = app.get(path).await;
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"))
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain http"
        );
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: scripts carry the nonce"
        );
        let again = app.get(path).await.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_ne!(again, csp, "{path}: a new nonce per response");
    }
    app.stop().await;

    let tls = TestApp::behind_tls().await;
    let response = tls.get("/").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let registered = tls
        .client
        .post(format!("{}/api/register", tls.base))
        .header("origin", "https://learn.example.com")
        .form(&[
            ("email", "tls@example.com"),
            ("display_name", "T"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = registered.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-lore_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    tls.stop().await;
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_and_cannot_sign_in() {
    for app in TestApp::every_backend().await {
        let admin = app.make_admin("staff@example.com").await;
        let user = app.register("user@example.com", PASSWORD).await;
        let target = app.user_id(&user).await;
        let learner_try = app
            .call(
                "admin_set_disabled",
                Some(&user),
                &[("user", &target.to_string()), ("disabled", "true")],
            )
            .await;
        assert_eq!(learner_try.status(), 403, "only admins disable");
        let done = app
            .call(
                "admin_set_disabled",
                Some(&admin),
                &[("user", &target.to_string()), ("disabled", "true")],
            )
            .await;
        assert_eq!(done.status(), 200, "{:?}", app.backend());
        assert_eq!(account_status(&app, &user).await, 401, "signed out at once");
        let again = app.login("user@example.com", PASSWORD, None).await;
        assert_eq!(again.status(), 403);
        assert_eq!(again.text().await.unwrap(), "\"AccountDisabled\"");
        let audit = app
            .call("admin_audit", Some(&admin), &[])
            .await
            .text()
            .await
            .unwrap();
        assert!(
            audit.contains("account_disabled") && audit.contains("sign_in"),
            "{audit}"
        );
        assert_eq!(
            app.call("admin_audit", Some(&user), &[]).await.status(),
            401
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn roles_are_granted_by_admins_and_taken_by_learners_themselves() {
    let app = TestApp::sqlite().await;
    let admin = app.make_admin("boss@example.com").await;
    let learner = app.register("learner@example.com", PASSWORD).await;
    let learner_id = app
        .services
        .authenticate(&learner)
        .await
        .unwrap()
        .unwrap()
        .actor
        .id;
    let id = learner_id.to_string();
    let refused = app
        .call(
            "admin_set_role",
            Some(&learner),
            &[("user", &id), ("role", "admin")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let no_terms = app.call("become_author", Some(&learner), &[]).await;
    assert_eq!(no_terms.status(), 400, "the terms must be accepted");
    let became = app
        .call("become_author", Some(&learner), &[("accept_terms", "yes")])
        .await;
    assert!(became.status().is_success() || became.status().is_redirection());
    let me = app
        .call("me", Some(&learner), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(me.contains("\"Author\""), "{me}");
    let granted = app
        .call(
            "admin_set_role",
            Some(&admin),
            &[("user", &id), ("role", "reviewer")],
        )
        .await;
    assert_eq!(granted.status(), 200);
    let me = app
        .call("me", Some(&learner), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        me.contains("\"Reviewer\""),
        "a role change applies to live sessions: {me}"
    );
    let users = app
        .call("admin_users", Some(&admin), &[("query", "learner@")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        users.contains("learner@example.com") && !users.contains("boss@example.com"),
        "{users}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_ends_every_session() {
    let app = TestApp::sqlite().await;
    let old = app.register("forgot@example.com", PASSWORD).await;
    let asked = app
        .call(
            "request_password_reset",
            None,
            &[("email", "forgot@example.com")],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let unknown = app
        .call(
            "request_password_reset",
            None,
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(
        unknown.status(),
        200,
        "the same answer for unknown addresses"
    );
    let link = app.mailed_link("forgot@example.com").await;
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let reset = app
        .call(
            "reset_password",
            None,
            &[
                ("token", &token),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert!(
        reset.status().is_success() || reset.status().is_redirection(),
        "{}",
        reset.status()
    );
    assert_eq!(account_status(&app, &old).await, 401, "every session ended");
    assert!(
        app.login("forgot@example.com", "a brand new passphrase", None)
            .await
            .status()
            .is_success()
    );
    let replay = app
        .call(
            "reset_password",
            None,
            &[
                ("token", &token),
                ("new_password", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(replay.status(), 400, "single use");
    assert_eq!(replay.text().await.unwrap(), "\"InvalidToken\"");
    app.stop().await;
}

#[tokio::test]
async fn an_email_change_needs_the_password_and_the_mailed_link() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("old@example.com", PASSWORD).await;
    let wrong = app
        .call(
            "request_email_change",
            Some(&cookie),
            &[
                ("password", "nope nope nope"),
                ("new_email", "new@example.com"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let asked = app
        .call(
            "request_email_change",
            Some(&cookie),
            &[("password", PASSWORD), ("new_email", "new@example.com")],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let link = app.mailed_link("new@example.com").await;
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert_eq!(
        app.call("confirm_email", None, &[("token", &token)])
            .await
            .status(),
        200
    );
    assert!(
        app.login("new@example.com", PASSWORD, None)
            .await
            .status()
            .is_success()
    );
    assert_eq!(
        app.login("old@example.com", PASSWORD, None).await.status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one() {
    let app = TestApp::sqlite().await;
    let a = app.register("many@example.com", PASSWORD).await;
    let b = session_cookie(&app.login("many@example.com", PASSWORD, None).await).unwrap();
    let listed: serde_json::Value = app
        .call("sessions", Some(&a), &[])
        .await
        .json()
        .await
        .unwrap();
    let sessions = listed.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_i64()
        .unwrap();
    let intruder = app.register("intruder@example.com", PASSWORD).await;
    let foreign = app
        .call(
            "end_session",
            Some(&intruder),
            &[("id", &other.to_string())],
        )
        .await;
    assert_eq!(
        foreign.status(),
        404,
        "another person's session is not found"
    );
    assert_eq!(account_status(&app, &b).await, 200);
    let ended = app
        .call("end_session", Some(&a), &[("id", &other.to_string())])
        .await;
    assert_eq!(ended.status(), 200);
    assert_eq!(account_status(&app, &b).await, 401);
    app.call("end_all_sessions", Some(&a), &[]).await;
    assert_eq!(account_status(&app, &a).await, 401);
    app.stop().await;
}

#[tokio::test]
async fn avatars_are_checked_by_content_and_served_safely() {
    let app = TestApp::sqlite().await;
    let cookie = app.register("face@example.com", PASSWORD).await;
    let me = app
        .services
        .authenticate(&cookie)
        .await
        .unwrap()
        .unwrap()
        .actor
        .id;
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str("image/png")
            .unwrap();
        app.client
            .post(format!("{}/account/avatar", app.base))
            .header("origin", &app.base)
            .header("cookie", format!("lore_session={cookie}"))
            .multipart(reqwest::multipart::Form::new().part("avatar", part))
            .send()
    };
    let html = upload(
        b"<html><script>alert(1)</script></html>".to_vec(),
        "evil.png",
    )
    .await
    .unwrap();
    assert_eq!(html.status(), 415);
    let huge = upload(vec![0u8; 6 * 1024 * 1024], "big.png").await.unwrap();
    assert_eq!(huge.status(), 413, "over the body limit");
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(300, 200))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let ok = upload(png, "me.png").await.unwrap();
    assert_eq!(ok.status(), 204);
    let served = app.get(&format!("/media/avatars/{me}.png")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(
        served.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("avatar.png")
    );
    let decoded = image::load_from_memory(&served.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    app.stop().await;
}

#[tokio::test]
async fn sign_in_works_as_a_plain_form_before_hydration() {
    let app = TestApp::sqlite().await;
    app.register("nojs@example.com", PASSWORD).await;
    let form = |password: &'static str| {
        app.client
            .post(format!("{}/api/login", app.base))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("referer", format!("{}/login", app.base))
            .form(&[
                ("email", "nojs@example.com"),
                ("password", password),
                ("next", "/account"),
            ])
            .send()
    };
    let wrong = form("not my password").await.unwrap();
    assert_eq!(wrong.status(), 302);
    let back = wrong.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("/login") && back.contains("__err="), "{back}");
    let page = app
        .get(back.trim_start_matches(&app.base))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Wrong email or password."),
        "the error is rendered without JavaScript"
    );

    let right = form(PASSWORD).await.unwrap();
    assert_eq!(right.status(), 302);
    assert_eq!(right.headers()["location"], "/account");
    let cookie = session_cookie(&right).unwrap();
    assert_eq!(account_status(&app, &cookie).await, 200);
    app.stop().await;
}

/// Two app nodes on one PostgreSQL database, as behind a load balancer: a change made through one
/// reaches the other's session cache through LISTEN/NOTIFY, not after the cache's 5-second TTL.
#[tokio::test]
async fn disabling_a_user_on_one_node_signs_them_out_on_the_other_within_a_second() {
    let Some(first) = TestApp::postgres().await else {
        return; // PostgreSQL unreachable and not required: testdb printed why
    };
    let second = first.second_node().await;
    let admin = first.make_admin("boss@example.com").await;
    let user = second.register("roamer@example.com", PASSWORD).await;
    let target = second.user_id(&user).await;
    for _ in 0..3 {
        // Signed in on the second node, and now in its session cache.
        assert_eq!(account_status(&second, &user).await, 200);
    }
    let done = first
        .call(
            "admin_set_disabled",
            Some(&admin),
            &[("user", &target.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(done.status(), 200);
    let disabled_at = Instant::now();
    loop {
        if account_status(&second, &user).await == 401 {
            break;
        }
        assert!(
            disabled_at.elapsed() < Duration::from_secs(1),
            "the second node still honours the session a second after disabling"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A rename on one node shows on the other at once too (the header reads the cached name).
    let renamed = second.register("renamer@example.com", PASSWORD).await;
    assert_eq!(account_status(&second, &renamed).await, 200);
    let on_first = first
        .call(
            "rename",
            Some(&renamed),
            &[("display_name", "Renamed Person")],
        )
        .await;
    assert_eq!(on_first.status(), 200);
    let renamed_at = Instant::now();
    loop {
        let me = second
            .call("me", Some(&renamed), &[])
            .await
            .text()
            .await
            .unwrap();
        if me.contains("Renamed Person") {
            break;
        }
        assert!(renamed_at.elapsed() < Duration::from_secs(1), "{me}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.stop().await;
    first.stop().await;
}
