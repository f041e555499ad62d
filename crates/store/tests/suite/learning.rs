//! The learner's side of the store on both backends: entitlements, progress merging, reviews
//! with their aggregates under concurrent writers, moderation, follows, "My learning".

use crate::catalog::{author, category, course};
use domain::progress::{LessonProgress, Report};
use domain::rating::{Rating, RatingSummary};
use domain::{CourseId, CourseStatus, Email, Entitlement, LessonId, Role, UserId};
use store::{NewUser, ProgressWrite, Store};
use testdb::TestDb;
use testdb::write_alone as write;

async fn learner(store: &Store, n: usize) -> UserId {
    write!(store, |tx| tx
        .create_user(&NewUser {
            email: Email::parse(&format!("learner{n}@example.com")).unwrap(),
            display_name: format!("Learner {n}"),
            role: Role::Learner,
            password_hash: None,
        })
        .await)
    .unwrap()
}

/// A published course by a fresh author, with its lessons in order.
async fn published(store: &Store, slug: &str) -> (CourseId, UserId, Vec<LessonId>) {
    let by = author(store, &format!("{slug}@example.com")).await;
    let cat = category(store, "cat", 1).await;
    let id = write!(store, |tx| tx
        .create_course(&course(slug, by, cat, CourseStatus::Published))
        .await)
    .unwrap();
    let detail = store
        .published_course(&domain::Slug::parse(slug).unwrap())
        .await
        .unwrap()
        .unwrap();
    (id, by, detail.lessons_in_order().map(|l| l.id).collect())
}

#[tokio::test]
async fn enrolling_twice_writes_one_entitlement_and_counts_once() {
    for db in TestDb::every_backend().await {
        let (course, _, _) = published(&db.store, "free").await;
        let ada = learner(&db.store, 1).await;
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::None
        );
        let first = write!(db.store, |tx| tx
            .grant_entitlement(ada, course, "free", 1)
            .await)
        .unwrap();
        let again = write!(db.store, |tx| tx
            .grant_entitlement(ada, course, "free", 2)
            .await)
        .unwrap();
        assert!(first && !again, "{:?}", db.backend());
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::Active
        );
        let detail = db
            .store
            .published_course(&domain::Slug::parse("free").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.enrollments, 1);
        let owned = db.store.active_entitlements(ada, &[course]).await.unwrap();
        assert!(owned.contains(&course));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn progress_reports_merge_to_the_same_state_in_any_order() {
    for db in TestDb::every_backend().await {
        let (course, _, lessons) = published(&db.store, "video").await;
        let ada = learner(&db.store, 1).await;
        let played = |position_ms| Report::Played {
            position_ms,
            duration_ms: 100_000,
        };
        // Stamped reports as two tabs might send them, delivered out of order; a manual
        // "not done" at 50 undoes the finish at 40, and the later finish at 60 counts again.
        let reports = [
            (played(30_000), 10),
            (played(95_000), 40),
            (Report::Manual { done: false }, 50),
            (played(20_000), 30),
            (played(96_000), 60),
            (played(10_000), 5),
        ];
        let expected = reports
            .iter()
            .fold(LessonProgress::default(), |s, (r, at)| s.apply(*r, *at));
        let write_of = |(report, at): (Report, i64)| ProgressWrite {
            user: ada,
            course,
            lesson: lessons[0],
            state: LessonProgress::default().apply(report, at),
        };
        // Forwards in one unit of work for lesson 0; backwards one by one for lesson 1.
        let forwards: Vec<ProgressWrite> = reports.iter().copied().map(write_of).collect();
        write!(db.store, |tx| tx.record_progress(&forwards).await).unwrap();
        for report in reports.iter().rev().copied() {
            let mut one = write_of(report);
            one.lesson = lessons[1];
            write!(db.store, |tx| tx.record_progress(&[one]).await).unwrap();
        }
        let stored = db.store.course_progress(ada, course).await.unwrap();
        assert_eq!(stored[&lessons[0]], expected, "{:?}", db.backend());
        assert_eq!(stored[&lessons[1]], expected, "{:?}", db.backend());
        assert!(expected.done && expected.position_ms == 96_000);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_reviews_keep_the_aggregate_exact() {
    for db in TestDb::every_backend().await {
        let (course, _, _) = published(&db.store, "rated").await;
        let mut learners = Vec::new();
        for n in 0..8 {
            learners.push(learner(&db.store, n).await);
        }
        // Every learner rates three times at once with the others; the last write of each wins.
        let mut tasks = tokio::task::JoinSet::new();
        for (n, who) in learners.iter().copied().enumerate() {
            let store = db.store.clone();
            tasks.spawn(async move {
                for round in 0..3 {
                    let stars = Rating::new(((n + round) % 5 + 1) as i64).unwrap();
                    write!(store, |tx| tx
                        .save_review(course, who, stars, "text", round as i64)
                        .await)
                    .unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let mut recount = RatingSummary::default();
        for n in 0..8 {
            let last = Rating::new(((n + 2) % 5 + 1) as i64).ok();
            recount = recount.apply(domain::rating::RatingChange {
                before: None,
                after: last,
            });
        }
        assert_eq!(
            db.store.rating_summary(course).await.unwrap(),
            recount,
            "{:?}",
            db.backend()
        );
        let shown = db.store.course_reviews(course, None, 50).await.unwrap();
        assert_eq!(shown.len(), 8);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn hiding_a_review_removes_it_from_page_and_aggregate_and_restoring_puts_it_back() {
    for db in TestDb::every_backend().await {
        let (course, _, _) = published(&db.store, "moderated").await;
        let (ada, bob) = (learner(&db.store, 1).await, learner(&db.store, 2).await);
        let five = Rating::new(5).unwrap();
        let one = Rating::new(1).unwrap();
        write!(db.store, |tx| tx
            .save_review(course, ada, five, "great", 1)
            .await)
        .unwrap();
        let rude = write!(db.store, |tx| tx
            .save_review(course, bob, one, "rude", 2)
            .await)
        .unwrap();
        write!(db.store, |tx| tx.report_review(rude, ada, "rude", 3).await).unwrap();
        write!(db.store, |tx| tx.report_review(rude, ada, "again", 4).await).unwrap();
        let queue = db.store.moderation_queue(10).await.unwrap();
        assert_eq!(queue.waiting.len(), 1, "{:?}", db.backend());
        assert_eq!(queue.waiting[0].review.id, rude);
        // Ada's second report of the same review is not a second report.
        assert_eq!(queue.waiting[0].reasons, ["rude"]);
        assert!(queue.hidden.is_empty());

        assert_eq!(
            write!(db.store, |tx| tx.moderate_review(rude, true).await).unwrap(),
            Some(course)
        );
        let summary = db.store.rating_summary(course).await.unwrap();
        assert_eq!((summary.count, summary.stars), (1, 5));
        assert_eq!(
            db.store
                .course_reviews(course, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let queue = db.store.moderation_queue(10).await.unwrap();
        assert!(queue.waiting.is_empty());
        assert_eq!(queue.hidden[0].review.id, rude);
        // Editing a hidden review keeps it hidden and out of the aggregate.
        write!(db.store, |tx| tx
            .save_review(course, bob, five, "edited", 5)
            .await)
        .unwrap();
        assert_eq!(db.store.rating_summary(course).await.unwrap().count, 1);

        write!(db.store, |tx| tx.moderate_review(rude, false).await).unwrap();
        let summary = db.store.rating_summary(course).await.unwrap();
        assert_eq!((summary.count, summary.stars), (2, 10));
        assert_eq!(summary.histogram, [0, 0, 0, 0, 2]);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_author_replies_once() {
    for db in TestDb::every_backend().await {
        let (course, _, _) = published(&db.store, "replied").await;
        let ada = learner(&db.store, 1).await;
        let four = Rating::new(4).unwrap();
        let review = write!(db.store, |tx| tx
            .save_review(course, ada, four, "", 1)
            .await)
        .unwrap();
        let first = write!(db.store, |tx| tx
            .reply_to_review(review, "Thanks!", 2)
            .await)
        .unwrap();
        let second = write!(db.store, |tx| tx.reply_to_review(review, "Again", 3).await).unwrap();
        assert!(first && !second, "{:?}", db.backend());
        let stored = db.store.review(review).await.unwrap().unwrap();
        assert_eq!(stored.view.reply.as_deref(), Some("Thanks!"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn my_learning_lists_owned_courses_by_last_activity() {
    for db in TestDb::every_backend().await {
        let (first, _, first_lessons) = published(&db.store, "first").await;
        let (second, _, _) = published(&db.store, "second").await;
        let ada = learner(&db.store, 1).await;
        write!(db.store, |tx| tx
            .grant_entitlement(ada, first, "free", 10)
            .await)
        .unwrap();
        write!(db.store, |tx| tx
            .grant_entitlement(ada, second, "free", 20)
            .await)
        .unwrap();
        let listed: Vec<CourseId> = db
            .store
            .learning(ada)
            .await
            .unwrap()
            .iter()
            .map(|r| r.course)
            .collect();
        assert_eq!(listed, vec![second, first], "{:?}", db.backend());

        write!(db.store, |tx| tx
            .touch_activity(ada, first, first_lessons[1], 30)
            .await)
        .unwrap();
        // An older open (a late beacon) does not move the resume point back.
        write!(db.store, |tx| tx
            .touch_activity(ada, first, first_lessons[0], 25)
            .await)
        .unwrap();
        let done = LessonProgress::default().apply(Report::ReadToEnd, 30);
        write!(db.store, |tx| tx
            .record_progress(&[ProgressWrite {
                user: ada,
                course: first,
                lesson: first_lessons[1],
                state: done,
            }])
            .await)
        .unwrap();
        let rows = db.store.learning(ada).await.unwrap();
        assert_eq!(rows[0].course, first);
        assert_eq!(rows[0].resume, Some(first_lessons[1]));
        assert_eq!(rows[0].done, 1);
        assert_eq!(
            db.store.resume_lesson(ada, first).await.unwrap(),
            Some(first_lessons[1])
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn follows_and_certificates_are_idempotent() {
    for db in TestDb::every_backend().await {
        let (course, by, _) = published(&db.store, "certified").await;
        let ada = learner(&db.store, 1).await;
        write!(db.store, |tx| tx.follow(ada, by, 1).await).unwrap();
        write!(db.store, |tx| tx.follow(ada, by, 2).await).unwrap();
        assert!(db.store.follows(ada, by).await.unwrap());
        assert_eq!(db.store.follower_count(by).await.unwrap(), 1);
        write!(db.store, |tx| tx.unfollow(ada, by).await).unwrap();
        assert!(!db.store.follows(ada, by).await.unwrap());

        let code = write!(db.store, |tx| tx
            .issue_certificate(ada, course, "code-1", 5)
            .await)
        .unwrap();
        let again = write!(db.store, |tx| tx
            .issue_certificate(ada, course, "code-2", 6)
            .await)
        .unwrap();
        assert_eq!((code.as_str(), again.as_str()), ("code-1", "code-1"));
        assert_eq!(
            db.store.certificate("code-1").await.unwrap(),
            Some((ada, course, 5))
        );
        assert_eq!(db.store.certificate("code-2").await.unwrap(), None);
        db.cleanup().await;
    }
}
