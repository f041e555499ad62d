//! The accounts half of the store suite, on SQLite and (when reachable) PostgreSQL.

use domain::{Email, Role};
use store::{AuditEntry, NewSession, NewUser, Store, StoreError, TokenPurpose};
use testdb::TestDb;

use testdb::write_alone as write;

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

/// A learner account with a password hash.
async fn account(
    store: &Store,
    address: &Email,
    name: &str,
    hash: &str,
) -> Result<domain::UserId, StoreError> {
    write!(store, |tx| tx
        .create_user(&NewUser {
            email: address.clone(),
            display_name: name.to_owned(),
            role: Role::Learner,
            password_hash: Some(hash.to_owned()),
        })
        .await)
}

#[tokio::test]
async fn accounts_have_credentials_and_case_blind_emails() {
    for db in TestDb::every_backend().await {
        let id = account(&db.store, &email("Ann@example.com"), "Ann", "$hash")
            .await
            .unwrap();
        let creds = db
            .store
            .credentials(&email("ann@EXAMPLE.com"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (creds.id, creds.role, creds.disabled),
            (id, Role::Learner, false)
        );
        assert_eq!(creds.password_hash.as_deref(), Some("$hash"));
        let twin = account(&db.store, &email("ANN@example.com"), "Twin", "$h").await;
        assert!(
            matches!(twin, Err(StoreError::Conflict(_))),
            "{:?}",
            db.backend()
        );
        write!(db.store, |tx| tx.set_password_hash(id, "$new").await).unwrap();
        write!(db.store, |tx| tx.set_display_name(id, "Annie").await).unwrap();
        let user = db.store.user(id).await.unwrap().unwrap();
        assert_eq!(
            (user.display_name.as_str(), user.has_avatar),
            ("Annie", false)
        );
        assert!(write!(db.store, |tx| tx.become_author(id).await).unwrap());
        assert!(
            !write!(db.store, |tx| tx.become_author(id).await).unwrap(),
            "only learners become authors"
        );
        let found = db.store.search_users("annie", 10).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].role, Role::Author);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn sessions_live_in_the_database_and_disabling_ends_them() {
    for db in TestDb::every_backend().await {
        let id = account(&db.store, &email("s@example.com"), "S", "$h")
            .await
            .unwrap();
        for (hash, now) in [("aa", 1_000), ("bb", 2_000)] {
            write!(db.store, |tx| tx
                .create_session(&NewSession {
                    token_hash: hash,
                    user: id,
                    now,
                    user_agent: "UA",
                    ip: "127.0.0.1",
                })
                .await)
            .unwrap();
        }
        let found = db.store.session("aa").await.unwrap().unwrap();
        assert_eq!(
            (found.user, found.role, found.last_seen_at),
            (id, Role::Learner, 1_000)
        );
        write!(db.store, |tx| tx.touch_session(found.id, 5_000).await).unwrap();
        write!(db.store, |tx| tx.touch_session(found.id, 4_000).await).unwrap();
        assert_eq!(
            db.store.session("aa").await.unwrap().unwrap().last_seen_at,
            5_000,
            "never moves back"
        );
        let listed = db.store.list_sessions(id).await.unwrap();
        assert_eq!(
            listed.iter().map(|s| s.last_seen_at).collect::<Vec<_>>(),
            vec![5_000, 2_000]
        );
        assert_eq!(
            write!(db.store, |tx| tx
                .delete_other_sessions(id, Some(found.id))
                .await)
            .unwrap(),
            1
        );
        assert!(db.store.session("bb").await.unwrap().is_none());
        assert!(write!(db.store, |tx| tx.set_disabled(id, true).await).unwrap());
        assert!(
            db.store.session("aa").await.unwrap().is_none(),
            "{:?}",
            db.backend()
        );
        assert!(
            db.store
                .credentials_by_id(id)
                .await
                .unwrap()
                .unwrap()
                .disabled
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn one_time_tokens_work_once_and_expire() {
    for db in TestDb::every_backend().await {
        let id = account(&db.store, &email("t@example.com"), "T", "$h")
            .await
            .unwrap();
        write!(db.store, |tx| tx
            .create_token("t1", TokenPurpose::PasswordReset, id, "", 10_000)
            .await)
        .unwrap();
        write!(db.store, |tx| tx
            .create_token(
                "t2",
                TokenPurpose::EmailChange,
                id,
                "new@example.com",
                10_000,
            )
            .await)
        .unwrap();
        assert!(
            write!(db.store, |tx| tx
                .consume_token("t1", TokenPurpose::EmailChange, 1)
                .await)
            .unwrap()
            .is_none(),
            "purpose"
        );
        assert_eq!(
            write!(db.store, |tx| tx
                .consume_token("t1", TokenPurpose::PasswordReset, 1)
                .await)
            .unwrap(),
            Some((id, String::new()))
        );
        assert!(
            write!(db.store, |tx| tx
                .consume_token("t1", TokenPurpose::PasswordReset, 2)
                .await)
            .unwrap()
            .is_none(),
            "once"
        );
        assert!(
            write!(db.store, |tx| tx
                .consume_token("t2", TokenPurpose::EmailChange, 10_000)
                .await)
            .unwrap()
            .is_none(),
            "expired"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn rate_limit_windows_count_and_prune() {
    for db in TestDb::every_backend().await {
        for expected in 1..=3 {
            assert_eq!(
                write!(db.store, |tx| tx.hit("login:a", 60_000).await).unwrap(),
                expected
            );
        }
        assert_eq!(db.store.hits("login:a", 60_000).await.unwrap(), 3);
        assert_eq!(
            write!(db.store, |tx| tx.hit("login:a", 120_000).await).unwrap(),
            1,
            "a new window"
        );
        assert_eq!(
            write!(db.store, |tx| tx.prune_rate_limits(100_000).await).unwrap(),
            1
        );
        assert_eq!(db.store.hits("login:a", 60_000).await.unwrap(), 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_outbox_and_the_audit_log_record_in_order() {
    for db in TestDb::every_backend().await {
        let a = write!(db.store, |tx| tx
            .enqueue_mail("x@example.com", "One", "body")
            .await)
        .unwrap();
        let b = write!(db.store, |tx| tx
            .enqueue_mail("y@example.com", "Two", "body")
            .await)
        .unwrap();
        let now = store::now_millis();
        write!(db.store, |tx| tx
            .mark_mail_failed(a, "refused", now + 30_000)
            .await)
        .unwrap();
        let ids = |mails: Vec<store::OutboxMail>| {
            mails.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>()
        };
        // A lease of 0 only looks: what it takes is free again at once.
        assert_eq!(
            ids(db.store.claim_due_mail(now, 0, 5, 10).await.unwrap()),
            vec![(b, 0)],
            "a failed mail waits out its back-off"
        );
        assert_eq!(
            ids(db
                .store
                .claim_due_mail(now + 60_000, 0, 5, 1)
                .await
                .unwrap()),
            vec![(b, 0)],
            "then the one waiting longest goes first"
        );
        assert_eq!(
            db.store
                .claim_due_mail(now + 60_000, 0, 1, 10)
                .await
                .unwrap()
                .len(),
            1,
            "given up after max attempts"
        );
        let mut taken = ids(db
            .store
            .claim_due_mail(now + 60_000, 5_000, 5, 10)
            .await
            .unwrap());
        taken.sort_unstable();
        assert_eq!(taken, vec![(a, 1), (b, 0)], "a node takes both");
        assert!(
            db.store
                .claim_due_mail(now + 60_000, 5_000, 5, 10)
                .await
                .unwrap()
                .is_empty(),
            "another node finds them taken"
        );
        assert_eq!(
            db.store
                .claim_due_mail(now + 65_000, 5_000, 5, 10)
                .await
                .unwrap()
                .len(),
            2,
            "until the lease runs out"
        );
        assert!(write!(db.store, |tx| tx.mark_mail_sent(b).await).unwrap());
        assert!(
            !write!(db.store, |tx| tx.mark_mail_sent(b).await).unwrap(),
            "sent once"
        );
        for event in ["sign_in", "sign_out"] {
            write!(db.store, |tx| tx
                .record_audit(&AuditEntry {
                    event,
                    actor: None,
                    subject: None,
                    ip: "::1",
                    detail: "",
                })
                .await)
            .unwrap();
        }
        let page = |filter: store::AuditFilter| {
            let store = db.store.clone();
            async move {
                store
                    .audit_page(&filter, 10)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.event)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(page(Default::default()).await, vec!["sign_out", "sign_in"]);
        let newest = db.store.audit_page(&Default::default(), 1).await.unwrap()[0].id;
        assert_eq!(
            page(store::AuditFilter {
                before: Some(newest),
                ..Default::default()
            })
            .await,
            vec!["sign_in"],
            "paging by id"
        );
        assert_eq!(
            page(store::AuditFilter {
                event: Some("sign_in".into()),
                ip: Some("::1".into()),
                from: Some(now - 60_000),
                until: Some(now + 60_000),
                ..Default::default()
            })
            .await,
            vec!["sign_in"],
            "filters combine ({:?})",
            db.backend()
        );
        assert!(
            page(store::AuditFilter {
                user: Some(domain::UserId::new(42)),
                ..Default::default()
            })
            .await
            .is_empty()
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_avatar_replaces_the_old_record_and_hands_back_its_key() {
    for db in TestDb::every_backend().await {
        let id = account(&db.store, &email("p@example.com"), "P", "$h")
            .await
            .unwrap();
        assert!(db.store.avatar_media(id).await.unwrap().is_none());
        let record = |key: &'static str| store::NewMedia {
            owner: id,
            kind: domain::MediaKind::Avatar,
            storage_key: key,
            content_type: "image/png",
            byte_size: 3,
            file_name: "avatar.png",
            duration_seconds: None,
        };
        let first = write!(db.store, |tx| async {
            let media = tx.insert_media(&record("avatar/one")).await?;
            tx.replace_avatar(id, media).await
        }
        .await)
        .unwrap();
        assert_eq!(first, None, "nothing replaced");
        let second = write!(db.store, |tx| async {
            let media = tx.insert_media(&record("avatar/two")).await?;
            tx.replace_avatar(id, media).await
        }
        .await)
        .unwrap();
        assert_eq!(second.as_deref(), Some("avatar/one"), "{:?}", db.backend());
        let now = db.store.avatar_media(id).await.unwrap().unwrap();
        assert_eq!(now.storage_key, "avatar/two");
        assert_eq!(now.byte_size, 3);
        assert!(db.store.user(id).await.unwrap().unwrap().has_avatar);
        let taken = write!(db.store, |tx| tx.insert_media(&record("avatar/two")).await);
        assert!(
            matches!(taken, Err(store::StoreError::Conflict(_))),
            "keys are unique"
        );
        assert!(write!(db.store, |tx| tx.delete_media(now.id).await).unwrap());
        assert!(
            !db.store.user(id).await.unwrap().unwrap().has_avatar,
            "deleting the file clears the avatar ({:?})",
            db.backend()
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn look_alike_emails_are_taken_too() {
    for db in TestDb::every_backend().await {
        let first = account(&db.store, &email("eco@example.com"), "Eco", "$h")
            .await
            .unwrap();
        // All Cyrillic: е, с, о.
        let twin = email("\u{435}\u{441}\u{43e}@example.com");
        assert!(db.store.email_taken(&twin).await.unwrap());
        assert!(
            matches!(
                account(&db.store, &twin, "Twin", "$h").await,
                Err(StoreError::Conflict(_))
            ),
            "{:?}",
            db.backend()
        );
        let other = account(&db.store, &email("other@example.com"), "O", "$h")
            .await
            .unwrap();
        assert!(matches!(
            write!(db.store, |tx| tx
                .set_email(other, &email("ECO@example.com"))
                .await),
            Err(StoreError::Conflict(_))
        ));
        assert!(
            !db.store
                .email_taken(&email("new@example.com"))
                .await
                .unwrap()
        );
        assert_ne!(first, other);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_reset_uses_its_token_and_voids_the_others_in_one_unit() {
    for db in TestDb::every_backend().await {
        let id = account(&db.store, &email("r@example.com"), "R", "$old")
            .await
            .unwrap();
        let now = store::now_millis();
        for token in ["t1", "t2"] {
            write!(db.store, |tx| tx
                .create_token(token, TokenPurpose::PasswordReset, id, "", now + 60_000)
                .await)
            .unwrap();
        }
        write!(db.store, |tx| tx
            .create_session(&NewSession {
                token_hash: "s1",
                user: id,
                now,
                user_agent: "",
                ip: "",
            })
            .await)
        .unwrap();
        assert_eq!(
            db.store
                .live_tokens(id, TokenPurpose::PasswordReset, now)
                .await
                .unwrap(),
            2
        );
        assert!(
            db.store
                .token_is_live("t1", TokenPurpose::PasswordReset, now)
                .await
                .unwrap()
        );
        // The reset use case's unit: use the token, change the password, audit; together.
        let reset = |token: &'static str, hash: &'static str| {
            let store = db.store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let (user, _) = tx
                    .consume_token(token, TokenPurpose::PasswordReset, now)
                    .await
                    .unwrap()?;
                tx.change_password(user, hash, None, now).await.unwrap();
                tx.record_audit(&AuditEntry {
                    event: "password_reset",
                    actor: None,
                    subject: Some(user),
                    ip: "::1",
                    detail: "",
                })
                .await
                .unwrap();
                tx.commit().await.unwrap();
                Some(user)
            }
        };
        assert_eq!(reset("nope", "$new").await, None);
        assert_eq!(reset("t1", "$new").await, Some(id));
        let creds = db.store.credentials_by_id(id).await.unwrap().unwrap();
        assert_eq!(creds.password_hash.as_deref(), Some("$new"));
        assert!(db.store.list_sessions(id).await.unwrap().is_empty());
        assert_eq!(
            db.store
                .live_tokens(id, TokenPurpose::PasswordReset, now)
                .await
                .unwrap(),
            0,
            "the other link is void ({:?})",
            db.backend()
        );
        assert_eq!(reset("t2", "$evil").await, None);
        let log = db.store.audit_page(&Default::default(), 5).await.unwrap();
        assert_eq!(log[0].event, "password_reset");
        assert_eq!(log[0].subject, Some(id));
        db.cleanup().await;
    }
}
