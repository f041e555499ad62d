//! Every account use case that writes more than once is one unit of work: a real database error
//! after its first write (a trigger that fails the second) leaves every table as it was, on SQLite
//! and PostgreSQL. Each test then removes the fault and shows the use case still works, so the
//! failure really was injected where claimed.

use domain::Lang;
use services::{Client, CurrentSession, Services, create_admin};
use testdb::TestDb;

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "a different long passphrase";

fn client() -> Client {
    Client {
        ip: "203.0.113.9".into(),
        user_agent: "units-of-work test".into(),
    }
}

fn services(db: &TestDb) -> Services {
    Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://lore.test",
    )
}

/// Registers `email` and returns their signed-in session.
async fn member(services: &Services, email: &str) -> CurrentSession {
    let signed_in = services
        .register(email, "Member", PASSWORD, &client())
        .await
        .unwrap();
    services
        .authenticate(&signed_in.token)
        .await
        .unwrap()
        .unwrap()
}

/// The token in the newest outbox mail to `to`.
async fn mailed_token(db: &TestDb, to: &str) -> String {
    let mails = db
        .store
        .claim_due_mail(store::now_millis() + 1, 0, 100, 1_000)
        .await
        .unwrap();
    let mail = mails.iter().rev().find(|m| m.to == to).expect("a mail");
    let at = mail.body.find("token=").expect("a link with a token") + "token=".len();
    mail.body[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn registering_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let before = db.snapshot().await;
        db.break_writes("INSERT", "audit_log").await;
        let failed = services
            .register("new@example.com", "New", PASSWORD, &client())
            .await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("INSERT", "audit_log").await;
        member(&services, "new@example.com").await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn changing_a_password_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let me = member(&services, "me@example.com").await;
        services
            .login("me@example.com", PASSWORD, &client())
            .await
            .unwrap(); // a second session, which the change would end
        let before = db.snapshot().await;
        db.break_writes("DELETE", "sessions").await;
        let failed = services
            .change_password(&me, PASSWORD, NEW_PASSWORD, &client())
            .await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("DELETE", "sessions").await;
        services
            .change_password(&me, PASSWORD, NEW_PASSWORD, &client())
            .await
            .unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_reset_that_fails_keeps_the_link_and_the_old_password() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        member(&services, "reset@example.com").await;
        services
            .request_password_reset("reset@example.com", Lang::En, &client())
            .await
            .unwrap();
        let token = mailed_token(&db, "reset@example.com").await;
        let before = db.snapshot().await;
        db.break_writes("UPDATE", "users").await;
        let failed = services
            .reset_password(&token, NEW_PASSWORD, &client())
            .await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("UPDATE", "users").await;
        services
            .reset_password(&token, NEW_PASSWORD, &client())
            .await
            .expect("the link still works");
        services
            .login("reset@example.com", NEW_PASSWORD, &client())
            .await
            .unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn asking_for_an_email_change_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let me = member(&services, "old@example.com").await;
        let before = db.snapshot().await;
        db.break_writes("INSERT", "mail_outbox").await;
        let failed = services
            .request_email_change(&me, PASSWORD, "moved@example.com", Lang::En, &client())
            .await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(
            db.snapshot().await,
            before,
            "no token without its mail ({:?})",
            db.backend()
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn confirming_an_email_change_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let me = member(&services, "old@example.com").await;
        services
            .request_email_change(&me, PASSWORD, "moved@example.com", Lang::En, &client())
            .await
            .unwrap();
        let token = mailed_token(&db, "moved@example.com").await;
        let before = db.snapshot().await;
        db.break_writes("UPDATE", "users").await;
        let failed = services.confirm_email_change(&token, &client()).await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("UPDATE", "users").await;
        services
            .confirm_email_change(&token, &client())
            .await
            .expect("the link still works");
        services
            .login("moved@example.com", PASSWORD, &client())
            .await
            .unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn disabling_an_account_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let admin = create_admin(&services, "admin@example.com", "Admin")
            .await
            .unwrap();
        let password = admin.password.expect("a new admin's password");
        let admin_token = services
            .login("admin@example.com", &password, &client())
            .await
            .unwrap()
            .token;
        let admin = services.authenticate(&admin_token).await.unwrap().unwrap();
        let target = member(&services, "target@example.com").await;
        let before = db.snapshot().await;
        db.break_writes("DELETE", "sessions").await;
        let failed = services
            .set_disabled(&admin, target.actor.id, true, &client())
            .await;
        assert!(failed.is_err(), "{:?}", db.backend());
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("DELETE", "sessions").await;
        services
            .set_disabled(&admin, target.actor.id, true, &client())
            .await
            .unwrap();
        assert!(
            db.store
                .credentials_by_id(target.actor.id)
                .await
                .unwrap()
                .unwrap()
                .disabled
        );
        db.cleanup().await;
    }
}
