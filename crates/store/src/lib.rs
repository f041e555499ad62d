//! Lore's store: one API over two databases.
//!
//! SQLite is the embedded default (one file, WAL, one machine); PostgreSQL is for running several
//! stateless app nodes. Both are reached through sqlx's `Any` driver so every query is written once,
//! in portable SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`); only the DDL differs, per dialect,
//! under `migrations/sqlite` and `migrations/postgres`.
//!
//! Portability rules the SQL here follows, because the `Any` driver enforces them at run time:
//! flags are BOOLEAN on PostgreSQL but INTEGER 0/1 on SQLite (the driver cannot read SQLite's BOOLEAN)
//! and are read through one helper; times are Unix milliseconds in 64-bit integers; money is integer
//! minor units; no NUMERIC or timestamp column ever reaches a query result.
//!
//! Error policy: [`StoreError`] is the crate's boundary error. A broken uniqueness rule becomes
//! [`StoreError::Conflict`] so callers can answer the user instead of failing; everything else keeps the
//! sqlx error as its source for the log.

mod accounts;
mod catalog;
mod connect;
mod error;
mod security;
mod sessions;
mod users;

#[cfg(feature = "test-support")]
pub mod testing;

pub use accounts::{Credentials, UserRecord};
pub use catalog::{CourseFilter, NewCategory, NewChapter, NewCourse, NewLesson};
pub use connect::{Backend, Store};
pub use error::StoreError;
pub use security::{AuditEntry, AuditFilter, AuditRecord, OutboxMail, TokenPurpose};
pub use sessions::{NewSession, SessionRecord, SessionSummary};
pub use users::NewUser;

/// The current time as Unix milliseconds, the one time format the schema stores.
pub fn now_millis() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// A `LIKE` pattern matching `needle` anywhere, lowercased, with `%`, `_` and `\\` taken literally
/// (queries use `ESCAPE '\\'`).
pub(crate) fn like_pattern(needle: &str) -> String {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
