//! Server-side sessions: the cookie holds a random token, the table holds its SHA-256, so a copy of
//! the database cannot be used to sign in as anyone.

use crate::db::{Tx, on};
use crate::{Store, StoreError};
use domain::{Role, UserId};

/// A session to create.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    /// SHA-256 of the cookie token, hex.
    pub token_hash: &'a str,
    /// Who signed in.
    pub user: UserId,
    /// When (Unix ms).
    pub now: i64,
    /// The browser's User-Agent, for the sessions list.
    pub user_agent: &'a str,
    /// The client address, for the sessions list.
    pub ip: &'a str,
}

/// A session found by its token, with what a request needs about its user.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    /// The session row.
    pub id: i64,
    /// Its user.
    pub user: UserId,
    /// Their role now (a role change applies at once).
    pub role: Role,
    /// Their display name, for the header.
    pub display_name: String,
    /// Whether their account is disabled.
    pub disabled: bool,
    /// When it was created (Unix ms).
    pub created_at: i64,
    /// When it was last used (Unix ms, to the touch interval).
    pub last_seen_at: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    user_id: i64,
    role: String,
    display_name: String,
    disabled_at: Option<i64>,
    created_at: i64,
    last_seen_at: i64,
}

/// A session as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionSummary {
    /// The session row.
    pub id: i64,
    /// When it was created (Unix ms).
    pub created_at: i64,
    /// When it was last used (Unix ms).
    pub last_seen_at: i64,
    /// The browser's User-Agent.
    pub user_agent: String,
    /// The client address.
    pub ip: String,
}

impl Store {
    /// The session with this token hash, and its user. One indexed read: this runs on every request
    /// of a signed-in person.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, u.role, u.display_name, \
                 u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            id: row.id,
            user: UserId::new(row.user_id),
            role: Role::parse(&row.role).ok_or_else(|| StoreError::corrupt("users", &row.role))?,
            display_name: row.display_name,
            disabled: row.disabled_at.is_some(),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
        }))
    }

    /// `user`'s sessions, most recently used first.
    pub async fn list_sessions(&self, user: UserId) -> Result<Vec<SessionSummary>, StoreError> {
        Ok(on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions \
                 WHERE user_id = $1 ORDER BY last_seen_at DESC, id DESC",
            )
            .bind(user.get())
            .fetch_all(pool)
            .await?
        }))
    }
}

impl Tx {
    /// Records a new session.
    pub async fn create_session(&mut self, session: &NewSession<'_>) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent, \
                 ip) VALUES ($1, $2, $3, $3, $4, $5)",
            )
            .bind(session.token_hash)
            .bind(session.user.get())
            .bind(session.now)
            .bind(session.user_agent)
            .bind(session.ip)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Records that a session was used at `now`.
    pub async fn touch_session(&mut self, id: i64, now: i64) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1",
            )
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Ends the session with this token hash (sign-out). Returns whether one existed.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Ends one of `user`'s sessions by id; a session of someone else is left alone.
    pub async fn delete_user_session(&mut self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Ends every session of `user` except `keep` (the one making the request, if any). Returns
    /// how many ended.
    pub async fn delete_other_sessions(
        &mut self,
        user: UserId,
        keep: Option<i64>,
    ) -> Result<u64, StoreError> {
        Ok(on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user.get())
                .bind(keep.unwrap_or(-1))
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }))
    }
}
