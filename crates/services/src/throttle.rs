//! Rate limits in fixed windows, counted in the database so every app node sees the same numbers.
//!
//! What limits an account is never a hard lock anyone can trigger (see `domain::limits`): failures
//! counted per account only slow sign-in down; the hard lock is keyed on the account and the client.

use crate::{ServiceError, Services};
use store::now_millis;

/// A limit: at most `max` events per `window_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// What is counted; part of the bucket key.
    pub name: &'static str,
    /// Events allowed per window.
    pub max: i64,
    /// The window length in milliseconds.
    pub window_ms: i64,
}

/// Sign-in attempts from one address.
pub const LOGIN_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 100,
    window_ms: 15 * 60 * 1000,
};
/// Wrong passwords for one account from anywhere: counted to slow sign-in down
/// (`domain::limits::sign_in_delay_ms`), never to refuse it.
pub const LOGIN_FAILURES_PER_ACCOUNT: Limit = Limit {
    name: "login-fail",
    max: i64::MAX,
    window_ms: 15 * 60 * 1000,
};
/// Wrong passwords for one account from one client: past the limit that client is refused.
pub const LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT: Limit = Limit {
    name: "login-fail-client",
    max: domain::limits::FAILURES_PER_ACCOUNT_AND_CLIENT,
    window_ms: 15 * 60 * 1000,
};
/// Accounts created from one address.
pub const REGISTER_PER_IP: Limit = Limit {
    name: "register-ip",
    max: 10,
    window_ms: 60 * 60 * 1000,
};
/// Password-reset mails requested from one address.
pub const RESET_PER_IP: Limit = Limit {
    name: "reset-ip",
    max: 10,
    window_ms: 60 * 60 * 1000,
};
/// Reset links tried from one address (each may cost a password hash).
pub const RESET_CONFIRM_PER_IP: Limit = Limit {
    name: "reset-confirm-ip",
    max: 30,
    window_ms: 60 * 60 * 1000,
};
/// Wrong current passwords given by a signed-in account (changing the password or the email).
pub const PASSWORD_CHECK_FAILURES: Limit = Limit {
    name: "password-check-fail",
    max: 10,
    window_ms: 15 * 60 * 1000,
};
/// Email-change confirmations one account may ask for.
pub const EMAIL_CHANGE_PER_ACCOUNT: Limit = Limit {
    name: "email-change",
    max: 5,
    window_ms: 60 * 60 * 1000,
};
/// Account mails (reset, email change) to one address, whoever asks.
pub const MAIL_PER_RECIPIENT: Limit = Limit {
    name: "mail-to",
    max: 5,
    window_ms: 60 * 60 * 1000,
};

impl Limit {
    fn window(&self, now: i64) -> (i64, u64) {
        let start = now - now.rem_euclid(self.window_ms);
        let retry_after_ms = start + self.window_ms - now;
        (
            start,
            u64::try_from(retry_after_ms.div_euclid(1000) + 1).unwrap_or(1),
        )
    }

    fn bucket(&self, key: &str) -> String {
        format!("{}:{key}", self.name)
    }
}

impl Services {
    /// Counts one event for `key` and refuses it if the window's limit is passed.
    pub(crate) async fn throttle(&self, limit: Limit, key: &str) -> Result<(), ServiceError> {
        let (start, retry_after_secs) = limit.window(now_millis());
        let hits = self.hit(&limit.bucket(key), start).await?;
        if hits > limit.max {
            return Err(ServiceError::Throttled { retry_after_secs });
        }
        Ok(())
    }

    /// Refuses if `key` has already used up the window's limit, without counting.
    pub(crate) async fn check_limit(&self, limit: Limit, key: &str) -> Result<(), ServiceError> {
        let (start, retry_after_secs) = limit.window(now_millis());
        if self.store().hits(&limit.bucket(key), start).await? >= limit.max {
            return Err(ServiceError::Throttled { retry_after_secs });
        }
        Ok(())
    }

    /// Counts one event for `key` without refusing it (a failure recorded for later checks).
    pub(crate) async fn count(&self, limit: Limit, key: &str) -> Result<(), ServiceError> {
        let (start, _) = limit.window(now_millis());
        self.hit(&limit.bucket(key), start).await?;
        Ok(())
    }

    /// The events counted for `key` in the current window.
    pub(crate) async fn counted(&self, limit: Limit, key: &str) -> Result<i64, ServiceError> {
        let (start, _) = limit.window(now_millis());
        Ok(self.store().hits(&limit.bucket(key), start).await?)
    }

    /// Counts one event for `key` and says whether it is still within the limit, without refusing
    /// it (for limits whose refusal must look like success, such as reset mails).
    pub(crate) async fn within(&self, limit: Limit, key: &str) -> Result<bool, ServiceError> {
        let (start, _) = limit.window(now_millis());
        Ok(self.hit(&limit.bucket(key), start).await? <= limit.max)
    }

    /// Counts one hit, in a unit of its own: a counted attempt stays counted even when the use case
    /// that counted it fails.
    async fn hit(&self, bucket: &str, window_start: i64) -> Result<i64, ServiceError> {
        let mut tx = self.store().begin().await?;
        let hits = tx.hit(bucket, window_start).await?;
        tx.commit().await?;
        Ok(hits)
    }
}
