//! The store suite's database and catalog half: every test runs against SQLite and, when reachable,
//! PostgreSQL, so both backends keep one behaviour.

use domain::{
    CourseStatus, Currency, Email, Lang, LessonKind, LocalizedText, Money, Role, Slug, UserId,
};
use store::{
    CourseFilter, NewCategory, NewChapter, NewCourse, NewLesson, NewUser, Store, StoreError,
};
use testdb::TestDb;

use testdb::write_alone as write;

pub(crate) fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

pub(crate) async fn author(store: &Store, email: &str) -> UserId {
    write!(store, |tx| tx
        .create_user(&NewUser {
            email: Email::parse(email).unwrap(),
            display_name: "Ada".into(),
            role: Role::Author,
            password_hash: None,
        })
        .await)
    .unwrap()
}

pub(crate) async fn category(store: &Store, s: &str, position: i64) -> domain::CategoryId {
    write!(store, |tx| tx
        .upsert_category(&NewCategory {
            slug: slug(s),
            name: LocalizedText {
                en: format!("{s} en"),
                zh_cn: format!("{s} 中文"),
            },
            position,
        })
        .await)
    .unwrap()
}

pub(crate) fn course(
    s: &str,
    author: UserId,
    category: domain::CategoryId,
    status: CourseStatus,
) -> NewCourse {
    NewCourse {
        slug: slug(s),
        author,
        category,
        title: format!("Title of {s}"),
        subtitle: format!("Subtitle 100% {s}"),
        description: "Long text".into(),
        language: Lang::ZhCn,
        price: Money::price(19900, Currency::Cny).unwrap(),
        status,
        chapters: vec![
            NewChapter {
                title: "第一章".into(),
                lessons: vec![
                    NewLesson {
                        title: "Intro".into(),
                        kind: LessonKind::Video,
                        is_preview: true,
                        duration_seconds: 300,
                    },
                    NewLesson {
                        title: "Deeper".into(),
                        kind: LessonKind::Text,
                        is_preview: false,
                        duration_seconds: 600,
                    },
                ],
            },
            NewChapter {
                title: "Empty for now".into(),
                lessons: vec![],
            },
            NewChapter {
                title: "Two".into(),
                lessons: vec![NewLesson {
                    title: "Audio".into(),
                    kind: LessonKind::Audio,
                    is_preview: false,
                    duration_seconds: 90,
                }],
            },
        ],
    }
}

#[tokio::test]
async fn migrations_apply_from_empty_and_rerun_cleanly() {
    for db in TestDb::every_backend().await {
        assert!(db.store.is_ready().await.unwrap(), "{:?}", db.backend());
        db.store.migrate().await.unwrap();
        assert_eq!(db.store.count_courses().await.unwrap(), 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_unmigrated_database_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let store = Store::connect(&url).await.unwrap();
    assert!(!store.is_ready().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.is_ready().await.unwrap());
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let db = TestDb::sqlite().await;
    let dir = std::path::Path::new(db.url.trim_start_matches("sqlite://"));
    assert!(dir.exists());
    let wal = dir.with_extension("db-wal");
    author(&db.store, "wal@example.com").await;
    assert!(wal.exists(), "a write in WAL mode leaves a -wal file");
    db.cleanup().await;
}

#[tokio::test]
async fn categories_upsert_by_slug_and_list_in_order() {
    for db in TestDb::every_backend().await {
        let b = category(&db.store, "b", 2).await;
        let a = category(&db.store, "a", 1).await;
        let again = write!(db.store, |tx| tx
            .upsert_category(&NewCategory {
                slug: slug("b"),
                name: LocalizedText {
                    en: "Renamed".into(),
                    zh_cn: "改名".into(),
                },
                position: 0,
            })
            .await)
        .unwrap();
        assert_eq!(again, b, "{:?}", db.backend());
        let listed = db.store.list_categories().await.unwrap();
        assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b, a]);
        assert_eq!(listed[0].name.get(Lang::ZhCn), "改名");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn emails_are_unique_regardless_of_case() {
    for db in TestDb::every_backend().await {
        let id = author(&db.store, "ada@example.com").await;
        let again = write!(db.store, |tx| tx
            .create_user(&NewUser {
                email: Email::parse("ADA@example.com").unwrap(),
                display_name: "Other".into(),
                role: Role::Learner,
                password_hash: None,
            })
            .await);
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{:?}: {again:?}",
            db.backend()
        );
        let found = db
            .store
            .credentials(&Email::parse("Ada@Example.com").unwrap())
            .await
            .unwrap()
            .map(|c| (c.id, c.role));
        assert_eq!(found, Some((id, Role::Author)));
        assert!(write!(db.store, |tx| tx.set_user_role(id, Role::Admin).await).unwrap());
        assert!(
            !write!(db.store, |tx| tx
                .set_user_role(UserId::new(id.get() + 1000), Role::Admin)
                .await)
            .unwrap()
        );
        let found = db
            .store
            .credentials(&Email::parse("ada@example.com").unwrap())
            .await
            .unwrap()
            .map(|c| (c.id, c.role));
        assert_eq!(found, Some((id, Role::Admin)));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_course_round_trips_with_its_outline() {
    for db in TestDb::every_backend().await {
        let who = author(&db.store, "a@example.com").await;
        let cat = category(&db.store, "code", 1).await;
        let id = write!(db.store, |tx| tx
            .create_course(&course("rust", who, cat, CourseStatus::Published))
            .await)
        .unwrap();
        let detail = db
            .store
            .published_course(&slug("rust"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.card.id, id);
        assert_eq!(detail.card.lesson_count, 3);
        assert_eq!(detail.card.author_name, "Ada");
        assert_eq!(detail.card.price.to_string(), "¥199.00");
        assert_eq!(detail.card.language, Lang::ZhCn);
        assert_eq!(detail.category.slug, slug("code"));
        let titles: Vec<(&str, Vec<(&str, bool)>)> = detail
            .chapters
            .iter()
            .map(|c| {
                let lessons = c
                    .lessons
                    .iter()
                    .map(|l| (l.title.as_str(), l.is_preview))
                    .collect();
                (c.title.as_str(), lessons)
            })
            .collect();
        assert_eq!(
            titles,
            vec![
                ("第一章", vec![("Intro", true), ("Deeper", false)]),
                ("Empty for now", vec![]),
                ("Two", vec![("Audio", false)]),
            ],
            "{:?}",
            db.backend()
        );
        assert_eq!(detail.chapters[0].lessons[0].kind, LessonKind::Video);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn only_published_courses_are_public() {
    for db in TestDb::every_backend().await {
        let who = author(&db.store, "a@example.com").await;
        let code = category(&db.store, "code", 1).await;
        let art = category(&db.store, "art", 2).await;
        for (s, cat, status) in [
            ("one", code, CourseStatus::Published),
            ("two", art, CourseStatus::Published),
            ("draft", code, CourseStatus::Draft),
            ("waiting", code, CourseStatus::InReview),
        ] {
            write!(db.store, |tx| tx
                .create_course(&course(s, who, cat, status))
                .await)
            .unwrap();
        }
        assert_eq!(db.store.count_courses().await.unwrap(), 4);
        let all = db
            .store
            .list_published_courses(&CourseFilter {
                category: None,
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        let mut slugs: Vec<&str> = all.iter().map(|c| c.slug.as_str()).collect();
        slugs.sort_unstable();
        assert_eq!(slugs, ["one", "two"], "{:?}", db.backend());
        let in_code = db
            .store
            .list_published_courses(&CourseFilter {
                category: Some(slug("code")),
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!(in_code.len(), 1);
        assert_eq!(in_code[0].slug, slug("one"));
        let paged = db
            .store
            .list_published_courses(&CourseFilter {
                category: None,
                limit: 1,
                offset: 1,
            })
            .await
            .unwrap();
        assert_eq!(paged.len(), 1);
        assert_ne!(paged[0].slug, all[0].slug);
        assert!(
            db.store
                .published_course(&slug("draft"))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.store
                .published_course(&slug("nothing"))
                .await
                .unwrap()
                .is_none()
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_duplicate_slug_is_a_conflict_and_leaves_nothing_behind() {
    for db in TestDb::every_backend().await {
        let who = author(&db.store, "a@example.com").await;
        let cat = category(&db.store, "code", 1).await;
        write!(db.store, |tx| tx
            .create_course(&course("same", who, cat, CourseStatus::Published))
            .await)
        .unwrap();
        let again = write!(db.store, |tx| tx
            .create_course(&course("same", who, cat, CourseStatus::Draft))
            .await);
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{:?}: {again:?}",
            db.backend()
        );
        assert_eq!(db.store.count_courses().await.unwrap(), 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn search_matches_any_case_and_treats_wildcards_literally() {
    for db in TestDb::every_backend().await {
        let who = author(&db.store, "a@example.com").await;
        let cat = category(&db.store, "code", 1).await;
        write!(db.store, |tx| tx
            .create_course(&course("rust", who, cat, CourseStatus::Published))
            .await)
        .unwrap();
        let mut other = course("plain", who, cat, CourseStatus::Published);
        other.subtitle = "nothing special".into();
        write!(db.store, |tx| tx.create_course(&other).await).unwrap();
        let hits = db
            .store
            .search_published_courses("TITLE OF RUST", 10)
            .await
            .unwrap();
        assert_eq!(hits.len(), 1, "{:?}", db.backend());
        let percent = db.store.search_published_courses("100%", 10).await.unwrap();
        assert_eq!(percent.len(), 1, "a literal % must not match everything");
        let underscore = db.store.search_published_courses("_", 10).await.unwrap();
        assert!(
            underscore.is_empty(),
            "a literal _ must not match any character"
        );
        db.cleanup().await;
    }
}

/// One published course of the planted catalog below, as the oracle sees it.
struct Planted {
    id: i64,
    category: &'static str,
    language: Lang,
    price_minor: i64,
    currency: Currency,
    level: &'static str,
    enrollments: i64,
    rating_key: i64,
    newest_key: i64,
}

impl Planted {
    /// The course with id `id`: the same arithmetic as the `UPDATE`s in the test.
    fn new(id: i64, category: &'static str, language: Lang, price: Money) -> Planted {
        let count = id % 3;
        let stars = if count == 0 {
            0
        } else {
            count + id % (4 * count + 1)
        };
        Planted {
            id,
            category,
            language,
            price_minor: price.minor(),
            currency: price.currency(),
            level: ["beginner", "intermediate", "advanced", "all"][(id % 4) as usize],
            enrollments: (id * 7) % 10,
            rating_key: if count == 0 { 0 } else { stars * 100 / count },
            newest_key: 1000 + id % 6,
        }
    }

    fn key(&self, sort: domain::browse::Sort) -> i64 {
        use domain::browse::Sort;
        match sort {
            Sort::Newest => self.newest_key,
            Sort::Popular => self.enrollments,
            Sort::Rating => self.rating_key,
            Sort::PriceLow | Sort::PriceHigh => self.price_minor,
        }
    }

    fn matches(&self, query: &domain::browse::CatalogQuery) -> bool {
        use domain::browse::PriceKind;
        query
            .category
            .as_ref()
            .is_none_or(|c| c.as_str() == self.category)
            && query.language.is_none_or(|l| l == self.language)
            && match query.price {
                PriceKind::Any => true,
                PriceKind::Free => self.price_minor == 0,
                PriceKind::Paid => self.price_minor > 0,
            }
            && query.price_range().is_none_or(|(currency, min, max)| {
                currency == self.currency && (min..=max).contains(&self.price_minor)
            })
            && query.level.is_none_or(|l| l.as_str() == self.level)
            && query
                .min_rating
                .is_none_or(|stars| self.rating_key >= i64::from(stars) * 100)
    }
}

/// Every filter and order pages through exactly the courses an oracle in Rust picks, in its order,
/// with ties broken by id. The store finds a page one of two ways (walking the order's index when
/// the filters match many courses, finding and sorting the matches when they match few); pages of
/// 5 among 51 courses switch between them at 13 matches, and these filters fall on both sides.
#[tokio::test]
async fn every_filter_and_order_pages_through_what_an_oracle_picks() {
    use domain::browse::{CatalogQuery, Sort};
    for db in TestDb::every_backend().await {
        let store = &db.store;
        let ada = author(store, "ada@example.com").await;
        let categories = [
            ("design", category(store, "design", 1).await),
            ("finance", category(store, "finance", 2).await),
        ];
        let mut planted = Vec::new();
        for i in 0..51 {
            let (name, category_id) = categories[i % 2];
            let mut new = course(
                &format!("planted-{i}"),
                ada,
                category_id,
                CourseStatus::Published,
            );
            new.language = if i % 3 == 0 { Lang::En } else { Lang::ZhCn };
            new.price = match i % 4 {
                0 => Money::price(0, Currency::Cny),
                1 => Money::price(9_900, Currency::Cny),
                2 => Money::price(2_900, Currency::Usd),
                _ => Money::price(19_900, Currency::Cny),
            }
            .unwrap();
            let id = write!(store, |tx| tx.create_course(&new).await).unwrap();
            planted.push(Planted::new(id.get(), name, new.language, new.price));
        }
        // Drafts never show, whatever they hold.
        for i in 0..3 {
            let draft = course(
                &format!("draft-{i}"),
                ada,
                categories[0].1,
                CourseStatus::Draft,
            );
            write!(store, |tx| tx.create_course(&draft).await).unwrap();
        }
        db.execute(
            "UPDATE courses SET rating_count = id % 3, published_at = 1000 + id % 6, \
             enrollments = (id * 7) % 10, level = CASE id % 4 WHEN 0 THEN 'beginner' \
             WHEN 1 THEN 'intermediate' WHEN 2 THEN 'advanced' ELSE 'all' END",
        )
        .await;
        db.execute(
            "UPDATE courses SET rating_stars = CASE WHEN rating_count = 0 THEN 0 \
             ELSE rating_count + id % (4 * rating_count + 1) END",
        )
        .await;

        let menu = store.list_categories().await.unwrap();
        assert_eq!(menu.len(), 2);
        let filters = [
            "",
            "lang=zh-CN",
            "category=design&level=beginner",
            "price=paid&rating=3",
            "price=free&lang=en",
            "currency=CNY&min=50&max=199",
            "level=advanced&rating=2&category=finance",
            "lang=en&price=paid&level=all&rating=4",
        ];
        for filter in filters {
            for sort in Sort::ALL {
                let mut query =
                    CatalogQuery::from_pairs(filter.split('&').filter_map(|p| p.split_once('=')));
                query.sort = sort;
                let mut expected: Vec<&Planted> =
                    planted.iter().filter(|c| c.matches(&query)).collect();
                expected.sort_by_key(|c| (c.key(sort), c.id));
                if sort != Sort::PriceLow {
                    expected.reverse();
                }
                let expected: Vec<i64> = expected.iter().map(|c| c.id).collect();
                let mut got = Vec::new();
                loop {
                    let page = store.browse(&query, 5).await.unwrap();
                    assert_eq!(page.total, expected.len() as i64, "{filter} {sort:?}");
                    assert_eq!(page.categories, menu, "read with the count");
                    got.extend(page.courses.iter().map(|c| c.id.get()));
                    match page.next {
                        Some(next) => query.after = Some(next),
                        None => break,
                    }
                }
                assert_eq!(got, expected, "{filter} by {sort:?} on {:?}", db.backend());
            }
        }
        db.cleanup().await;
    }
}
