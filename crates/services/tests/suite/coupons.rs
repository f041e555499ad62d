//! Coupons through the use cases, on both backends: who may make which, the price they give,
//! their redemption limit under concurrent checkouts, ending one, and a checkout's bad input
//! refused with nothing written. Two `Services` on one database stand for two nodes.

use crate::studio::person;
use domain::coupon::{CouponError, CouponForm, CouponTarget};
use domain::order::CheckoutProblem;
use domain::{CourseId, Lang, Money, Role};
use services::{ServiceError, Services};
use testdb::TestDb;

fn node(db: &TestDb) -> Services {
    Services::new(
        db.store.clone(),
        media::MediaStore::in_memory(),
        "http://127.0.0.1:9",
    )
}

fn form(code: &str, kind: &str, amount: &str, max: &str) -> CouponForm {
    CouponForm {
        code: code.into(),
        kind: kind.into(),
        amount: amount.into(),
        currency: "CNY".into(),
        until: String::new(),
        max_redemptions: max.into(),
    }
}

fn yuan(minor: i64) -> Money {
    Money::price(minor, domain::Currency::Cny).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_authors_last_redemption_goes_to_one_of_two_nodes_and_the_price_is_what_was_shown() {
    for db in TestDb::every_backend().await {
        let (one, two) = (node(&db), node(&db));
        let author = person(&db, &one, "seller@example.com", Role::Author).await;
        let course = db.course_on_sale("paid-course", author.actor.id).await;
        let limited = form("launch", "percent", "25", "1");
        one.create_coupon(&author.actor, &limited, Some(course))
            .await
            .unwrap();
        let ada = person(&db, &one, "ada@example.com", Role::Learner).await;
        let quote = two
            .quote(Some(&ada.actor), "paid-course", Some(" Launch "))
            .await
            .unwrap();
        assert_eq!(
            (quote.list, quote.discount, quote.total),
            (yuan(19_900), yuan(4_975), yuan(14_925))
        );

        let bob = person(&db, &one, "bob@example.com", Role::Learner).await;
        let (first, second) = tokio::join!(
            one.checkout(
                &ada.actor,
                "paid-course",
                Some("launch"),
                "ada-key-000000001",
                Lang::En
            ),
            two.checkout(
                &bob.actor,
                "paid-course",
                Some("launch"),
                "bob-key-000000001",
                Lang::En
            ),
        );
        let (won, lost) = match (first, second) {
            (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
            other => panic!(
                "{:?}: one redemption, two winners or none: {other:?}",
                db.backend()
            ),
        };
        assert!(
            matches!(
                lost,
                ServiceError::Checkout(CheckoutProblem::Coupon(CouponError::UsedUp))
            ),
            "{lost:?}"
        );
        let order = db.store.order(won.order).await.unwrap().unwrap();
        assert_eq!(order.facts.amount, yuan(14_925), "charged what was shown");
        let page = one.coupons_page(&author.actor).await.unwrap();
        assert_eq!(page.coupons.len(), 1);
        let listed = &page.coupons[0];
        assert_eq!(
            (listed.redeemed, listed.max_redemptions, listed.over),
            (1, Some(1), true)
        );
        assert_eq!(
            listed.target,
            CouponTarget::Course("Course paid-course".into())
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn who_makes_which_coupon_and_ending_one_stops_it() {
    for db in TestDb::every_backend().await {
        let services = node(&db);
        let author = person(&db, &services, "seller@example.com", Role::Author).await;
        let other = person(&db, &services, "rival@example.com", Role::Author).await;
        let learner = person(&db, &services, "ada@example.com", Role::Learner).await;
        let admin = person(&db, &services, "root@example.com", Role::Admin).await;
        let course = db.course_on_sale("paid-course", author.actor.id).await;

        let refused = services
            .create_coupon(&learner.actor, &form("mine", "percent", "10", ""), None)
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );
        let theirs = services
            .create_coupon(
                &other.actor,
                &form("steal", "percent", "10", ""),
                Some(course),
            )
            .await;
        assert!(matches!(theirs, Err(ServiceError::NotFound)), "{theirs:?}");
        let bad = services
            .create_coupon(&author.actor, &form("half", "percent", "100", ""), None)
            .await;
        assert!(
            matches!(bad, Err(ServiceError::Invalid("coupon_amount"))),
            "{bad:?}"
        );

        // The rival's all-courses coupon does not work on this author's course.
        services
            .create_coupon(&other.actor, &form("rival", "percent", "10", ""), None)
            .await
            .unwrap();
        let wrong = services
            .quote(Some(&learner.actor), "paid-course", Some("rival"))
            .await;
        assert!(
            matches!(
                wrong,
                Err(ServiceError::Checkout(CheckoutProblem::Coupon(
                    CouponError::WrongCourse
                )))
            ),
            "{wrong:?}"
        );
        let taken = services
            .create_coupon(&author.actor, &form("RIVAL", "percent", "5", ""), None)
            .await;
        assert!(
            matches!(taken, Err(ServiceError::Conflict(ref f)) if f == "coupon_code"),
            "{taken:?}"
        );

        // An admin's coupon works on every course; a fixed amount in the course's currency.
        let platform = services
            .create_coupon(
                &admin.actor,
                &form("welcome", "fixed", "20", ""),
                Some(CourseId::new(1)),
            )
            .await
            .unwrap();
        let quote = services
            .quote(Some(&learner.actor), "paid-course", Some("welcome"))
            .await
            .unwrap();
        assert_eq!(quote.total, yuan(17_900));
        let page = services.coupons_page(&admin.actor).await.unwrap();
        assert!(page.platform);
        assert_eq!(
            page.coupons.len(),
            1,
            "the platform's own, not the authors'"
        );
        assert_eq!(page.coupons[0].target, CouponTarget::Platform);

        // Ending: someone else's is not found; one's own stops at once, twice is fine.
        let stranger = services.end_coupon(&author.actor, platform).await;
        assert!(
            matches!(stranger, Err(ServiceError::NotFound)),
            "{stranger:?}"
        );
        services.end_coupon(&admin.actor, platform).await.unwrap();
        services.end_coupon(&admin.actor, platform).await.unwrap();
        let ended = services
            .quote(Some(&learner.actor), "paid-course", Some("welcome"))
            .await;
        assert!(
            matches!(
                ended,
                Err(ServiceError::Checkout(CheckoutProblem::Coupon(
                    CouponError::Expired
                )))
            ),
            "{ended:?}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_checkout_with_a_bad_key_or_coupon_is_refused_and_writes_nothing() {
    for db in TestDb::every_backend().await {
        let services = node(&db);
        let author = person(&db, &services, "seller@example.com", Role::Author).await;
        db.course_on_sale("paid-course", author.actor.id).await;
        let ada = person(&db, &services, "ada@example.com", Role::Learner).await;
        let before = db.snapshot().await;
        for (key, coupon, expected) in [
            ("short", None, CheckoutProblem::Key),
            ("a key with spaces in it", None, CheckoutProblem::Key),
            (
                "good-key-00000001",
                Some("no"),
                CheckoutProblem::Coupon(CouponError::Malformed),
            ),
            (
                "good-key-00000001",
                Some("nobody-has-it"),
                CheckoutProblem::Coupon(CouponError::Unknown),
            ),
        ] {
            let refused = services
                .checkout(&ada.actor, "paid-course", coupon, key, Lang::En)
                .await;
            assert!(
                matches!(refused, Err(ServiceError::Checkout(ref problem)) if *problem == expected),
                "{key} {coupon:?}: {refused:?}"
            );
        }
        assert_eq!(db.snapshot().await, before, "{:?}", db.backend());
        db.cleanup().await;
    }
}
