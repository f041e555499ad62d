//! Fan-out: an update to a course owned by 100,000 learners, approved by a reviewer, tells every
//! owner. Timed from the approval to the last notification written, on each backend, while
//! another writer (a learner changing a notification preference, again and again) measures how
//! long the fan-out makes other writes wait. The bar: ≤ 5 s, no write waiting more than 100 ms.
//!
//! Seeds its own database (a SQLite file; a throw-away PostgreSQL database on
//! `BENCH_POSTGRES_URL`, default the server these machines run, unless unreachable). Prints a
//! human summary on stderr and one JSON object as the last line of stdout.
//!
//!   cargo run --profile server-release -p bench --bin fanout

mod throwaway;

use domain::notify::{Delivery, Kind};
use domain::review::Decision;
use domain::{CourseStatus, Currency, Email, Lang, LessonKind, LocalizedText, Money, Role, Slug};
use services::{Client, CurrentSession, Services};
use sqlx::{Connection, Executor};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use store::{NewCategory, NewChapter, NewCourse, NewLesson, NewUser, Store};

const OWNERS: i64 = 100_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sqlite_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut results = vec![("sqlite", run(&sqlite_url).await?)];
    if let Some(figures) =
        throwaway::on_postgres("lore_bench_fanout", |url| async move { run(&url).await }).await?
    {
        results.push(("postgres", figures));
    }

    let json: Vec<String> = results
        .iter()
        .map(|(backend, r)| {
            format!(
                "\"{backend}\":{{\"fanout_s\":{:.3},\"notifications\":{},\
                 \"other_writes\":{},\"other_write_max_ms\":{:.1},\"other_write_p99_ms\":{:.1}}}",
                r.seconds, r.written, r.writes, r.max_wait_ms, r.p99_wait_ms
            )
        })
        .collect();
    println!(
        "{{\"bench\":\"fanout\",\"owners\":{OWNERS},\"batch\":{},{}}}",
        services::notifications::FANOUT_BATCH,
        json.join(",")
    );
    Ok(())
}

struct Figures {
    seconds: f64,
    written: u64,
    writes: usize,
    max_wait_ms: f64,
    p99_wait_ms: f64,
}

fn session(id: domain::UserId, role: Role) -> CurrentSession {
    CurrentSession {
        session_id: 0,
        actor: domain::Actor { id, role },
        display_name: "Bench".into(),
    }
}

async fn run(url: &str) -> anyhow::Result<Figures> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let (author, reviewer, course) = seed(&store, url).await?;
    let services = Services::new(
        store.clone(),
        media::MediaStore::in_memory(),
        "http://bench.test",
    );
    let author = session(author, Role::Author);
    let reviewer = session(reviewer, Role::Reviewer);
    let client = Client::default();
    // An update: one more lesson, submitted for review.
    let chapter = services.draft_outline(&author, course).await?[0].id;
    services
        .add_lesson(&author, chapter, "Bonus", LessonKind::Text)
        .await?;
    let number = services.submit_course(&author, course, &client).await?;

    // Another learner keeps writing while the fan-out runs.
    let stop = Arc::new(AtomicBool::new(false));
    let other = tokio::spawn({
        let store = store.clone();
        let stop = stop.clone();
        let learner = author.actor.id;
        async move {
            let mut waits = Vec::new();
            let mut delivery = Delivery::Both;
            while !stop.load(Ordering::Relaxed) {
                let start = Instant::now();
                let mut tx = store.begin().await?;
                tx.set_delivery(learner, Kind::NewCourse, delivery).await?;
                tx.commit().await?;
                waits.push(start.elapsed().as_secs_f64() * 1e3);
                delivery = if delivery == Delivery::Both {
                    Delivery::InApp
                } else {
                    Delivery::Both
                };
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            anyhow::Ok(waits)
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    services
        .decide_review(&reviewer, course, number, Decision::Approve, "", &client)
        .await?;
    let written = services.drain_fanouts().await?;
    let seconds = start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let mut waits = other.await??;
    anyhow::ensure!(written == OWNERS as u64, "wrote {written} notifications");
    store.close().await;
    waits.sort_by(f64::total_cmp);
    let figures = Figures {
        seconds,
        written,
        writes: waits.len(),
        max_wait_ms: waits.last().copied().unwrap_or_default(),
        p99_wait_ms: waits[waits.len() * 99 / 100],
    };
    eprintln!(
        "{}: {} notifications in {:.3} s; other writes: {} (p99 {:.1} ms, max {:.1} ms)",
        url.split(':').next().unwrap_or_default(),
        figures.written,
        figures.seconds,
        figures.writes,
        figures.p99_wait_ms,
        figures.max_wait_ms
    );
    Ok(figures)
}

/// An author, a reviewer, a published course of one lesson, and 100,000 learners who own it
/// (written in two statements: through the store it would be 200,000 transactions).
async fn seed(
    store: &Store,
    url: &str,
) -> anyhow::Result<(domain::UserId, domain::UserId, domain::CourseId)> {
    let mut tx = store.begin().await?;
    let user = |email: &str, role| NewUser {
        email: Email::parse(email).expect("a valid email"),
        display_name: "Bench".into(),
        role,
        password_hash: None,
    };
    let author = tx
        .create_user(&user("author@bench.test", Role::Author))
        .await?;
    let reviewer = tx
        .create_user(&user("reviewer@bench.test", Role::Reviewer))
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
    let course = tx
        .create_course(&NewCourse {
            slug: Slug::parse("popular")?,
            author,
            category,
            title: "A popular course".into(),
            subtitle: String::new(),
            description: "Popular".into(),
            language: Lang::En,
            price: Money::price(9_900, Currency::Cny)?,
            status: CourseStatus::Published,
            chapters: vec![NewChapter {
                title: "One".into(),
                lessons: vec![NewLesson {
                    title: "First".into(),
                    kind: LessonKind::Text,
                    is_preview: true,
                    duration_seconds: 60,
                }],
            }],
        })
        .await?;
    tx.commit().await?;
    let learners = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
         INSERT INTO users (email, display_name, role, created_at) \
         SELECT 'learner' || i || '@bench.test', 'Learner ' || i, 'learner', 0 FROM n";
    let owners = "INSERT INTO entitlements (user_id, course_id, status, source, created_at) \
         SELECT u.id, c.id, 'active', 'purchase', 0 FROM users u, courses c \
         WHERE u.role = 'learner' AND c.slug = 'popular'";
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        conn.execute(learners).await?;
        conn.execute(owners).await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        conn.execute(learners).await?;
        conn.execute(owners).await?;
    }
    Ok((author, reviewer, course))
}
