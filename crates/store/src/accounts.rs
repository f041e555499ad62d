//! Accounts: credentials, profiles, roles and the disabled flag.

use crate::db::{Pool, Tx, on};
use crate::{Store, StoreError, now_millis};
use domain::{Email, Role, UserId};

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

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    id: i64,
    role: String,
    password_hash: Option<String>,
    disabled_at: Option<i64>,
}

impl TryFrom<CredentialsRow> for Credentials {
    type Error = StoreError;
    fn try_from(row: CredentialsRow) -> Result<Self, StoreError> {
        Ok(Credentials {
            id: UserId::new(row.id),
            role: role(row.role)?,
            password_hash: row.password_hash,
            disabled: row.disabled_at.is_some(),
        })
    }
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

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    disabled_at: Option<i64>,
    created_at: i64,
    has_avatar: bool,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(UserRecord {
            id: UserId::new(row.id),
            email: row.email,
            display_name: row.display_name,
            role: role(row.role)?,
            disabled: row.disabled_at.is_some(),
            has_avatar: row.has_avatar,
            created_at: row.created_at,
        })
    }
}

fn role(text: String) -> Result<Role, StoreError> {
    Role::parse(&text).ok_or_else(|| StoreError::corrupt("users", text))
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.disabled_at, u.created_at, \
     u.avatar_media_id IS NOT NULL AS has_avatar";

const CREDENTIALS: &str = "SELECT id, role, password_hash, disabled_at FROM users";
/// Sign-in on SQLite: the email column is `COLLATE NOCASE`, and so is its unique index.
const SIGN_IN_SQLITE: &str = const_format::concatcp!(CREDENTIALS, " WHERE email = $1");
/// Sign-in on PostgreSQL: the unique index is on `lower(email)`.
const SIGN_IN_POSTGRES: &str =
    const_format::concatcp!(CREDENTIALS, " WHERE lower(email) = lower($1)");

impl Store {
    /// The sign-in facts for an email, ignoring case. Each dialect compares the way its index is
    /// built, so sign-in is an index lookup: SQLite's email column is `COLLATE NOCASE`, PostgreSQL
    /// indexes `lower(email)`.
    pub async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let row: Option<CredentialsRow> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(SIGN_IN_SQLITE)
                    .bind(email.as_str())
                    .fetch_optional(pool)
                    .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(SIGN_IN_POSTGRES)
                    .bind(email.as_str())
                    .fetch_optional(pool)
                    .await?
            }
        };
        row.map(Credentials::try_from).transpose()
    }

    /// The query plan of the sign-in lookup, for the test that proves it uses an index. PostgreSQL
    /// is told to avoid sequential scans, so that on a small table it still shows whether an index
    /// *can* serve the query.
    #[cfg(test)]
    pub(crate) async fn sign_in_plan(&self) -> Result<String, StoreError> {
        let lines: Vec<String> = match &self.pool {
            Pool::Sqlite(pool) => {
                let sql = const_format::concatcp!("EXPLAIN QUERY PLAN ", SIGN_IN_SQLITE);
                let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sql)
                    .bind("a@example.com")
                    .fetch_all(pool)
                    .await?;
                rows.into_iter().map(|row| row.3).collect()
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await?;
                let sql = const_format::concatcp!("EXPLAIN ", SIGN_IN_POSTGRES);
                let rows: Vec<(String,)> = sqlx::query_as(sql)
                    .bind("a@example.com")
                    .fetch_all(&mut *tx)
                    .await?;
                tx.rollback().await?;
                rows.into_iter().map(|row| row.0).collect()
            }
        };
        Ok(lines.join("\n"))
    }

    /// Whether an account has this email or one that looks the same (see [`Email::skeleton`]).
    /// The skeleton is of the lowercased address, so it also catches a mere change of case.
    pub async fn email_taken(&self, email: &Email) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT id FROM users WHERE email_skeleton = $1")
                .bind(email.skeleton())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.is_some() || self.credentials(email).await?.is_some())
    }

    /// The sign-in facts for an account.
    pub async fn credentials_by_id(&self, id: UserId) -> Result<Option<Credentials>, StoreError> {
        let row: Option<CredentialsRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(const_format::concatcp!(CREDENTIALS, " WHERE id = $1"))
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(Credentials::try_from).transpose()
    }

    /// One account.
    pub async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let sql = const_format::concatcp!("SELECT ", USER_COLUMNS, " FROM users u WHERE u.id = $1");
        let row: Option<UserRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(UserRecord::try_from).transpose()
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
        let rows: Vec<UserRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql)
                .bind(crate::like_pattern(needle))
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(UserRecord::try_from).collect()
    }
}

impl Tx {
    /// Creates a user, or fails with [`StoreError::Conflict`] if the email, or one that looks the
    /// same (see [`Email::skeleton`]), is taken.
    pub async fn create_user(&mut self, user: &NewUser) -> Result<UserId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO users (email, display_name, role, password_hash, created_at, \
                 email_skeleton) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(user.password_hash.as_deref())
            .bind(now_millis())
            .bind(user.email.skeleton())
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(UserId::new(id))
    }

    /// Changes a user's role. Returns whether the user exists.
    pub async fn set_user_role(&mut self, id: UserId, role: Role) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(role.as_str())
                .bind(id.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Replaces an account's password hash, and nothing else (see [`Tx::change_password`] for what
    /// a password change must also do).
    pub async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(id.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Changes the name shown to others.
    pub async fn set_display_name(&mut self, id: UserId, name: &str) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                .bind(name)
                .bind(id.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Changes the sign-in address; [`StoreError::Conflict`] if another account has it or one that
    /// looks the same.
    pub async fn set_email(&mut self, id: UserId, email: &Email) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET email = $1, email_skeleton = $2 WHERE id = $3")
                .bind(email.as_str())
                .bind(email.skeleton())
                .bind(id.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Sets an account's look-alike key (the start-up backfill).
    pub(crate) async fn set_email_skeleton(
        &mut self,
        id: i64,
        skeleton: &str,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET email_skeleton = $1 WHERE id = $2")
                .bind(skeleton)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Makes a learner an author, recording when they accepted the author terms. Returns false if
    /// they were not a learner (nothing changes: safe to retry).
    pub async fn become_author(&mut self, id: UserId) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE users SET role = 'author', author_terms_at = $1 \
                 WHERE id = $2 AND role = 'learner'",
            )
            .bind(now_millis())
            .bind(id.get())
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Disables or re-enables an account. Disabling also ends every session, so the person is
    /// signed out as this unit commits. Returns whether the account exists.
    pub async fn set_disabled(&mut self, id: UserId, disabled: bool) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(disabled.then(now_millis))
                .bind(id.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        if disabled {
            self.delete_other_sessions(id, None).await?;
        }
        Ok(done == 1)
    }
}

#[cfg(test)]
mod tests {
    use testdb::TestDb;

    #[tokio::test]
    async fn sign_in_finds_the_account_through_an_index_on_both_backends() {
        for db in TestDb::every_backend().await {
            // `db.store` is the `store` crate testdb links, not this test build of it.
            let store = crate::Store::connect(&db.url).await.unwrap();
            let plan = store.sign_in_plan().await.unwrap();
            let uses_index = match store.backend() {
                crate::Backend::Sqlite => {
                    plan.contains("USING INDEX") && !plan.contains("SCAN users")
                }
                crate::Backend::Postgres => plan.contains("Index Scan using users_email on"),
            };
            assert!(uses_index, "{:?}: {plan}", store.backend());
            store.close().await;
            db.cleanup().await;
        }
    }
}
