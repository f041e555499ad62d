//! Opening the database, applying migrations, and the health checks `/readyz` relies on.

use crate::StoreError;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Settings every SQLite connection gets. WAL lets readers run beside the one writer;
/// `synchronous=FULL` makes a committed payment survive power loss; the busy timeout turns
/// writer contention into waiting instead of "database is locked".
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
];

/// Which database engine a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnsupportedUrl(redact(url))),
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The handle every service uses. Cheap to clone: it wraps a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens a pool for `url` (`sqlite://path/to/lore.db` or `postgres://…`). A SQLite file is
    /// created if missing; its folder must exist.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                let url = sqlite_url_creating_file(url);
                // Switching to WAL needs an exclusive lock the busy timeout does not wait for, so do
                // it once on a lone connection before the pool opens several.
                let mut first = AnyConnection::connect(&url).await?;
                first.execute("PRAGMA journal_mode = WAL").await?;
                first.close().await?;
                options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            for pragma in SQLITE_PRAGMAS {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url).await?,
        };
        Ok(Self { pool, backend })
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every embedded migration not yet applied. Safe to run on every start and from
    /// several nodes at once (sqlx takes a database lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.backend.migrator().run(&self.pool).await?;
        self.backfill_email_skeletons().await
    }

    /// Fills `users.email_skeleton` for accounts made before it existed (SQL cannot compute a UTS #39
    /// skeleton). An account whose skeleton another already has keeps NULL: both stay usable, and
    /// no new look-alike can join them.
    async fn backfill_email_skeletons(&self) -> Result<(), StoreError> {
        use sqlx::Row;
        let rows = sqlx::query("SELECT id, email FROM users WHERE email_skeleton IS NULL")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let email: String = row.try_get("email")?;
            let mut tx = self.begin_write().await?;
            let updated = sqlx::query("UPDATE users SET email_skeleton = $1 WHERE id = $2")
                .bind(domain::email::skeleton(&email))
                .bind(id)
                .execute(&mut *tx)
                .await;
            match updated.map_err(StoreError::from) {
                Ok(_) => tx.commit().await?,
                Err(StoreError::Conflict(_)) => tx.rollback().await?,
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Whether the database answers and every embedded migration has been applied: what a load
    /// balancer needs to know before sending traffic here.
    pub async fn is_ready(&self) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await?;
        conn.execute("SELECT 1").await?;
        let applied = match conn.list_applied_migrations("_sqlx_migrations").await {
            Ok(applied) => applied,
            Err(sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(_))) => {
                return Ok(false);
            }
            Err(err) => return Err(err.into()),
        };
        Ok(self
            .backend
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .all(|m| applied.iter().any(|a| a.version == m.version)))
    }

    /// Closes every connection; later calls fail. Used at shutdown (and by tests that need a
    /// database that has gone away).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers never both read and then fail to upgrade, which SQLite reports as "database is
    /// locked" however long the busy timeout.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Adds `mode=rwc` so a missing SQLite file is created, unless the URL says otherwise.
fn sqlite_url_creating_file(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL without its password, for error messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://h/db").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("mysql://bob:hunter2@host/db"),
            "mysql://bob:***@host/db"
        );
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }

    #[test]
    fn sqlite_files_are_created_unless_told_otherwise() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }
}
