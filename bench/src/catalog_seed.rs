//! Seeds a catalog of 10,000 published courses for `bench/catalog.sh`, straight into the tables
//! (through the studio it would take minutes): 50 authors, the six demo categories, every course
//! with one chapter of three lessons, and a spread of languages, prices in both currencies,
//! levels, ratings and enrollments so every filter and order has work to do.
//!
//!   catalog-seed sqlite /path/to/lore.db     # migrates and seeds a new SQLite file
//!   catalog-seed postgres NAME               # creates database NAME on BENCH_POSTGRES_URL, seeds it
//!   catalog-seed drop NAME                   # drops it again
//!
//! Prints the database URL to serve on stdout.

use anyhow::{Context, bail};
use sqlx::{Connection, Executor};
use store::Store;

const COURSES: i64 = 10_000;
const AUTHORS: i64 = 50;
const CATEGORIES: [&str; 6] = [
    "programming",
    "design",
    "business",
    "languages",
    "finance",
    "lifestyle",
];

fn admin_url() -> String {
    std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Writes the catalog in one transaction on `$db` (a SQLite or PostgreSQL connection: the
/// statements are the same, the connection types are not). `$explicit_ids` goes between an
/// `INSERT`'s column list and its `VALUES`: PostgreSQL's identity columns take a given id only
/// with `OVERRIDING SYSTEM VALUE`.
macro_rules! seed {
    ($db:expr, $explicit_ids:literal) => {{
    let mut tx = $db.begin().await?;
    for (i, slug) in CATEGORIES.iter().enumerate() {
        sqlx::query(
            concat!(
                "INSERT INTO categories (id, slug, name_en, name_zh, position) ",
                $explicit_ids,
                "VALUES ($1, $2, $2, $2, $1)"
            ),
        )
        .bind(i as i64 + 1)
        .bind(*slug)
        .execute(&mut *tx)
        .await?;
    }
    for author in 1..=AUTHORS {
        sqlx::query(
            concat!(
                "INSERT INTO users (id, email, display_name, role, created_at) ",
                $explicit_ids,
                "VALUES ($1, $2, $3, 'author', 0)"
            ),
        )
        .bind(author)
        .bind(format!("author{author}@bench.test"))
        .bind(format!("Author {author}"))
        .execute(&mut *tx)
        .await?;
    }
    let levels = ["beginner", "intermediate", "advanced", "all"];
    for id in 1..=COURSES {
        // A cheap, repeatable spread (no RNG needed): prices 0–299 in both currencies, a tenth
        // free, ratings from none to many, enrollments from 0 to 499.
        let (language, currency) = if id % 3 == 0 {
            ("en", "USD")
        } else {
            ("zh-CN", "CNY")
        };
        let price = if id % 10 == 0 { 0 } else { (id * 37 % 300) * 100 };
        let count = id * 7 % 60;
        // The mean (2 to 5 stars) varies independently of the level (which follows id % 4).
        let stars = count * (2 + id / 4 % 4);
        let published = 1_700_000_000_000 + id * 60_000;
        sqlx::query(
            concat!("INSERT INTO courses (id, slug, author_id, category_id, title, subtitle, description, \
             language, price_minor, currency, status, published_at, created_at, updated_at, \
             review_state, level, rating_count, rating_stars, rating_1, rating_2, rating_3, \
             rating_4, rating_5, enrollments) ",
            $explicit_ids,
            "VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, 'published', $10, $10, $10, \
             'published', $11, $12, $13, 0, 0, 0, 0, 0, $14)"),
        )
        .bind(id)
        .bind(format!("course-{id}"))
        .bind(id % AUTHORS + 1)
        .bind(id % CATEGORIES.len() as i64 + 1)
        .bind(format!("Course number {id}"))
        .bind("A course seeded for the catalog benchmark")
        .bind(language)
        .bind(price)
        .bind(currency)
        .bind(published)
        .bind(levels[(id % 4) as usize])
        .bind(count)
        .bind(stars)
        .bind(id * 13 % 500)
        .execute(&mut *tx)
        .await?;
        sqlx::query(concat!(
            "INSERT INTO chapters (id, course_id, position, title) ",
            $explicit_ids,
            "VALUES ($1, $1, 0, 'One')"
        ))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for position in 0..3 {
            sqlx::query(
                "INSERT INTO lessons (id, chapter_id, course_id, position, title, kind, \
                 is_preview, duration_seconds) VALUES ($1, $2, $2, $3, 'Lesson', 'text', $4, 300)",
            )
            .bind(id * 3 + position)
            .bind(id)
            .bind(position)
            .bind(position == 0)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    anyhow::Ok(())
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (kind, name) = match args.as_slice() {
        [kind, name] => (kind.as_str(), name.as_str()),
        _ => bail!("usage: catalog-seed sqlite PATH | postgres NAME | drop NAME"),
    };
    anyhow::ensure!(
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_/.-".contains(c)),
        "plain names only"
    );
    let url = match kind {
        "sqlite" => format!("sqlite://{name}"),
        "postgres" | "drop" => {
            let admin_url = admin_url();
            let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await?;
            if kind == "drop" {
                return Ok(());
            }
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await?;
            format!("{}/{name}", admin_url.rsplit_once('/').context("url")?.0)
        }
        other => bail!("unknown backend {other}"),
    };
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    store.close().await;
    let started = std::time::Instant::now();
    if url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(&url).await?;
        seed!(db, "")?;
    } else {
        let mut db = sqlx::PgConnection::connect(&url).await?;
        seed!(db, "OVERRIDING SYSTEM VALUE ")?;
    }
    eprintln!(
        "seeded {COURSES} courses in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("{url}");
    Ok(())
}
