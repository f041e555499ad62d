//! Server-side sessions: the cookie holds a random token, the table holds its SHA-256, so a copy of
//! the database cannot be used to sign in as anyone.

use crate::{Store, StoreError};
use domain::{Role, UserId};
use sqlx::Row;

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

/// A session as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Records a new session.
    pub async fn create_session(&self, session: &NewSession<'_>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent, ip) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(session.token_hash)
        .bind(session.user.get())
        .bind(session.now)
        .bind(session.user_agent)
        .bind(session.ip)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session with this token hash, and its user. One indexed read: this runs on every request
    /// of a signed-in person.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, u.role, u.display_name, \
             u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        Ok(Some(SessionRecord {
            id: row.try_get("id")?,
            user: UserId::new(row.try_get("user_id")?),
            role: Role::parse(&role).ok_or_else(|| StoreError::corrupt("users", role))?,
            display_name: row.try_get("display_name")?,
            disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        }))
    }

    /// Records that a session was used at `now`.
    pub async fn touch_session(&self, id: i64, now: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends the session with this token hash (sign-out). Returns whether one existed.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends one of `user`'s sessions by id; a session of someone else is left alone.
    pub async fn delete_user_session(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every session of `user` except `keep` (the one making the request, if any).
    pub async fn delete_other_sessions(
        &self,
        user: UserId,
        keep: Option<i64>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user.get())
            .bind(keep.unwrap_or(-1))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// `user`'s sessions, most recently used first.
    pub async fn list_sessions(&self, user: UserId) -> Result<Vec<SessionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions \
             WHERE user_id = $1 ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(user.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SessionSummary {
                    id: row.try_get("id")?,
                    created_at: row.try_get("created_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                    user_agent: row.try_get("user_agent")?,
                    ip: row.try_get("ip")?,
                })
            })
            .collect()
    }
}
