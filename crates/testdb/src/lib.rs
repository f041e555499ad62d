//! Fresh, throw-away databases for tests, on both backends.
//!
//! PostgreSQL tests use the server named by `LORE_TEST_POSTGRES_URL` (default: the one these machines
//! run at 127.0.0.1:5432, database `test`) and create a database of their own per test, dropped by
//! [`TestDb::cleanup`] or, when a test panics first, by `Drop`. When that server cannot be reached the PostgreSQL half is skipped with a notice,
//! unless `CI=true` or `LORE_TEST_POSTGRES_URL` is set: then the test fails, so CI never passes by
//! silently testing one backend.
//!
//! What a test does behind the store's back (injecting faults, reading every table, planting old
//! rows) goes through a pool of this crate's own on the same database, so `store` has no test-only
//! API.

use domain::UserId;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, PgPool, SqlitePool};
use store::{Backend, OutboxMail, Store};

/// Runs one store write as a unit of work of its own, committed when it succeeds (and rolled back
/// when it fails, releasing SQLite's write lock at once):
/// `testdb::write_alone!(db.store, |tx| tx.create_user(&user).await)`.
#[macro_export]
macro_rules! write_alone {
    ($store:expr, |$tx:ident| $call:expr) => {{
        let mut $tx = $store.begin().await.expect("begin a unit of work");
        let out = $call;
        match &out {
            Ok(_) => $tx.commit().await.expect("commit"),
            Err(_) => $tx.rollback().await.expect("roll back"),
        }
        out
    }};
}

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A migrated, empty database that exists for one test.
pub struct TestDb {
    /// The store over it.
    pub store: Store,
    /// Its URL, for spawning an app against it.
    pub url: String,
    raw: Raw,
    owner: Option<Owner>,
}

/// The test's own connections, for SQL no use case runs.
enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever native pool `$raw` holds (one portable statement,
/// compiled for both drivers).
macro_rules! on_raw {
    ($raw:expr, |$pool:ident| $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

enum Owner {
    /// The folder holding the file, removed when dropped.
    Sqlite {
        _folder: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// A SQLite file in a new temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("lore.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        let raw = Raw::Sqlite(SqlitePool::connect(&url).await.expect("open SQLite"));
        TestDb {
            store,
            url,
            raw,
            owner: Some(Owner::Sqlite { _folder: dir }),
        }
    }

    /// A new database on the test PostgreSQL server, or `None` if the server is unreachable and not
    /// required (see the module docs).
    pub async fn postgres() -> Option<TestDb> {
        let configured = std::env::var("LORE_TEST_POSTGRES_URL").ok();
        let required = configured.is_some() || std::env::var("CI").is_ok_and(|v| v == "true");
        let admin_url = configured.unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_owned());
        let mut admin = match PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(err) if !required => {
                eprintln!("PostgreSQL unreachable at {admin_url} ({err}); skipping its half");
                return None;
            }
            Err(err) => panic!("PostgreSQL is required (CI or LORE_TEST_POSTGRES_URL) but: {err}"),
        };
        let name = format!("lore_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = replace_database(&admin_url, &name);
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        store.migrate().await.expect("migrate PostgreSQL");
        let raw = Raw::Postgres(PgPool::connect(&url).await.expect("open PostgreSQL"));
        Some(TestDb {
            store,
            url,
            raw,
            owner: Some(Owner::Postgres { admin_url, name }),
        })
    }

    /// SQLite always, and PostgreSQL when available: what a store test iterates over.
    pub async fn every_backend() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// Which backend this is, for messages.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Makes every `op` (`INSERT`, `UPDATE` or `DELETE`) on `table` fail, with a trigger, until
    /// [`TestDb::heal`]: a real database error in the middle of a use case, for proving that its
    /// unit of work leaves nothing behind. Each row the statement touches raises, so the statement
    /// must touch one.
    pub async fn break_writes(&self, op: &str, table: &str) {
        let name = format!("lore_test_fail_{}_{table}", op.to_lowercase());
        match &self.raw {
            Raw::Sqlite(pool) => {
                let sql = format!(
                    "CREATE TRIGGER {name} BEFORE {op} ON {table} \
                     BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                );
                pool.execute(AssertSqlSafe(sql))
                    .await
                    .expect("create trigger");
            }
            Raw::Postgres(pool) => {
                pool.execute(
                    "CREATE OR REPLACE FUNCTION lore_test_fail() RETURNS trigger LANGUAGE plpgsql \
                     AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
                )
                .await
                .expect("create function");
                let sql = format!(
                    "CREATE TRIGGER {name} BEFORE {op} ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION lore_test_fail()"
                );
                pool.execute(AssertSqlSafe(sql))
                    .await
                    .expect("create trigger");
            }
        }
    }

    /// Runs one statement no use case runs (making rows look old for a clean-up test, say).
    pub async fn execute(&self, sql: &'static str) {
        let done = on_raw!(&self.raw, |pool| pool.execute(sql).await.map(drop));
        done.expect(sql);
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): `ok` when sound. PostgreSQL
    /// keeps its files sound itself, so it answers `ok`.
    pub async fn integrity_check(&self) -> String {
        match &self.raw {
            Raw::Sqlite(pool) => {
                let (answer,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_one(pool)
                    .await
                    .expect("integrity_check");
                answer
            }
            Raw::Postgres(_) => "ok".to_owned(),
        }
    }

    /// Removes what [`TestDb::break_writes`] set up for `op` on `table`.
    pub async fn heal(&self, op: &str, table: &str) {
        let name = format!("lore_test_fail_{}_{table}", op.to_lowercase());
        let sql = match self.backend() {
            Backend::Sqlite => format!("DROP TRIGGER {name}"),
            Backend::Postgres => format!("DROP TRIGGER {name} ON {table}"),
        };
        let dropped = on_raw!(&self.raw, |pool| pool
            .execute(AssertSqlSafe(sql))
            .await
            .map(drop));
        dropped.expect("drop trigger");
    }

    /// Every row of every table but the rate-limit counters (which count attempts on purpose,
    /// whatever becomes of them) and sqlx's bookkeeping, as text: two snapshots are equal exactly
    /// when a use case left the data as it found it.
    pub async fn snapshot(&self) -> String {
        const SKIP: [&str; 2] = ["rate_limits", "_sqlx_migrations"];
        let mut out = String::new();
        match &self.raw {
            Raw::Sqlite(pool) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await
                .expect("list tables");
                for (table,) in tables
                    .into_iter()
                    .filter(|(t,)| !SKIP.contains(&t.as_str()))
                {
                    let columns: Vec<(String,)> =
                        sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                            .bind(&table)
                            .fetch_all(pool)
                            .await
                            .expect("list columns");
                    let pairs: Vec<String> = columns
                        .iter()
                        .map(|(c,)| format!("'{c}', quote({c})"))
                        .collect();
                    let sql = format!(
                        "SELECT json_object({}) FROM {table} ORDER BY rowid",
                        pairs.join(", ")
                    );
                    let rows: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql))
                        .fetch_all(pool)
                        .await
                        .expect("read table");
                    out.push_str(&format!("{table}: {rows:?}\n"));
                }
            }
            Raw::Postgres(pool) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT table_name::TEXT FROM information_schema.tables \
                     WHERE table_schema = 'public' ORDER BY table_name",
                )
                .fetch_all(pool)
                .await
                .expect("list tables");
                for (table,) in tables
                    .into_iter()
                    .filter(|(t,)| !SKIP.contains(&t.as_str()))
                {
                    let sql = format!(
                        "SELECT coalesce(json_agg(t ORDER BY t::TEXT)::TEXT, '[]') \
                         FROM {table} t"
                    );
                    let (rows,): (String,) = sqlx::query_as(AssertSqlSafe(sql))
                        .fetch_one(pool)
                        .await
                        .expect("read table");
                    out.push_str(&format!("{table}: {rows}\n"));
                }
            }
        }
        out
    }

    /// Every mail queued for `to`, sent or not, oldest first: what a test reads instead of waiting
    /// for the sender task (the outbox row is written in the same unit as the request).
    pub async fn mails_to(&self, to: &str) -> Vec<OutboxMail> {
        let sql = "SELECT id, to_address, subject, body_text, attempts FROM mail_outbox \
                   WHERE to_address = $1 ORDER BY id";
        let mails = on_raw!(&self.raw, |pool| sqlx::query_as(sql)
            .bind(to)
            .fetch_all(pool)
            .await);
        mails.expect("read the outbox")
    }

    /// Stores an avatar the old way, as a BLOB in `avatars`, for tests of the move to the media
    /// store.
    pub async fn insert_legacy_avatar(&self, user: UserId, png: &[u8]) {
        let sql = "INSERT INTO avatars (user_id, png, updated_at) VALUES ($1, $2, $3)";
        let now = store::now_millis();
        let inserted = on_raw!(&self.raw, |pool| sqlx::query(sql)
            .bind(user.get())
            .bind(png)
            .bind(now)
            .execute(pool)
            .await
            .map(drop));
        inserted.expect("insert a legacy avatar");
    }

    /// A published course `slug` by `author`, priced ¥199.00, with one lesson: something to buy.
    pub async fn course_on_sale(&self, slug: &str, author: UserId) -> domain::CourseId {
        let store = &self.store;
        let category = write_alone!(store, |tx| tx
            .upsert_category(&store::NewCategory {
                slug: domain::Slug::parse("shop").expect("a slug"),
                name: domain::LocalizedText {
                    en: "Shop".into(),
                    zh_cn: "商店".into(),
                },
                position: 1,
            })
            .await)
        .expect("a category");
        write_alone!(store, |tx| tx
            .create_course(&store::NewCourse {
                slug: domain::Slug::parse(slug).expect("a slug"),
                author,
                category,
                title: format!("Course {slug}"),
                subtitle: "On sale".into(),
                description: "About".into(),
                language: domain::Lang::En,
                price: domain::Money::price(19_900, domain::Currency::Cny).expect("a price"),
                status: domain::CourseStatus::Published,
                chapters: vec![store::NewChapter {
                    title: "One".into(),
                    lessons: vec![store::NewLesson {
                        title: "Only".into(),
                        kind: domain::LessonKind::Text,
                        is_preview: false,
                        duration_seconds: 60,
                    }],
                }],
            })
            .await)
        .expect("a course")
    }

    /// Closes the pools and removes the database.
    pub async fn cleanup(mut self) {
        self.store.close().await;
        on_raw!(&self.raw, |pool| pool.close().await);
        if let Some(Owner::Postgres { admin_url, name }) = self.owner.take() {
            drop_database(&admin_url, &name).await;
        }
    }
}

impl Drop for TestDb {
    /// A test that panicked never reached `cleanup`: drop its PostgreSQL database anyway, from a
    /// thread of its own (this may run inside an async test, which must not block on itself).
    fn drop(&mut self) {
        if let Some(Owner::Postgres { admin_url, name }) = self.owner.take() {
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(drop_database(&admin_url, &name));
                }
            });
            dropped.join().ok();
        }
    }
}

/// Removes a test database, ending whatever connections it still has.
async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut admin) = PgConnection::connect(admin_url).await {
        let drop_sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        admin.execute(AssertSqlSafe(drop_sql)).await.ok();
        admin.close().await.ok();
    }
}

/// `postgres://u@h:5432/test?x=y` with the database part swapped for `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| {
        i + 3 + base[i + 3..].find('/').unwrap_or(base.len() - i - 3)
    });
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            replace_database("postgres://h/a?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
