//! Security bookkeeping: the audit log, rate-limit counters, one-time tokens and the mail outbox.

use crate::db::{Tx, on};
use crate::{Store, StoreError, now_millis};
use domain::UserId;

/// A security event to record.
#[derive(Clone, Debug)]
pub struct AuditEntry<'a> {
    /// What happened (`sign_in`, `sign_in_failed`, `password_changed`, …).
    pub event: &'a str,
    /// Who did it, if known.
    pub actor: Option<UserId>,
    /// Whose account it concerned, if any.
    pub subject: Option<UserId>,
    /// From where.
    pub ip: &'a str,
    /// Anything else worth knowing (never a secret).
    pub detail: &'a str,
}

/// A recorded security event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Its row, for paging.
    pub id: i64,
    /// When (Unix ms).
    pub at: i64,
    /// What happened.
    pub event: String,
    /// Who did it.
    pub actor: Option<UserId>,
    /// Whose account it concerned.
    pub subject: Option<UserId>,
    /// From where.
    pub ip: String,
    /// Details.
    pub detail: String,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    event: String,
    actor_id: Option<i64>,
    subject_id: Option<i64>,
    ip: String,
    detail: String,
}

impl From<AuditRow> for AuditRecord {
    fn from(row: AuditRow) -> Self {
        AuditRecord {
            id: row.id,
            at: row.at,
            event: row.event,
            actor: row.actor_id.map(UserId::new),
            subject: row.subject_id.map(UserId::new),
            ip: row.ip,
            detail: row.detail,
        }
    }
}

/// Which audit entries to list; every field narrows the list when set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this event.
    pub event: Option<String>,
    /// Entries this user did or that concerned them.
    pub user: Option<UserId>,
    /// Entries from this address.
    pub ip: Option<String>,
    /// At or after this time (Unix ms).
    pub from: Option<i64>,
    /// Before this time (Unix ms).
    pub until: Option<i64>,
    /// Older than the entry with this id (the last one on the previous page).
    pub before: Option<i64>,
}

/// One-time token purposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Setting a new password without the old one.
    PasswordReset,
    /// Confirming a new email address (payload: the address).
    EmailChange,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::EmailChange => "email_change",
        }
    }
}

/// A mail waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    /// Its row.
    pub id: i64,
    /// The recipient.
    #[sqlx(rename = "to_address")]
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    #[sqlx(rename = "body_text")]
    pub body: String,
    /// How often sending failed so far.
    pub attempts: i64,
}

impl Store {
    /// The newest security events matching `filter`, newest first, older than the entry
    /// `filter.before` if set (keyset paging: a page never shifts as new events arrive).
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        // Every condition is always present and switched off by a NULL parameter, so the SQL stays
        // one portable statement.
        let rows: Vec<AuditRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, at, event, actor_id, subject_id, ip, detail FROM audit_log \
                 WHERE ($1 IS NULL OR event = $1) \
                   AND ($2 IS NULL OR actor_id = $2 OR subject_id = $2) \
                   AND ($3 IS NULL OR ip = $3) \
                   AND ($4 IS NULL OR at >= $4) \
                   AND ($5 IS NULL OR at < $5) \
                   AND ($6 IS NULL OR id < $6) \
                 ORDER BY id DESC LIMIT $7",
            )
            .bind(filter.event.as_deref())
            .bind(filter.user.map(UserId::get))
            .bind(filter.ip.as_deref())
            .bind(filter.from)
            .bind(filter.until)
            .bind(filter.before)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }

    /// The platform key `name`, shared by every node: `candidate` (fresh random text) becomes the
    /// key if none exists yet; otherwise the one another node or an earlier start made wins.
    pub async fn platform_key(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        let (secret,): (String,) = on!(Pool, &self.pool, |pool| {
            sqlx::query(
                "INSERT INTO platform_keys (name, secret, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(candidate)
            .bind(now_millis())
            .execute(pool)
            .await?;
            sqlx::query_as("SELECT secret FROM platform_keys WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(secret)
    }

    /// The hits in `bucket` for the window starting at `window_start`, without counting one.
    pub async fn hits(&self, bucket: &str, window_start: i64) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2")
                .bind(bucket)
                .bind(window_start)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map_or(0, |(hits,)| hits))
    }

    /// Whether a token exists for `purpose` that is unused and unexpired, without using it. Lets a
    /// caller refuse a made-up token before doing expensive work (hashing a new password).
    pub async fn token_is_live(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: i64,
    ) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT user_id FROM one_time_tokens \
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.is_some())
    }

    /// How many of `user`'s tokens for `purpose` are unused and unexpired.
    pub async fn live_tokens(
        &self,
        user: UserId,
        purpose: TokenPurpose,
        now: i64,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM one_time_tokens \
                 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
            )
            .bind(user.get())
            .bind(purpose.as_str())
            .bind(now)
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }

    /// Takes the mails due at `now` for this node to send: not yet sent, failed fewer than
    /// `max_attempts` times, past their back-off and not taken by another node in the last
    /// `lease_ms`. Taking is one compare-and-set statement, so two nodes draining one outbox never
    /// take the same mail; a node that dies mid-send leaves its mails to be taken again when the
    /// lease runs out. Those waiting longest come first, so a mail that keeps failing (and so keeps
    /// being put back) never stands in front of a new one.
    pub async fn claim_due_mail(
        &self,
        now: i64,
        lease_ms: i64,
        max_attempts: i64,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        // A write like any other: through the writers' turn (see `sandbox_open`), even when
        // nothing is due, since SQLite takes its write lock before it finds no row.
        let mut tx = self.begin().await?;
        let claimed = on!(TxInner, &mut tx.inner, |t| {
            sqlx::query_as(
                "UPDATE mail_outbox SET claimed_until = $4 WHERE claimed_until <= $2 AND id IN \
                 (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND attempts < $1 \
                 AND next_attempt_at <= $2 AND claimed_until <= $2 \
                 ORDER BY next_attempt_at, id LIMIT $3) \
                 RETURNING id, to_address, subject, body_text, attempts",
            )
            .bind(max_attempts)
            .bind(now)
            .bind(limit)
            .bind(now + lease_ms)
            .fetch_all(&mut **t)
            .await?
        });
        tx.commit().await?;
        Ok(claimed)
    }
}

impl Tx {
    /// Appends a security event.
    pub async fn record_audit(&mut self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO audit_log (at, event, actor_id, subject_id, ip, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(now_millis())
            .bind(entry.event)
            .bind(entry.actor.map(UserId::get))
            .bind(entry.subject.map(UserId::get))
            .bind(entry.ip)
            .bind(entry.detail)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Counts one hit in `bucket` for the fixed window starting at `window_start` and returns the
    /// window's total. Shared by every app node, since it lives in the database.
    pub async fn hit(&mut self, bucket: &str, window_start: i64) -> Result<i64, StoreError> {
        let (hits,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
                 RETURNING hits",
            )
            .bind(bucket)
            .bind(window_start)
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(hits)
    }

    /// Forgets rate-limit windows that started before `before`.
    pub async fn prune_rate_limits(&mut self, before: i64) -> Result<u64, StoreError> {
        Ok(on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
                .bind(before)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }))
    }

    /// Stores a one-time token (its hash) for `user`.
    pub async fn create_token(
        &mut self,
        token_hash: &str,
        purpose: TokenPurpose,
        user: UserId,
        payload: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO one_time_tokens \
                 (token_hash, purpose, user_id, payload, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(user.get())
            .bind(payload)
            .bind(now_millis())
            .bind(expires_at)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Uses a one-time token: marks it used if it exists, has this purpose, is unused and unexpired,
    /// and returns its user and payload. A second use finds nothing (compare-and-set).
    pub async fn consume_token(
        &mut self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: i64,
    ) -> Result<Option<(UserId, String)>, StoreError> {
        let row: Option<(i64, String)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "UPDATE one_time_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
                 RETURNING user_id, payload",
            )
            .bind(now)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(row.map(|(user, payload)| (UserId::new(user), payload)))
    }

    /// The writes of a password change: the new hash, every session but `keep` ended, and every
    /// outstanding one-time token voided (a reset link mailed earlier must not outlive the password
    /// it was meant to replace). Returns how many sessions ended.
    pub async fn change_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        keep: Option<i64>,
        now: i64,
    ) -> Result<u64, StoreError> {
        self.set_password_hash(user, password_hash).await?;
        let ended = self.delete_other_sessions(user, keep).await?;
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user.get())
            .execute(&mut **tx)
            .await?;
        });
        Ok(ended)
    }

    /// Queues a plain-text mail; the sender task delivers it once this unit commits.
    pub async fn enqueue_mail(
        &mut self,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO mail_outbox (to_address, subject, body_text, created_at, \
                 next_attempt_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(to)
            .bind(subject)
            .bind(body)
            .bind(now_millis())
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(id)
    }

    /// Marks a mail sent. Returns false if it already was (another node got there first).
    pub async fn mark_mail_sent(&mut self, id: i64) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE mail_outbox SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL")
                .bind(now_millis())
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records a failed delivery attempt; the mail is not tried again before `retry_at`.
    pub async fn mark_mail_failed(
        &mut self,
        id: i64,
        error: &str,
        retry_at: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
                 next_attempt_at = $2 WHERE id = $3",
            )
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }
}
