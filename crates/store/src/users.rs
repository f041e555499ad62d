//! User accounts, as far as the catalog needs them: who wrote a course, who runs the platform.

use crate::{Store, StoreError, now_millis};
use domain::{Email, Role, UserId};
use sqlx::Row;

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// The sign-in address; unique regardless of case.
    pub email: Email,
    /// The name shown on courses and reviews.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// The Argon2id PHC string, or `None` for an account that cannot sign in (demo authors).
    pub password_hash: Option<String>,
}

impl Store {
    /// Creates a user, or fails with [`StoreError::Conflict`] if the email, or one that looks the
    /// same (see [`Email::skeleton`]), is taken.
    pub async fn create_user(&self, user: &NewUser) -> Result<UserId, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO users (email, display_name, role, password_hash, created_at, email_skeleton) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(user.password_hash.as_deref())
        .bind(now_millis())
        .bind(user.email.skeleton())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await?;
        Ok(UserId::new(id))
    }

    /// Finds a user by email, ignoring case; returns their id and role.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<(UserId, Role)>, StoreError> {
        let row = sqlx::query("SELECT id, role FROM users WHERE lower(email) = lower($1)")
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            let role: String = row.try_get("role")?;
            let role = Role::parse(&role).ok_or_else(|| StoreError::corrupt("users", role))?;
            Ok((UserId::new(row.try_get("id")?), role))
        })
        .transpose()
    }

    /// Changes a user's role. Returns whether the user exists.
    pub async fn set_user_role(&self, id: UserId, role: Role) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
