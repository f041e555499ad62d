//! The authoring studio's use cases on both backends: a course from settings to a published
//! revision, conflicts between two tabs, who may touch what, and publishing as one unit of work.

use domain::authoring::{Field, FieldProblem, ReviewState, SettingsForm, TransitionError};
use domain::{LessonKind, LocalizedText, Role, Slug};
use services::{Client, CurrentSession, ServiceError, Services};
use store::NewCategory;
use testdb::TestDb;

const PASSWORD: &str = "correct horse battery staple";

pub(crate) fn client() -> Client {
    Client {
        ip: "203.0.113.7".into(),
        user_agent: "studio test".into(),
    }
}

fn services(db: &TestDb) -> Services {
    Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://lore.test",
    )
}

/// A signed-in account with `role`, set before the session is first used (so no cache holds the
/// learner it started as).
pub(crate) async fn person(
    db: &TestDb,
    services: &Services,
    email: &str,
    role: Role,
) -> CurrentSession {
    let signed_in = services
        .register(email, "Person", PASSWORD, &client())
        .await
        .unwrap();
    let address = domain::Email::parse(email).unwrap();
    let id = db.store.credentials(&address).await.unwrap().unwrap().id;
    testdb::write_alone!(db.store, |tx| tx.set_user_role(id, role).await).unwrap();
    services
        .authenticate(&signed_in.token)
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn category(db: &TestDb) -> i64 {
    let new = NewCategory {
        slug: Slug::parse("programming").unwrap(),
        name: LocalizedText {
            en: "Programming".into(),
            zh_cn: "编程".into(),
        },
        position: 1,
    };
    testdb::write_alone!(db.store, |tx| tx.upsert_category(&new).await)
        .unwrap()
        .get()
}

fn form(title: &str, category: i64) -> SettingsForm {
    SettingsForm {
        title: title.into(),
        category: category.to_string(),
        language: "zh-CN".into(),
        level: "beginner".into(),
        price: "99".into(),
        currency: "CNY".into(),
        description_html: "<p>Learn <b>Rust</b><script>alert(1)</script></p>".into(),
        outcomes: "Ownership\nBorrowing".into(),
        ..SettingsForm::default()
    }
}

#[tokio::test]
async fn a_course_goes_from_settings_to_a_published_revision() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "author@example.com", Role::Author).await;
        let admin = person(&db, &services, "admin@example.com", Role::Admin).await;
        let category = category(&db).await;

        let course = services
            .create_course(&author, &form("Rust 入门", category), &client())
            .await
            .unwrap();
        let draft = services.course_draft(&author, course).await.unwrap();
        assert_eq!(draft.settings.slug.as_str(), "rust-ru-men");
        assert_eq!(draft.settings.description_html, "<p>Learn <b>Rust</b></p>");
        assert_eq!(draft.state, ReviewState::Draft);
        assert!(!draft.listed);

        // A second course with the same title gets the next free slug.
        let twin = services
            .create_course(&author, &form("Rust 入门", category), &client())
            .await
            .unwrap();
        let twin_slug = services.course_draft(&author, twin).await.unwrap();
        assert_eq!(twin_slug.settings.slug.as_str(), "rust-ru-men-2");

        let basics = services.add_chapter(&author, course, "基础").await.unwrap();
        let intro = services
            .add_lesson(&author, basics, "Hello", LessonKind::Text)
            .await
            .unwrap();
        let second = services
            .add_lesson(&author, basics, "所有权", LessonKind::Text)
            .await
            .unwrap();
        let typed =
            "<h2>你好</h2><p onclick=\"x()\">Hello <a href=\"javascript:alert(1)\">world</a></p>";
        let saved = services
            .save_lesson_body(&author, intro, typed, 1)
            .await
            .unwrap();
        assert_eq!(saved.version, 2);
        assert_eq!(
            saved.html,
            "<h2>你好</h2><p>Hello <a rel=\"noopener noreferrer nofollow\">world</a></p>"
        );
        assert_eq!(saved.stats.words, 4);
        assert_eq!(saved.duration_seconds, 60);

        // The same save sent again (its answer lost on the way) answers as the first did.
        let retried = services
            .save_lesson_body(&author, intro, typed, 1)
            .await
            .unwrap();
        assert_eq!(retried, saved);

        // A second tab still at version 1 is refused, and the first tab's text stays.
        let stale = services
            .save_lesson_body(&author, intro, "<p>older tab</p>", 1)
            .await;
        assert!(
            matches!(stale, Err(ServiceError::EditConflict { version: 2 })),
            "{stale:?}"
        );
        let lesson = services.draft_lesson(&author, intro).await.unwrap();
        assert!(lesson.body_html.contains("你好"));

        services
            .reorder_lessons(&author, basics, &[second, intro])
            .await
            .unwrap();
        let refused = services
            .reorder_lessons(&author, basics, &[second, second])
            .await;
        assert!(matches!(refused, Err(ServiceError::Invalid("order"))));
        let outline = services.draft_outline(&author, course).await.unwrap();
        let order: Vec<_> = outline[0].lessons.iter().map(|l| l.id).collect();
        assert_eq!(order, [second, intro]);

        let number = services
            .submit_course(&author, course, &client())
            .await
            .unwrap();
        assert_eq!(number, 1);
        let again = services.submit_course(&author, course, &client()).await;
        assert!(matches!(
            again,
            Err(ServiceError::Transition(TransitionError::AlreadyInReview))
        ));
        let by_author = services
            .publish_revision(&author, course, 1, &client())
            .await;
        assert!(matches!(by_author, Err(ServiceError::Forbidden)));
        services
            .publish_revision(&admin, course, 1, &client())
            .await
            .unwrap();

        let live = services.course("rust-ru-men").await.unwrap();
        assert_eq!(live.card.title, "Rust 入门");
        let live_ids: Vec<_> = live.chapters[0].lessons.iter().map(|l| l.id).collect();
        assert_eq!(
            live_ids,
            [second, intro],
            "ids and order carried to the live course"
        );

        // Edits to the draft do not reach learners until the next revision is published.
        services.delete_lesson(&author, second).await.unwrap();
        services.delete_lesson(&author, second).await.unwrap(); // a retry is harmless
        let live = services.course("rust-ru-men").await.unwrap();
        assert_eq!(live.chapters[0].lessons.len(), 2);
        services
            .submit_course(&author, course, &client())
            .await
            .unwrap();
        services
            .publish_revision(&admin, course, 2, &client())
            .await
            .unwrap();
        let live = services.course("rust-ru-men").await.unwrap();
        let live_ids: Vec<_> = live.chapters[0].lessons.iter().map(|l| l.id).collect();
        assert_eq!(live_ids, [intro]);
        let history = services.revisions(&author, course).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(
            history
                .iter()
                .all(|r| r.decision.as_deref() == Some("approved"))
        );
        let home = services.studio_courses(&author).await.unwrap();
        assert_eq!(home.len(), 2);
        let listed = home.iter().find(|c| c.course == course).unwrap();
        assert_eq!(listed.state, ReviewState::Published);
        assert_eq!(listed.live_revision, Some(2));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn only_the_author_and_admins_touch_a_course() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "owner@example.com", Role::Author).await;
        let other = person(&db, &services, "other@example.com", Role::Author).await;
        let learner = person(&db, &services, "learner@example.com", Role::Learner).await;
        let admin = person(&db, &services, "root@example.com", Role::Admin).await;
        let category = category(&db).await;
        let course = services
            .create_course(&author, &form("Mine", category), &client())
            .await
            .unwrap();
        let chapter = services.add_chapter(&author, course, "One").await.unwrap();
        let lesson = services
            .add_lesson(&author, chapter, "L", LessonKind::Text)
            .await
            .unwrap();

        for stranger in [&other, &learner] {
            assert!(matches!(
                services.course_draft(stranger, course).await,
                Err(ServiceError::NotFound)
            ));
            assert!(matches!(
                services.add_chapter(stranger, course, "x").await,
                Err(ServiceError::NotFound)
            ));
            assert!(matches!(
                services
                    .save_lesson_body(stranger, lesson, "<p>x</p>", 1)
                    .await,
                Err(ServiceError::NotFound)
            ));
            assert!(matches!(
                services.submit_course(stranger, course, &client()).await,
                Err(ServiceError::NotFound)
            ));
        }
        assert!(matches!(
            services.studio_courses(&learner).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            services
                .create_course(&learner, &form("Nope", category), &client())
                .await,
            Err(ServiceError::Forbidden)
        ));
        // An admin may edit anyone's course.
        services
            .rename_chapter(&admin, chapter, "Renamed")
            .await
            .unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_settings_name_every_field_and_keep_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "typo@example.com", Role::Author).await;
        let category = category(&db).await;
        let before = db.snapshot().await;
        let mut bad = form("", category);
        bad.price = "12.345".into();
        bad.refund_days = "45".into();
        let Err(ServiceError::Fields(errors)) =
            services.create_course(&author, &bad, &client()).await
        else {
            panic!("expected field errors");
        };
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Title, Field::Price, Field::RefundDays]);
        assert_eq!(db.snapshot().await, before);

        let course = services
            .create_course(&author, &form("First", category), &client())
            .await
            .unwrap();
        let mut taken = form("Second", category);
        taken.slug = "first".into();
        let Err(ServiceError::Fields(errors)) =
            services.create_course(&author, &taken, &client()).await
        else {
            panic!("expected a taken slug");
        };
        assert_eq!(errors[0].field, Field::Slug);
        assert_eq!(errors[0].problem, FieldProblem::Taken);

        // Settings saved from an old version are refused.
        let draft = services.course_draft(&author, course).await.unwrap();
        let mut edit = form("First, renamed", category);
        edit.slug = "first".into();
        let v2 = services
            .update_course(&author, course, &edit, draft.version)
            .await
            .unwrap();
        assert_eq!(v2, draft.version + 1);
        let stale = services
            .update_course(&author, course, &edit, draft.version)
            .await;
        assert!(matches!(stale, Err(ServiceError::EditConflict { .. })));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn publishing_is_all_or_nothing() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let author = person(&db, &services, "atomic@example.com", Role::Author).await;
        let admin = person(&db, &services, "boss@example.com", Role::Admin).await;
        let category = category(&db).await;
        let course = services
            .create_course(&author, &form("Atomic", category), &client())
            .await
            .unwrap();
        let chapter = services.add_chapter(&author, course, "One").await.unwrap();
        services
            .add_lesson(&author, chapter, "L", LessonKind::Text)
            .await
            .unwrap();
        let empty = services
            .create_course(&author, &form("Empty", category), &client())
            .await
            .unwrap();
        assert!(matches!(
            services.submit_course(&author, empty, &client()).await,
            Err(ServiceError::Transition(TransitionError::Empty))
        ));
        services
            .submit_course(&author, course, &client())
            .await
            .unwrap();

        // The course row is updated first; a failure on its lessons must undo that too.
        db.break_writes("INSERT", "lessons").await;
        let before = db.snapshot().await;
        let failed = services
            .publish_revision(&admin, course, 1, &client())
            .await;
        assert!(
            matches!(failed, Err(ServiceError::Unavailable(_))),
            "{failed:?}"
        );
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.heal("INSERT", "lessons").await;
        services
            .publish_revision(&admin, course, 1, &client())
            .await
            .unwrap();
        assert!(services.course("atomic").await.is_ok());
        db.cleanup().await;
    }
}

/// The demo seed prints a sign-in for one author, who then finds their courses in the studio; a
/// second seed writes nothing and prints nothing (every backend).
#[tokio::test]
async fn the_demo_author_can_sign_in_to_their_studio() {
    for db in TestDb::every_backend().await {
        let services = services(&db);
        let report = services::demo::seed(&services, &demo_dir()).await.unwrap();
        let (email, password) = report.author.expect("a demo author sign-in");
        let signed_in = services.login(&email, &password, &client()).await.unwrap();
        let me = services
            .authenticate(&signed_in.token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(me.actor.role, Role::Author);
        let courses = services.studio_courses(&me).await.unwrap();
        assert_eq!(courses.len(), 14, "{:?}", db.backend());
        assert!(
            services::demo::seed_if_empty(&services, &demo_dir())
                .await
                .unwrap()
                .is_none()
        );
        db.cleanup().await;
    }
}

pub(crate) fn demo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}
