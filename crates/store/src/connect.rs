//! Opening the database, applying migrations, and the health checks `/readyz` relies on.

use crate::StoreError;
use crate::db::{Pool, Tx, TxInner, on};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Executor, SqliteConnection};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a SQLite writer waits for the write lock before the database counts as busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

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
}

/// The handle every service uses. Cheap to clone: it wraps a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// SQLite's one write lock, handed out in turn within this process (see [`Store::begin`]).
    writers: Arc<Semaphore>,
}

impl Store {
    /// Opens a pool for `url` (`sqlite://path/to/lore.db` or `postgres://…`). A SQLite file is
    /// created if missing (unless the URL sets `mode=`); its folder must exist.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = match Backend::from_url(url)? {
            Backend::Sqlite => Pool::Sqlite(connect_sqlite(url).await?),
            Backend::Postgres => Pool::Postgres(
                PgPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(10))
                    .max_connections(16)
                    .connect(url)
                    .await?,
            ),
        };
        Ok(Self {
            pool,
            writers: Arc::new(Semaphore::new(1)),
        })
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every embedded migration not yet applied. Safe to run on every start and from
    /// several nodes at once (sqlx takes a database lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = self.migrator();
        on!(Pool, &self.pool, |pool| migrator.run(pool).await?);
        self.backfill_email_skeletons().await
    }

    /// Fills `users.email_skeleton` for accounts made before it existed (SQL cannot compute a UTS #39
    /// skeleton). An account whose skeleton another already has keeps NULL: both stay usable, and
    /// no new look-alike can join them.
    async fn backfill_email_skeletons(&self) -> Result<(), StoreError> {
        let rows: Vec<(i64, String)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT id, email FROM users WHERE email_skeleton IS NULL")
                .fetch_all(pool)
                .await?
        });
        for (id, email) in rows {
            let mut tx = self.begin().await?;
            match tx
                .set_email_skeleton(id, &domain::email::skeleton(&email))
                .await
            {
                Ok(()) => tx.commit().await?,
                Err(StoreError::Conflict(_)) => tx.rollback().await?,
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Whether the database answers and every embedded migration has been applied: what a load
    /// balancer needs to know before sending traffic here.
    pub async fn is_ready(&self) -> Result<bool, StoreError> {
        let applied = on!(Pool, &self.pool, |pool| {
            let mut conn = pool.acquire().await?;
            conn.execute("SELECT 1").await?;
            match conn.list_applied_migrations("_sqlx_migrations").await {
                Ok(applied) => applied,
                Err(sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(_))) => {
                    return Ok(false);
                }
                Err(err) => return Err(err.into()),
            }
        });
        Ok(self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .all(|m| applied.iter().any(|a| a.version == m.version)))
    }

    /// Closes every connection; later calls fail. Used at shutdown (and by tests that need a
    /// database that has gone away).
    pub async fn close(&self) {
        on!(Pool, &self.pool, |pool| pool.close().await);
    }

    /// Begins a unit of work (see [`Tx`]). On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers never both read and then fail to upgrade, which SQLite
    /// reports as "database is locked" however long the busy timeout.
    ///
    /// On SQLite the units of work of this process also queue for their turn, first come first
    /// served, before asking SQLite: its busy handler polls with growing sleeps (up to 100 ms),
    /// so under a stream of short writes (a fan-out's batches) a waiting writer kept missing the
    /// free moments and once waited 332 ms. A turn not given within the busy timeout fails as a
    /// busy database would.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let (inner, turn) = match &self.pool {
            Pool::Sqlite(pool) => {
                let turn = tokio::time::timeout(BUSY_TIMEOUT, self.writers.clone().acquire_owned())
                    .await
                    .map_err(|_| StoreError::Database(sqlx::Error::PoolTimedOut))?
                    .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                (TxInner::Sqlite(tx), Some(turn))
            }
            Pool::Postgres(pool) => (TxInner::Postgres(pool.begin().await?), None),
        };
        Ok(Tx { inner, _turn: turn })
    }

    /// A read-only view of one moment of the database, for a read made of several queries that
    /// must agree with each other. On SQLite a deferred transaction reads one WAL snapshot from
    /// its first query (and takes no write lock); on PostgreSQL the transaction is repeatable
    /// read. End it with [`Tx::rollback`]; it writes nothing.
    pub async fn snapshot(&self) -> Result<Tx, StoreError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => TxInner::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                TxInner::Postgres(tx)
            }
        };
        Ok(Tx { inner, _turn: None })
    }
}

/// A SQLite pool in WAL mode: readers run beside the one writer; `synchronous=FULL` makes a
/// committed payment survive power loss; the busy timeout turns writer contention into waiting
/// instead of "database is locked".
async fn connect_sqlite(url: &str) -> Result<sqlx::SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(!url.contains("mode="))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    // Switching to WAL needs an exclusive lock the busy timeout does not wait for, so do it once on
    // a lone connection before the pool opens several.
    SqliteConnection::connect_with(&options)
        .await?
        .close()
        .await?;
    Ok(SqlitePoolOptions::new()
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(sqlite_connections())
        .connect_with(options)
        .await?)
}

/// How many SQLite connections the pool keeps: two per core this process may run on, from 2 to 8.
/// Each connection is a thread of sqlx's that runs its queries and hands each row to the request's
/// task; threads beyond the cores only take turns on them. On the catalog benchmark's one-core
/// server, 8 connections gave 1,052 req/s with p99 27.0 ms, and 2 gave 1,911 req/s with p99
/// 13.5 ms (`bench/catalog.sh`); two per core still cover a read that waits for the disk.
fn sqlite_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cores.saturating_mul(2))
        .unwrap_or(8)
        .clamp(2, 8)
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
}
