//! Lore's store: one API over two databases.
//!
//! SQLite is the embedded default (one file, WAL, one machine); PostgreSQL is for running several
//! stateless app nodes. Each is reached through its native sqlx driver (so PostgreSQL keeps its own
//! features, LISTEN/NOTIFY among them), yet a portable statement is written once: the `on!` macro
//! compiles one block for both drivers, and rows map to structs with `FromRow`. A statement only
//! one dialect understands is an explicit `match` on the backend. The DDL differs per dialect, under
//! `migrations/sqlite` and `migrations/postgres`.
//!
//! Portability rules the SQL here follows: `$1` placeholders, `RETURNING`, `ON CONFLICT`; flags are
//! BOOLEAN on both; times are Unix milliseconds in 64-bit integers; money is integer minor units; no
//! NUMERIC or timestamp column ever reaches a query result.
//!
//! Writes happen in a unit of work: [`Store::begin`] opens a [`Tx`], every write of a use case goes
//! through it, and [`Tx::commit`] lands them together. Reads take the pool.
//!
//! Error policy: [`StoreError`] is the crate's boundary error. A broken uniqueness rule becomes
//! [`StoreError::Conflict`] so callers can answer the user instead of failing; everything else keeps the
//! sqlx error as its source for the log.

mod accounts;
mod authoring;
mod browse;
mod catalog;
mod changes;
mod commerce;
mod connect;
mod db;
mod error;
mod learning;
mod media;
mod notifications;
mod review;
mod security;
mod sessions;
mod uploads;

pub use accounts::{Credentials, NewUser, UserRecord};
pub use authoring::{
    CourseDraft, DraftChapter, DraftLesson, DraftLessonItem, RevisionSummary, StudioCourse,
};
pub use browse::BrowsePage;
pub use catalog::{CourseFilter, CourseOnSale, NewCategory, NewChapter, NewCourse, NewLesson};
pub use changes::{Change, ChangeListener, Heard};
pub use commerce::{CouponRecord, NewCoupon, NewOrder, OrderRecord, SandboxPayment};
pub use connect::{Backend, Store};
pub use db::Tx;
pub use error::StoreError;
pub use learning::{LearningRow, ProgressWrite, ReviewRecord};
pub use media::{MediaRecord, NewMedia};
pub use notifications::{Audience, Digest, Fanout, FanoutStep, NotificationRecord};
pub use review::{QueueEntry, RevisionForReview};
pub use security::{AuditEntry, AuditFilter, AuditRecord, OutboxMail, TokenPurpose};
pub use sessions::{NewSession, SessionRecord, SessionSummary};
pub use uploads::{NewUpload, UploadRecord};

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
