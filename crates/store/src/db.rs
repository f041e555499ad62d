//! The two native drivers behind one type, and the unit of work.
//!
//! [`Pool`] and [`Tx`] hold either a SQLite or a PostgreSQL value; [`on!`] runs one block of code
//! against whichever it is, so a portable statement is written once and compiled for both drivers. A
//! statement only one dialect understands is an explicit `match` on the variants instead, where a
//! reader sees the branch.

use crate::StoreError;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// A connection pool of either engine.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    /// An embedded SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL server.
    Postgres(PgPool),
}

/// An open transaction of either engine (see [`Tx`]).
#[derive(Debug)]
pub(crate) enum TxInner {
    /// On SQLite, begun with `BEGIN IMMEDIATE`.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$x` bound to the native value inside `$value`, an enum of this module with a
/// `Sqlite` and a `Postgres` variant. The body is compiled once per driver, so everything it does must
/// make sense on both.
macro_rules! on {
    ($enum:ident, $value:expr, |$x:ident| $body:expr) => {
        match $value {
            $crate::db::$enum::Sqlite($x) => $body,
            $crate::db::$enum::Postgres($x) => $body,
        }
    };
}
pub(crate) use on;

/// One unit of work: every write a use case makes goes through the same `Tx` and lands together at
/// [`Tx::commit`], or not at all. Dropping it without committing (an early `?` return, a panic)
/// rolls everything back. Begun by [`crate::Store::begin`].
#[derive(Debug)]
pub struct Tx {
    pub(crate) inner: TxInner,
    /// This process's turn to write on SQLite, given back when the unit ends (declared after
    /// `inner`, so it is released after the transaction).
    pub(crate) _turn: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Tx {
    /// Makes every write of this unit permanent.
    pub async fn commit(self) -> Result<(), StoreError> {
        on!(TxInner, self.inner, |tx| tx.commit().await?);
        Ok(())
    }

    /// Undoes every write of this unit (what dropping it does too, only later).
    pub async fn rollback(self) -> Result<(), StoreError> {
        on!(TxInner, self.inner, |tx| tx.rollback().await?);
        Ok(())
    }
}
