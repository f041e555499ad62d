//! A throw-away PostgreSQL database for a benchmark that seeds its own data.

use anyhow::Context;
use sqlx::{Connection, Executor};

/// Runs `bench` on a new database on `BENCH_POSTGRES_URL` (default: the server these machines
/// run) and drops it afterwards; `None` when that server is unreachable.
pub async fn on_postgres<T, F, Fut>(prefix: &str, bench: F) -> anyhow::Result<Option<T>>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let admin_url = std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(err) => {
            eprintln!("PostgreSQL unreachable at {admin_url} ({err}); SQLite only");
            return Ok(None);
        }
    };
    let name = format!("{prefix}_{}", std::process::id());
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    let url = format!("{}/{name}", admin_url.rsplit_once('/').context("url")?.0);
    let outcome = bench(url).await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await?;
    outcome.map(Some)
}
