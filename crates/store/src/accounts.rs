//! Accounts: credentials, profiles, roles and the disabled flag.

use crate::{Store, StoreError, now_millis};
use domain::{Email, Role, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What sign-in needs to know about an account.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The account.
    pub id: UserId,
    /// Its role.
    pub role: Role,
    /// The Argon2id PHC string; `None` for accounts that cannot sign in (demo authors).
    pub password_hash: Option<String>,
    /// Whether an admin disabled it.
    pub disabled: bool,
}

/// An account as its owner and admins see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// The account.
    pub id: UserId,
    /// The sign-in address.
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// Its role.
    pub role: Role,
    /// Whether an admin disabled it.
    pub disabled: bool,
    /// Whether it has an uploaded avatar.
    pub has_avatar: bool,
    /// When it was created (Unix ms).
    pub created_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.disabled_at, u.created_at, \
     (SELECT COUNT(*) FROM avatars a WHERE a.user_id = u.id) AS avatars";

impl Store {
    /// The sign-in facts for an email, ignoring case.
    pub async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query(
            "SELECT id, role, password_hash, disabled_at FROM users WHERE lower(email) = lower($1)",
        )
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| credentials_from(&row)).transpose()
    }

    /// Whether an account has this email or one that looks the same (see [`Email::skeleton`]).
    pub async fn email_taken(&self, email: &Email) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM users WHERE lower(email) = lower($1) OR email_skeleton = $2",
        )
        .bind(email.as_str())
        .bind(email.skeleton())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// The sign-in facts for an account.
    pub async fn credentials_by_id(&self, id: UserId) -> Result<Option<Credentials>, StoreError> {
        let row =
            sqlx::query("SELECT id, role, password_hash, disabled_at FROM users WHERE id = $1")
                .bind(id.get())
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| credentials_from(&row)).transpose()
    }

    /// One account.
    pub async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let sql = const_format::concatcp!("SELECT ", USER_COLUMNS, " FROM users u WHERE u.id = $1");
        let row = sqlx::query(sql)
            .bind(id.get())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| user_from(&row)).transpose()
    }

    /// Accounts whose email or name contains `needle` (any case), newest first; all when empty.
    pub async fn search_users(
        &self,
        needle: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>, StoreError> {
        let sql = const_format::concatcp!(
            "SELECT ",
            USER_COLUMNS,
            " FROM users u WHERE lower(u.email) LIKE $1 ESCAPE '\\' \
             OR lower(u.display_name) LIKE $1 ESCAPE '\\' ORDER BY u.id DESC LIMIT $2"
        );
        let rows = sqlx::query(sql)
            .bind(crate::like_pattern(needle))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from).collect()
    }

    /// Replaces an account's password hash.
    pub async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the name shown to others.
    pub async fn set_display_name(&self, id: UserId, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
            .bind(name)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the sign-in address; [`StoreError::Conflict`] if another account has it or one that
    /// looks the same.
    pub async fn set_email(&self, id: UserId, email: &Email) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET email = $1, email_skeleton = $2 WHERE id = $3")
            .bind(email.as_str())
            .bind(email.skeleton())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a learner an author, recording when they accepted the author terms. Returns false if
    /// they were not a learner (nothing changes: safe to retry).
    pub async fn become_author(&self, id: UserId) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET role = 'author', author_terms_at = $1 WHERE id = $2 AND role = 'learner'",
        )
        .bind(now_millis())
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Disables or re-enables an account. Disabling also ends every session, in the same transaction,
    /// so the person is signed out at once.
    pub async fn set_disabled(&self, id: UserId, disabled: bool) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then(now_millis))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a user's avatar (a PNG the caller already checked and resized).
    pub async fn set_avatar(&self, id: UserId, png: &[u8]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO avatars (user_id, png, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET png = excluded.png, updated_at = excluded.updated_at",
        )
        .bind(id.get())
        .bind(png)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's avatar PNG and when it changed.
    pub async fn avatar(&self, id: UserId) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        let row = sqlx::query("SELECT png, updated_at FROM avatars WHERE user_id = $1")
            .bind(id.get())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| Ok((row.try_get("png")?, row.try_get("updated_at")?)))
            .transpose()
    }
}

fn credentials_from(row: &AnyRow) -> Result<Credentials, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(Credentials {
        id: UserId::new(row.try_get("id")?),
        role: Role::parse(&role).ok_or_else(|| StoreError::corrupt("users", role))?,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

fn user_from(row: &AnyRow) -> Result<UserRecord, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(UserRecord {
        id: UserId::new(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::corrupt("users", role))?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        has_avatar: row.try_get::<i64, _>("avatars")? > 0,
        created_at: row.try_get("created_at")?,
    })
}
