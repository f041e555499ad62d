//! Review, publishing and push on both backends: the queue and its rules, a round trip of
//! requested changes, fan-out to owners and followers in batches, digests and unsubscribing,
//! unpublishing, and republishing while learners read.

use crate::studio::{category, client, person};
use domain::authoring::{ReviewState, SettingsForm};
use domain::notify::{Delivery, Kind, Notice};
use domain::review::{Decision, ReasonError, ReviewProblem};
use domain::{CourseId, LessonKind, Role};
use services::{CurrentSession, ServiceError, Services};
use testdb::TestDb;

fn services(db: &TestDb) -> Services {
    Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://lore.test",
    )
}

fn form(title: &str, category: i64) -> SettingsForm {
    SettingsForm {
        title: title.into(),
        category: category.to_string(),
        language: "zh-CN".into(),
        level: "beginner".into(),
        price: "49".into(),
        currency: "CNY".into(),
        description_html: "<p>About</p>".into(),
        ..SettingsForm::default()
    }
}

/// A course by `author` with one chapter of `lessons` text lessons, submitted; its id.
async fn submitted_course(
    services: &Services,
    author: &CurrentSession,
    title: &str,
    category: i64,
    lessons: &[&str],
) -> CourseId {
    let course = services
        .create_course(author, &form(title, category), &client())
        .await
        .unwrap();
    let chapter = services
        .add_chapter(author, course, "第一章")
        .await
        .unwrap();
    for title in lessons {
        let lesson = services
            .add_lesson(author, chapter, title, LessonKind::Text)
            .await
            .unwrap();
        services
            .save_lesson_body(author, lesson, "<p>所有权很重要</p>", 1)
            .await
            .unwrap();
    }
    services
        .submit_course(author, course, &client())
        .await
        .unwrap();
    course
}

fn notices(page: &services::NotificationsPage) -> Vec<Notice> {
    page.items.iter().map(|n| n.notice.clone()).collect()
}

#[tokio::test]
async fn a_revision_goes_back_with_a_reason_and_comes_back_approved() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "writer@example.com", Role::Author).await;
        let alice = person(&db, &services, "alice@example.com", Role::Reviewer).await;
        let bob = person(&db, &services, "bob@example.com", Role::Reviewer).await;
        let learner = person(&db, &services, "reader@example.com", Role::Learner).await;
        let category = category(&db).await;
        let course = submitted_course(&services, &author, "Rust 入门", category, &["所有权"]).await;

        for nobody in [&author, &learner] {
            assert!(matches!(
                services.review_queue(nobody).await,
                Err(ServiceError::Forbidden)
            ));
        }
        let queue = services.review_queue(&alice).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].entry.live_revision, None, "a new course");
        assert_eq!(queue[0].size.lessons_added, 1);
        assert_eq!(queue[0].title, "Rust 入门");

        // Alice claims it; Bob can neither claim nor decide while her claim holds.
        services.claim_review(&alice, course, 1).await.unwrap();
        services.claim_review(&alice, course, 1).await.unwrap(); // renewing is fine
        for refused in [
            services.claim_review(&bob, course, 1).await,
            services
                .decide_review(&bob, course, 1, Decision::Approve, "", &client())
                .await,
        ] {
            assert!(
                matches!(&refused, Err(ServiceError::Review(ReviewProblem::Claimed(name))) if name == "Person"),
                "{refused:?}"
            );
        }

        // Changes need a reason; the reason is sanitised and the author is told.
        let empty = services
            .decide_review(&alice, course, 1, Decision::RequestChanges, "  ", &client())
            .await;
        assert!(matches!(
            empty,
            Err(ServiceError::Review(ReviewProblem::Reason(
                ReasonError::Missing
            )))
        ));
        services
            .decide_review(
                &alice,
                course,
                1,
                Decision::RequestChanges,
                "<p>Add <b>exercises</b><script>alert(1)</script></p>",
                &client(),
            )
            .await
            .unwrap();
        let again = services
            .decide_review(&alice, course, 1, Decision::Approve, "", &client())
            .await;
        assert!(
            matches!(again, Err(ServiceError::Review(ReviewProblem::Decided))),
            "{again:?}"
        );
        let history = services.revisions(&author, course).await.unwrap();
        assert_eq!(history[0].decision.as_deref(), Some("changes_requested"));
        assert_eq!(history[0].reason, "<p>Add <b>exercises</b></p>");
        let draft = services.course_draft(&author, course).await.unwrap();
        assert_eq!(draft.state, ReviewState::ChangesRequested);
        let bell = services.notifications(&author, None).await.unwrap();
        assert_eq!(bell.unread, 1);
        assert!(matches!(
            notices(&bell)[..],
            [Notice::ChangesRequested { number: 1, .. }]
        ));
        assert!(services.review_queue(&bob).await.unwrap().is_empty());

        // The author fixes the lesson and resubmits; the diff shows the fix by character.
        let outline = services.draft_outline(&author, course).await.unwrap();
        let lesson = outline[0].lessons[0].id;
        services
            .save_lesson_body(&author, lesson, "<p>借用很重要</p>", 2)
            .await
            .unwrap();
        services
            .submit_course(&author, course, &client())
            .await
            .unwrap();
        let page = services.review_page(&bob, course, 2).await.unwrap();
        assert_eq!(page.entry.live_revision, None);
        assert_eq!(
            page.diff.size.lessons_added, 1,
            "still new: nothing is live yet"
        );

        services
            .decide_review(&bob, course, 2, Decision::Approve, "", &client())
            .await
            .unwrap();
        let live = services
            .course(&draft.settings.slug.to_string())
            .await
            .unwrap();
        assert_eq!(live.card.title, "Rust 入门");
        let draft = services.course_draft(&author, course).await.unwrap();
        assert_eq!(draft.state, ReviewState::Published);
        assert_eq!(draft.live_revision, Some(2));
        let bell = services.notifications(&author, None).await.unwrap();
        assert_eq!(bell.unread, 2);
        assert!(matches!(
            notices(&bell)[0],
            Notice::Approved { number: 2, .. }
        ));
        services.mark_read(&author, None).await.unwrap();
        services.mark_read(&author, None).await.unwrap(); // a retry changes nothing
        assert_eq!(services.unread_count(&author).await.unwrap(), 0);
        let outbox = db.store.search_outbox_after(0, 10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].1, course);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn nobody_reviews_their_own_course() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let admin = person(&db, &services, "root@example.com", Role::Admin).await;
        let category = category(&db).await;
        let course = submitted_course(&services, &admin, "Mine", category, &["One"]).await;
        for refused in [
            services.review_page(&admin, course, 1).await.map(drop),
            services.claim_review(&admin, course, 1).await,
            services
                .decide_review(&admin, course, 1, Decision::Approve, "", &client())
                .await,
            services
                .publish_revision(&admin, course, 1, &client())
                .await,
        ] {
            assert!(
                matches!(refused, Err(ServiceError::Review(ReviewProblem::OwnCourse))),
                "{refused:?}"
            );
        }
        db.cleanup().await;
    }
}

/// Creates `count` learners `fan1@example.com`… in one statement; their ids, ascending.
async fn learners(db: &TestDb, count: i64) -> Vec<domain::UserId> {
    assert!(count <= 3_000);
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) \
         INSERT INTO users (email, display_name, role, created_at) \
         SELECT 'fan' || i || '@example.com', 'Fan ' || i, 'learner', 0 FROM n",
    )
    .await;
    let mut ids = Vec::new();
    for i in 1..=count {
        let email = domain::Email::parse(&format!("fan{i}@example.com")).unwrap();
        ids.push(db.store.credentials(&email).await.unwrap().unwrap().id);
    }
    ids
}

#[tokio::test]
async fn an_update_reaches_every_owner_once_even_with_two_nodes_fanning_out() {
    for db in TestDb::every_backend().await {
        let node_a = services(&db);
        let node_b = services(&db);
        let author = person(&db, &node_a, "teacher@example.com", Role::Author).await;
        let reviewer = person(&db, &node_a, "judge@example.com", Role::Reviewer).await;
        let category = category(&db).await;
        let course = submitted_course(&node_a, &author, "Fan-out", category, &["One"]).await;
        node_a
            .decide_review(&reviewer, course, 1, Decision::Approve, "", &client())
            .await
            .unwrap();
        // Nobody follows the author, so the first publication tells nobody else.
        assert_eq!(node_a.drain_fanouts().await.unwrap(), 0);

        // 3,000 owners: more than one batch. One turned updates off, one wants them by mail.
        let owners = learners(&db, 3_000).await;
        let mut tx = db.store.begin().await.unwrap();
        for owner in &owners {
            tx.grant_entitlement(*owner, course, "grant", 0)
                .await
                .unwrap();
        }
        tx.grant_entitlement(owners[0], course, "grant", 0)
            .await
            .unwrap(); // idempotent
        tx.set_delivery(owners[0], Kind::CourseUpdated, Delivery::Off)
            .await
            .unwrap();
        tx.set_delivery(owners[1], Kind::CourseUpdated, Delivery::Mail)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let chapter = node_a.draft_outline(&author, course).await.unwrap()[0].id;
        for title in ["Two", "Three"] {
            node_a
                .add_lesson(&author, chapter, title, LessonKind::Text)
                .await
                .unwrap();
        }
        node_a
            .submit_course(&author, course, &client())
            .await
            .unwrap();
        let queue = node_a.review_queue(&reviewer).await.unwrap();
        assert_eq!(queue[0].entry.live_revision, Some(1), "an update");
        assert_eq!(queue[0].size.lessons_added, 2);
        node_a
            .decide_review(&reviewer, course, 2, Decision::Approve, "", &client())
            .await
            .unwrap();

        let (a, b) = tokio::join!(node_a.drain_fanouts(), node_b.drain_fanouts());
        let written = a.unwrap() + b.unwrap();
        assert_eq!(written, 2_999, "everyone but the one who turned it off");
        assert_eq!(node_a.drain_fanouts().await.unwrap(), 0, "nothing twice");

        let session = |id| CurrentSession {
            session_id: 0,
            actor: domain::Actor {
                id,
                role: Role::Learner,
            },
            display_name: String::new(),
        };
        let last = node_a
            .notifications(&session(owners[2_999]), None)
            .await
            .unwrap();
        assert!(matches!(
            notices(&last)[..],
            [Notice::CourseUpdated { new_lessons: 2, .. }]
        ));
        assert!(
            node_a
                .notifications(&session(owners[0]), None)
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let mail_only = session(owners[1]);
        assert!(
            node_a
                .notifications(&mail_only, None)
                .await
                .unwrap()
                .items
                .is_empty()
        );

        // The mail-only owner gets one digest once the window has passed, not before.
        let now = store::now_millis();
        assert_eq!(node_a.send_due_digests(now).await.unwrap(), 0);
        let later = now + domain::notify::DIGEST_WINDOW_MS + 1_000;
        let (a, b) = tokio::join!(
            node_a.send_due_digests(later),
            node_b.send_due_digests(later)
        );
        // The owner who wants mail, and the author (review decisions are mailed by default),
        // whose two approvals come as one digest: one mail each, whichever node sent it.
        assert_eq!(a.unwrap() + b.unwrap(), 2, "one digest each, from one node");
        let mails = db.store.claim_due_mail(later, 0, 5, 100).await.unwrap();
        assert_eq!(mails.len(), 2);
        let author_digest = mails
            .iter()
            .find(|m| m.to == "teacher@example.com")
            .expect("the author's digest");
        assert_eq!(
            author_digest.subject, "2 updates from Lore",
            "{}",
            author_digest.body
        );
        let digest = mails
            .iter()
            .find(|m| m.to == "fan2@example.com")
            .expect("the digest");
        assert!(digest.body.contains("2"), "{}", digest.body);
        assert!(digest.body.contains("http://lore.test/courses/"));
        let link = digest
            .body
            .lines()
            .find_map(|l| l.split_once("http://lore.test/notifications/unsubscribe?"))
            .map(|(_, query)| query.to_owned())
            .expect("an unsubscribe link");
        let (payload, sig) = link.split_once("&sig=").unwrap();
        let payload = payload.trim_start_matches("u=");
        let tampered = format!("{}.course_updated", owners[2].get());
        assert!(matches!(
            node_a.unsubscribe(&tampered, sig).await,
            Err(ServiceError::InvalidToken)
        ));
        assert_eq!(
            node_a.unsubscribe(payload, sig).await.unwrap(),
            Kind::CourseUpdated
        );
        node_a.unsubscribe(payload, sig).await.unwrap(); // following it twice is fine
        let prefs = node_a.delivery_prefs(&mail_only).await.unwrap();
        assert!(prefs.contains(&(Kind::CourseUpdated, Delivery::Off)));
        assert_eq!(
            node_a.send_due_digests(later).await.unwrap(),
            0,
            "sent once"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn followers_hear_of_a_new_course() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "famous@example.com", Role::Author).await;
        let fan = person(&db, &services, "fan@example.com", Role::Learner).await;
        let reviewer = person(&db, &services, "checker@example.com", Role::Reviewer).await;
        testdb::write_alone!(db.store, |tx| tx
            .follow(fan.actor.id, author.actor.id, 0)
            .await)
        .unwrap();
        let category = category(&db).await;
        let course = submitted_course(&services, &author, "新课", category, &["一"]).await;
        services
            .decide_review(&reviewer, course, 1, Decision::Approve, "", &client())
            .await
            .unwrap();
        assert_eq!(services.drain_fanouts().await.unwrap(), 1);
        let bell = services.notifications(&fan, None).await.unwrap();
        assert!(matches!(
            &notices(&bell)[..],
            [Notice::NewCourse { title, author, .. }] if title == "新课" && author == "Person"
        ));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_admin_takes_a_course_off_the_catalog_and_back() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "maker@example.com", Role::Author).await;
        let reviewer = person(&db, &services, "eyes@example.com", Role::Reviewer).await;
        let admin = person(&db, &services, "chief@example.com", Role::Admin).await;
        let category = category(&db).await;
        let course = submitted_course(&services, &author, "Listed", category, &["One"]).await;
        services
            .decide_review(&reviewer, course, 1, Decision::Approve, "", &client())
            .await
            .unwrap();
        assert!(matches!(
            services
                .unpublish_course(&reviewer, course, "no", &client())
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            services
                .unpublish_course(&admin, course, "", &client())
                .await,
            Err(ServiceError::Review(ReviewProblem::Reason(
                ReasonError::Missing
            )))
        ));
        services
            .unpublish_course(&admin, course, "Copyright\n\nclaim", &client())
            .await
            .unwrap();
        assert!(matches!(
            services.course("listed").await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            services
                .unpublish_course(&admin, course, "again", &client())
                .await,
            Err(ServiceError::Review(ReviewProblem::Listing(_)))
        ));
        assert_eq!(
            services.unpublished_reason(&author, course).await.unwrap(),
            "<p>Copyright</p><p>claim</p>"
        );
        let draft = services.course_draft(&author, course).await.unwrap();
        assert_eq!(draft.state, ReviewState::Unpublished);
        services
            .republish_course(&admin, course, &client())
            .await
            .unwrap();
        assert!(services.course("listed").await.is_ok());
        assert_eq!(
            services.unpublished_reason(&author, course).await.unwrap(),
            ""
        );
        let bell = services.notifications(&author, None).await.unwrap();
        assert!(matches!(
            notices(&bell)[..],
            [
                Notice::Republished { .. },
                Notice::Unpublished { .. },
                Notice::Approved { .. }
            ]
        ));
        let audit = services
            .audit_log(&admin, &services::AuditFilter::default())
            .await
            .unwrap();
        let events: Vec<_> = audit.0.iter().map(|r| r.event.as_str()).collect();
        for event in [
            "course_published",
            "course_unpublished",
            "course_republished",
        ] {
            assert!(events.contains(&event), "{events:?}");
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn learners_reading_during_50_republishes_never_see_two_revisions_at_once() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "busy@example.com", Role::Author).await;
        let reviewer = person(&db, &services, "quick@example.com", Role::Reviewer).await;
        let category = category(&db).await;
        let course =
            submitted_course(&services, &author, "v0", category, &["v0", "v0", "v0"]).await;
        services
            .decide_review(&reviewer, course, 1, Decision::Approve, "", &client())
            .await
            .unwrap();
        let slug = services
            .course_draft(&author, course)
            .await
            .unwrap()
            .settings
            .slug
            .to_string();
        let lessons: Vec<_> = services.draft_outline(&author, course).await.unwrap()[0]
            .lessons
            .iter()
            .map(|l| l.id)
            .collect();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let services = services.clone();
                let slug = slug.clone();
                let done = done.clone();
                tokio::spawn(async move {
                    let mut reads = 0;
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        let live = services.course(&slug).await.unwrap();
                        let mut titles = vec![live.card.title.clone()];
                        titles.extend(
                            live.chapters
                                .iter()
                                .flat_map(|c| c.lessons.iter().map(|l| l.title.clone())),
                        );
                        assert!(
                            titles.iter().all(|t| *t == titles[0]),
                            "a mix of revisions: {titles:?}"
                        );
                        reads += 1;
                        tokio::task::yield_now().await;
                    }
                    reads
                })
            })
            .collect();
        for round in 1..=50 {
            let title = format!("v{round}");
            let mut edit = form(&title, category);
            edit.slug = slug.clone();
            let version = services
                .course_draft(&author, course)
                .await
                .unwrap()
                .version;
            services
                .update_course(&author, course, &edit, version)
                .await
                .unwrap();
            for lesson in &lessons {
                services
                    .update_lesson_details(&author, *lesson, &title, false)
                    .await
                    .unwrap();
            }
            let number = services
                .submit_course(&author, course, &client())
                .await
                .unwrap();
            services
                .decide_review(&reviewer, course, number, Decision::Approve, "", &client())
                .await
                .unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut reads = 0;
        for reader in readers {
            reads += reader.await.unwrap();
        }
        assert!(reads > 50, "the readers read while publishing ({reads})");
        let live = services.course(&slug).await.unwrap();
        assert_eq!(live.card.title, "v50");
        assert_eq!(
            live.chapters[0]
                .lessons
                .iter()
                .map(|l| l.id)
                .collect::<Vec<_>>(),
            lessons,
            "the lessons kept their ids through 50 revisions"
        );
        db.cleanup().await;
    }
}
