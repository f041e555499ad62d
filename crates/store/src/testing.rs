//! Fresh, throw-away databases for tests, on both backends.
//!
//! PostgreSQL tests use the server named by `LORE_TEST_POSTGRES_URL` (default: the one these machines
//! run at 127.0.0.1:5432, database `test`) and create a database of their own per test, dropped by
//! [`TestDb::cleanup`]. When that server cannot be reached the PostgreSQL half is skipped with a notice,
//! unless `CI=true` or `LORE_TEST_POSTGRES_URL` is set: then the test fails, so CI never passes by
//! silently testing one backend.

use crate::{Backend, Store};
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A migrated, empty database that exists for one test.
pub struct TestDb {
    /// The store over it.
    pub store: Store,
    /// Its URL, for spawning an app against it.
    pub url: String,
    owner: Owner,
}

enum Owner {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A SQLite file in a new temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("lore.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb {
            store,
            url,
            owner: Owner::Sqlite(dir),
        }
    }

    /// A new database on the test PostgreSQL server, or `None` if the server is unreachable and not
    /// required (see the module docs).
    pub async fn postgres() -> Option<TestDb> {
        let configured = std::env::var("LORE_TEST_POSTGRES_URL").ok();
        let required = configured.is_some() || std::env::var("CI").is_ok_and(|v| v == "true");
        let admin_url = configured.unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_owned());
        sqlx::any::install_default_drivers();
        let mut admin = match AnyConnection::connect(&admin_url).await {
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
        Some(TestDb {
            store,
            url,
            owner: Owner::Postgres { admin_url, name },
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

    /// Closes the pool and removes the database.
    pub async fn cleanup(self) {
        self.store.close().await;
        match self.owner {
            Owner::Sqlite(dir) => drop(dir),
            Owner::Postgres { admin_url, name } => {
                if let Ok(mut admin) = AnyConnection::connect(&admin_url).await {
                    let drop_sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    admin.execute(AssertSqlSafe(drop_sql)).await.ok();
                    admin.close().await.ok();
                }
            }
        }
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
