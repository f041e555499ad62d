//! The store's two hottest shapes, timed on each backend:
//!   catalog  the home/catalog page query (20 published course cards, joined and counted), repeated;
//!   scan     one read of 100,000 audit rows mapped to structs (what row decoding costs).
//!
//! Seeds its own database: a SQLite file in a temporary folder, and a throw-away PostgreSQL database
//! on `BENCH_POSTGRES_URL` (default: the server these machines run) unless that is unreachable.
//! Prints a human summary on stderr and one JSON object as the last line of stdout.
//!
//!   cargo run --profile server-release -p bench --bin store-queries

mod throwaway;

use domain::{CourseStatus, Currency, Email, Lang, LessonKind, LocalizedText, Money, Role, Slug};
use sqlx::{Connection, Executor};

use std::time::Instant;
use store::{
    AuditFilter, CourseFilter, NewCategory, NewChapter, NewCourse, NewLesson, NewUser, Store,
};

const COURSES: usize = 200;
const CATALOG_RUNS: usize = 2_000;
const SCAN_ROWS: i64 = 100_000;
const SCAN_RUNS: usize = 10;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sqlite_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut results = vec![("sqlite", run(&sqlite_url).await?)];

    if let Some(figures) =
        throwaway::on_postgres("lore_bench", |url| async move { run(&url).await }).await?
    {
        results.push(("postgres", figures));
    }

    let json: Vec<String> = results
        .iter()
        .map(|(backend, r)| {
            format!(
                "\"{backend}\":{{\"catalog_us_p50\":{:.1},\"catalog_us_mean\":{:.1},\
                 \"scan_100k_ms_p50\":{:.1},\"scan_100k_ms_min\":{:.1}}}",
                r.catalog_p50_us, r.catalog_mean_us, r.scan_p50_ms, r.scan_min_ms
            )
        })
        .collect();
    println!(
        "{{\"bench\":\"store_queries\",\"courses\":{COURSES},\"catalog_runs\":{CATALOG_RUNS},\
         \"scan_rows\":{SCAN_ROWS},\"scan_runs\":{SCAN_RUNS},{}}}",
        json.join(",")
    );
    Ok(())
}

struct Figures {
    catalog_p50_us: f64,
    catalog_mean_us: f64,
    scan_p50_ms: f64,
    scan_min_ms: f64,
}

async fn run(url: &str) -> anyhow::Result<Figures> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    seed(&store, url).await?;

    let filter = CourseFilter {
        category: None,
        limit: 20,
        offset: 0,
    };
    for _ in 0..50 {
        store.list_published_courses(&filter).await?;
    }
    let mut catalog = Vec::with_capacity(CATALOG_RUNS);
    for _ in 0..CATALOG_RUNS {
        let start = Instant::now();
        let cards = store.list_published_courses(&filter).await?;
        catalog.push(start.elapsed().as_secs_f64() * 1e6);
        anyhow::ensure!(cards.len() == 20, "expected 20 cards, got {}", cards.len());
    }

    let mut scans = Vec::with_capacity(SCAN_RUNS);
    for _ in 0..SCAN_RUNS {
        let start = Instant::now();
        let rows = store.audit_page(&AuditFilter::default(), SCAN_ROWS).await?;
        scans.push(start.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(rows.len() as i64 == SCAN_ROWS, "scan read {}", rows.len());
    }
    store.close().await;

    let figures = Figures {
        catalog_p50_us: median(&mut catalog),
        catalog_mean_us: catalog.iter().sum::<f64>() / catalog.len() as f64,
        scan_p50_ms: median(&mut scans),
        scan_min_ms: scans.iter().copied().fold(f64::INFINITY, f64::min),
    };
    eprintln!(
        "{}: catalog p50 {:.1} µs (mean {:.1}), 100k-row scan p50 {:.1} ms (min {:.1})",
        url.split(':').next().unwrap_or_default(),
        figures.catalog_p50_us,
        figures.catalog_mean_us,
        figures.scan_p50_ms,
        figures.scan_min_ms
    );
    Ok(figures)
}

/// 200 published courses of 2 chapters × 5 lessons through the store, and 100,000 audit rows in one
/// statement (through the store it would be 100,000 transactions).
async fn seed(store: &Store, url: &str) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let author = tx
        .create_user(&NewUser {
            email: Email::parse("author@bench.test")?,
            display_name: "Bench Author".into(),
            role: Role::Author,
            password_hash: None,
        })
        .await?;
    let category = tx
        .upsert_category(&NewCategory {
            slug: Slug::parse("bench")?,
            name: LocalizedText {
                en: "Bench".into(),
                zh_cn: "基准".into(),
            },
            position: 1,
        })
        .await?;
    for i in 0..COURSES {
        let chapters = (1..=2)
            .map(|c| NewChapter {
                title: format!("Chapter {c}"),
                lessons: (1..=5)
                    .map(|l| NewLesson {
                        title: format!("Lesson {c}.{l}"),
                        kind: LessonKind::Video,
                        is_preview: l == 1,
                        duration_seconds: 600,
                    })
                    .collect(),
            })
            .collect();
        tx.create_course(&NewCourse {
            slug: Slug::parse(&format!("course-{i}"))?,
            author,
            category,
            title: format!("Course number {i}: a realistic length of title"),
            subtitle: "A subtitle of the length people write, give or take".into(),
            description: "Description ".repeat(40),
            language: if i % 2 == 0 { Lang::En } else { Lang::ZhCn },
            price: Money::price(19_900, Currency::Cny)?,
            status: CourseStatus::Published,
            chapters,
        })
        .await?;
    }
    tx.commit().await?;
    let rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
         INSERT INTO audit_log (at, event, actor_id, subject_id, ip, detail) \
         SELECT i, 'sign_in', NULL, NULL, '203.0.113.7', 'a detail of some length' FROM n";
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        conn.execute(rows).await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        conn.execute(rows).await?;
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
