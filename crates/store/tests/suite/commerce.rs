//! Orders, coupons, the ledger and the event inbox on both backends: what the constraints refuse,
//! what a step writes, and the invariant check that every commerce test ends with.

use crate::catalog::{author, category, course};
use domain::coupon::{Coupon, CouponCode, CouponScope, Discount, PriceBreakdown};
use domain::order::{OrderStatus, PaymentEvent, apply};
use domain::{
    BasisPoints, CouponId, CourseId, CourseStatus, Currency, Email, Entitlement, Lang, Money,
    OrderId, Role, UserId,
};
use store::{NewCoupon, NewOrder, NewUser, Store, StoreError};
use testdb::TestDb;
use testdb::write_alone as write;

fn yuan(minor: i64) -> Money {
    Money::price(minor, Currency::Cny).unwrap()
}

async fn buyer(store: &Store, n: usize) -> UserId {
    write!(store, |tx| tx
        .create_user(&NewUser {
            email: Email::parse(&format!("buyer{n}@example.com")).unwrap(),
            display_name: format!("Buyer {n}"),
            role: Role::Learner,
            password_hash: None,
        })
        .await)
    .unwrap()
}

async fn paid_course(store: &Store, slug: &str) -> (CourseId, UserId) {
    let by = author(store, &format!("{slug}@example.com")).await;
    let cat = category(store, &format!("c-{slug}"), 1).await;
    let id = write!(store, |tx| tx
        .create_course(&course(slug, by, cat, CourseStatus::Published))
        .await)
    .unwrap();
    (id, by)
}

fn new_order<'a>(
    user: UserId,
    course: CourseId,
    key: &'a str,
    price: PriceBreakdown,
    coupon: Option<CouponId>,
) -> NewOrder<'a> {
    NewOrder {
        user,
        course,
        price,
        platform_share: BasisPoints::new(2_000).unwrap(),
        coupon,
        provider: "sandbox",
        idempotency_key: key,
        lang: Lang::En,
        now: 1_000,
    }
}

/// A course on sale, a buyer, and the buyer's pending order for it at `minor` fen.
async fn pending_order(store: &Store, slug: &str, minor: i64) -> (OrderId, UserId) {
    let (course, _) = paid_course(store, slug).await;
    let ada = buyer(store, 1).await;
    let price = PriceBreakdown::list(yuan(minor));
    let id = write!(store, |tx| tx
        .insert_order(&new_order(ada, course, "key-1", price, None))
        .await)
    .unwrap();
    (id, ada)
}

/// Applies `event` to the order as stored, as the services do: read, decide, write.
async fn deliver(store: &Store, order: OrderId, event: PaymentEvent, now: i64) {
    let mut tx = store.begin().await.unwrap();
    let record = tx.order_for_update(order).await.unwrap().unwrap();
    let step = apply(record.facts, event).unwrap();
    if step.changes() {
        tx.apply_order_step(&record, &step, Some("pi_1"), now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn assert_books_clean(db: &TestDb) {
    let broken = db.store.commerce_violations().await.unwrap();
    assert!(broken.is_empty(), "{:?}: {broken:?}", db.backend());
}

#[tokio::test]
async fn an_order_is_paid_refunded_in_parts_and_ends_with_every_account_at_zero() {
    for db in TestDb::every_backend().await {
        let (id, ada) = pending_order(&db.store, "paid", 19_900).await;
        assert_books_clean(&db).await;
        let order = db.store.order(id).await.unwrap().unwrap();
        let course = order.course;
        assert_eq!(order.facts.status, OrderStatus::Pending);
        assert_eq!(order.price, PriceBreakdown::list(yuan(19_900)));
        assert_eq!(order.course_slug, "paid");
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::None
        );

        deliver(&db.store, id, PaymentEvent::Succeeded, 2_000).await;
        deliver(&db.store, id, PaymentEvent::Succeeded, 2_001).await;
        let order = db.store.order(id).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Paid);
        assert_eq!(order.paid_at, Some(2_000));
        assert_eq!(order.provider_payment.as_deref(), Some("pi_1"));
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::Active
        );
        assert_books_clean(&db).await;

        deliver(
            &db.store,
            id,
            PaymentEvent::Refunded { total: yuan(5_000) },
            3_000,
        )
        .await;
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::Active
        );
        deliver(
            &db.store,
            id,
            PaymentEvent::Refunded {
                total: yuan(19_900),
            },
            4_000,
        )
        .await;
        let order = db.store.order(id).await.unwrap().unwrap();
        assert_eq!(order.facts.status, OrderStatus::Refunded);
        assert_eq!(
            db.store.entitlement(ada, course).await.unwrap(),
            Entitlement::Refunded
        );
        assert_books_clean(&db).await;
        assert_eq!(db.store.orders_of(ada).await.unwrap(), vec![order]);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn one_order_per_key_and_one_pending_order_per_course() {
    for db in TestDb::every_backend().await {
        let (course, _) = paid_course(&db.store, "once").await;
        let ada = buyer(&db.store, 1).await;
        let price = PriceBreakdown::list(yuan(19_900));
        let first = write!(db.store, |tx| tx
            .insert_order(&new_order(ada, course, "key-1", price, None))
            .await)
        .unwrap();
        let same_key = write!(db.store, |tx| tx
            .insert_order(&new_order(ada, course, "key-1", price, None))
            .await);
        assert!(
            matches!(same_key, Err(StoreError::Conflict(_))),
            "{same_key:?}"
        );
        let second_pending = write!(db.store, |tx| tx
            .insert_order(&new_order(ada, course, "key-2", price, None))
            .await);
        assert!(
            matches!(second_pending, Err(StoreError::Conflict(_))),
            "{second_pending:?}"
        );
        let found = db.store.order_by_key(ada, "key-1").await.unwrap().unwrap();
        assert_eq!(found.id, first);
        let pending = db.store.pending_order(ada, course).await.unwrap().unwrap();
        assert_eq!(pending.id, first);
        // Once it is given up on, a new checkout may begin.
        deliver(&db.store, first, PaymentEvent::Cancelled, 2_000).await;
        write!(db.store, |tx| tx
            .insert_order(&new_order(ada, course, "key-2", price, None))
            .await)
        .unwrap();
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_checkouts_never_overdraw_a_coupon() {
    for db in TestDb::every_backend().await {
        let (course, by) = paid_course(&db.store, "sale").await;
        let code = CouponCode::parse("launch").unwrap();
        let coupon = write!(db.store, |tx| tx
            .insert_coupon(&NewCoupon {
                coupon: Coupon {
                    code: code.clone(),
                    discount: Discount::Percent(BasisPoints::new(2_500).unwrap()),
                    scope: CouponScope::Course(course),
                    expires_at: None,
                },
                author: Some(by),
                max_redemptions: Some(3),
                created_by: by,
                now: 1,
            })
            .await)
        .unwrap();
        let stored = db.store.coupon_by_code(&code).await.unwrap().unwrap();
        assert_eq!(stored.id, coupon);
        assert_eq!(stored.coupon.scope, CouponScope::Course(course));

        let mut buyers = Vec::new();
        for n in 0..8 {
            buyers.push(buyer(&db.store, n).await);
        }
        let mut tries = tokio::task::JoinSet::new();
        for user in buyers {
            let (store, stored) = (db.store.clone(), stored.clone());
            tries.spawn(async move {
                let key = format!("key-{user}");
                let mut tx = store.begin().await?;
                if !tx.take_coupon(coupon).await? {
                    tx.rollback().await?;
                    return Ok::<_, StoreError>(None);
                }
                let on = domain::coupon::Priced {
                    course,
                    author: by,
                    price: yuan(19_900),
                };
                let price = stored.coupon.price(&on, 0).unwrap();
                let id = tx
                    .insert_order(&new_order(user, course, &key, price, Some(coupon)))
                    .await?;
                tx.commit().await?;
                Ok(Some(id))
            });
        }
        let mut orders: Vec<OrderId> = tries
            .join_all()
            .await
            .into_iter()
            .filter_map(Result::unwrap)
            .collect();
        orders.sort();
        assert_eq!(orders.len(), 3, "{:?}", db.backend());
        let again = db.store.coupon_by_code(&code).await.unwrap().unwrap();
        assert_eq!(again.redeemed, 3);
        assert_books_clean(&db).await;

        // An expired order gives its redemption back; paying it late takes it again.
        deliver(&db.store, orders[0], PaymentEvent::Expired, 5_000).await;
        let released = db.store.coupon_by_code(&code).await.unwrap().unwrap();
        assert_eq!(released.redeemed, 2);
        assert_books_clean(&db).await;
        deliver(&db.store, orders[0], PaymentEvent::Succeeded, 6_000).await;
        let reclaimed = db.store.coupon_by_code(&code).await.unwrap().unwrap();
        assert_eq!(reclaimed.redeemed, 3);
        let order = db.store.order(orders[0]).await.unwrap().unwrap();
        assert_eq!(order.price.total, yuan(14_925));
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_stale_read_loses_its_compare_and_set_and_writes_nothing() {
    for db in TestDb::every_backend().await {
        let (id, _) = pending_order(&db.store, "race", 100).await;
        let stale = db.store.order(id).await.unwrap().unwrap();
        deliver(&db.store, id, PaymentEvent::Succeeded, 2_000).await;
        let before = db.snapshot().await;
        let step = apply(stale.facts, PaymentEvent::Succeeded).unwrap();
        let lost = write!(db.store, |tx| tx
            .apply_order_step(&stale, &step, None, 3_000)
            .await);
        assert!(matches!(lost, Err(StoreError::Conflict(_))), "{lost:?}");
        assert_eq!(db.snapshot().await, before);
        assert_books_clean(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_event_is_filed_once_and_broken_books_are_reported() {
    for db in TestDb::every_backend().await {
        let (id, _) = pending_order(&db.store, "books", 100).await;
        let file = |at| {
            let store = db.store.clone();
            async move {
                write!(store, |tx| tx
                    .file_payment_event("sandbox", "evt_1", "x", "{}", Some(id), at)
                    .await)
                .unwrap()
            }
        };
        assert!(file(1).await.is_some());
        assert!(file(2).await.is_none());

        deliver(&db.store, id, PaymentEvent::Succeeded, 2_000).await;
        assert_books_clean(&db).await;
        // The checks can fail: take the entitlement away behind the store's back.
        db.execute("UPDATE entitlements SET status = 'refunded'")
            .await;
        let broken = db.store.commerce_violations().await.unwrap();
        assert_eq!(
            broken,
            vec![format!("an order's access does not match its status: {id}")],
            "{:?}",
            db.backend()
        );
        db.execute(
            "UPDATE ledger_entries SET amount_minor = amount_minor + 1 WHERE account = 'author'",
        )
        .await;
        let broken = db.store.commerce_violations().await.unwrap();
        assert_eq!(broken.len(), 2, "{broken:?}");
        db.cleanup().await;
    }
}
