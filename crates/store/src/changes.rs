//! Changes other app nodes must hear about at once: on PostgreSQL, a `NOTIFY` on one channel sent
//! by the unit of work that made the change, so it is heard exactly when (and only if) that unit
//! commits. SQLite serves one node, which evicts its own caches in process, so nothing is sent.

use crate::db::{Pool, Tx, TxInner};
use crate::{Store, StoreError};
use domain::UserId;
use sqlx::postgres::PgListener;

/// The PostgreSQL channel every node listens on.
const CHANNEL: &str = "lore_changes";

/// Something that changed and that other nodes may hold a stale copy of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// An account's sessions, role, name or standing changed: forget every cached session of it.
    User(UserId),
    /// One session ended (by its token hash, which is not a secret: the database holds it).
    Session(String),
    /// Notifications were written: each node hands the new ones to the browsers connected to it.
    Notifications,
}

impl Change {
    fn encode(&self) -> String {
        match self {
            Change::User(id) => format!("user:{id}"),
            Change::Session(hash) => format!("session:{hash}"),
            Change::Notifications => "notifications:".to_owned(),
        }
    }

    fn decode(payload: &str) -> Option<Change> {
        match payload.split_once(':')? {
            ("user", id) => id.parse().ok().map(|id| Change::User(UserId::new(id))),
            ("session", hash) => Some(Change::Session(hash.to_owned())),
            ("notifications", "") => Some(Change::Notifications),
            _ => None,
        }
    }
}

/// What a listening node heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another node (or this one) changed something.
    Change(Change),
    /// The connection dropped and was made again: changes sent meanwhile were missed, so whatever
    /// the node keeps must be dropped.
    MaybeMissed,
}

/// A node's subscription to [`Change`]s (PostgreSQL only).
#[derive(Debug)]
pub struct ChangeListener(PgListener);

impl ChangeListener {
    /// Waits for the next change. Reconnects by itself after a dropped connection, reporting
    /// [`Heard::MaybeMissed`] first; a notice that does not parse is skipped.
    pub async fn next(&mut self) -> Result<Heard, StoreError> {
        loop {
            match self.0.try_recv().await? {
                None => return Ok(Heard::MaybeMissed),
                Some(notice) => {
                    if let Some(change) = Change::decode(notice.payload()) {
                        return Ok(Heard::Change(change));
                    }
                }
            }
        }
    }
}

impl Store {
    /// Subscribes to the changes of every node; `None` on SQLite, where this node is the only one.
    pub async fn listen(&self) -> Result<Option<ChangeListener>, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(None),
            Pool::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(CHANNEL).await?;
                Ok(Some(ChangeListener(listener)))
            }
        }
    }
}

impl Tx {
    /// Tells every node about `change` once this unit commits (nothing if it rolls back).
    pub async fn announce(&mut self, change: &Change) -> Result<(), StoreError> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(change.encode())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_and_junk_is_ignored() {
        for change in [
            Change::User(UserId::new(42)),
            Change::Session("ab12".into()),
            Change::Notifications,
        ] {
            assert_eq!(Change::decode(&change.encode()), Some(change));
        }
        for junk in ["", "user:", "user:x", "other:1", "nonsense"] {
            assert_eq!(Change::decode(junk), None, "{junk}");
        }
    }
}
