//! Accounts: registering, signing in and out, sessions, passwords, email changes and becoming an
//! author. Every security-relevant step is written to the audit log.

use crate::secrets::{hash_password, is_token_shaped, new_token, token_hash, verify_password};
use crate::{ServiceError, Services, mail, throttle};
use domain::permissions::{self, Actor};
use domain::{Email, Lang, UserId, check_new_password, session};
use store::{
    AuditEntry, Change, NewSession, NewUser, SessionSummary, TokenPurpose, Tx, UserRecord,
    now_millis,
};
use tracing::instrument;

/// Where a request came from: for rate limits, the audit log and the sessions list.
#[derive(Clone, Debug, Default)]
pub struct Client {
    /// The client's IP address as the server saw it.
    pub ip: String,
    /// The browser's User-Agent header (cut to 256 characters).
    pub user_agent: String,
}

/// A new sign-in: the token goes into the session cookie and nowhere else.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The session cookie's value.
    pub token: String,
    /// Who signed in.
    pub user: UserId,
}

/// The signed-in person behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentSession {
    /// The session row (to keep it when ending the others).
    pub session_id: i64,
    /// Who they are and what role they have now.
    pub actor: Actor,
    /// Their display name, for the header.
    pub display_name: String,
}

/// One-time links live this long.
const TOKEN_LIFETIME_MS: i64 = 30 * 60 * 1000;

fn display_name(raw: &str) -> Result<String, ServiceError> {
    domain::parse_display_name(raw).map_err(|err| {
        ServiceError::Invalid(match err {
            domain::DisplayNameError::Invisible => "display_name_invisible",
            domain::DisplayNameError::Bidi => "display_name_bidi",
            domain::DisplayNameError::Length | domain::DisplayNameError::Control => "display_name",
        })
    })
}

pub(crate) fn email(raw: &str) -> Result<Email, ServiceError> {
    Email::parse(raw).map_err(|err| {
        ServiceError::Invalid(match err {
            domain::EmailError::MixedScripts => "email_scripts",
            domain::EmailError::Invalid => "email",
        })
    })
}

/// Records a security event as part of the unit of work `tx`.
pub(crate) async fn audit(
    tx: &mut Tx,
    event: &str,
    actor: Option<UserId>,
    subject: Option<UserId>,
    client: &Client,
    detail: &str,
) -> Result<(), ServiceError> {
    tx.record_audit(&AuditEntry {
        event,
        actor,
        subject,
        ip: &client.ip,
        detail,
    })
    .await?;
    Ok(())
}

/// Opens a session for `user` as part of `tx`; the token is usable once `tx` commits.
async fn start_session(
    tx: &mut Tx,
    user: UserId,
    client: &Client,
) -> Result<SignedIn, ServiceError> {
    let token = new_token();
    let user_agent: String = client.user_agent.chars().take(256).collect();
    tx.create_session(&NewSession {
        token_hash: &token_hash(&token),
        user,
        now: now_millis(),
        user_agent: &user_agent,
        ip: &client.ip,
    })
    .await?;
    Ok(SignedIn { token, user })
}

/// A conflict on the account's email, named so the form can say which field.
fn email_conflict(err: store::StoreError) -> ServiceError {
    match ServiceError::from(err) {
        ServiceError::Conflict(_) => ServiceError::Conflict("email".into()),
        other => other,
    }
}

impl Services {
    /// Records a security event on its own (when nothing else is written with it).
    async fn audit_alone(
        &self,
        event: &str,
        actor: Option<UserId>,
        subject: Option<UserId>,
        client: &Client,
        detail: &str,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        audit(&mut tx, event, actor, subject, client, detail).await?;
        Ok(tx.commit().await?)
    }

    /// Creates a learner account and signs it in.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn register(
        &self,
        email_raw: &str,
        name: &str,
        password: &str,
        client: &Client,
    ) -> Result<SignedIn, ServiceError> {
        let email = email(email_raw)?;
        let name = display_name(name)?;
        check_new_password(password)?;
        self.throttle(throttle::REGISTER_PER_IP, &client.ip).await?;
        let hash = hash_password(password.to_owned()).await?;
        let mut tx = self.store().begin().await?;
        let user = tx
            .create_user(&NewUser {
                email,
                display_name: name,
                role: domain::Role::Learner,
                password_hash: Some(hash),
            })
            .await
            .map_err(email_conflict)?;
        audit(&mut tx, "registered", Some(user), Some(user), client, "").await?;
        let signed_in = start_session(&mut tx, user, client).await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// Signs in with email and password. Unknown emails and wrong passwords get the same answer in
    /// about the same time. Wrong passwords for an account slow its sign-in down for everyone (the
    /// owner waits at most a few seconds); 20 from one client refuse that client for the window.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn login(
        &self,
        email_raw: &str,
        password: &str,
        client: &Client,
    ) -> Result<SignedIn, ServiceError> {
        let Ok(email) = Email::parse(email_raw) else {
            return Err(ServiceError::WrongCredentials);
        };
        let account_key = email.as_str().to_lowercase();
        let client_key = format!("{account_key}|{}", client.ip);
        self.throttle(throttle::LOGIN_PER_IP, &client.ip).await?;
        self.check_limit(throttle::LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT, &client_key)
            .await?;
        let failures = self
            .counted(throttle::LOGIN_FAILURES_PER_ACCOUNT, &account_key)
            .await?;
        let delay = domain::limits::sign_in_delay_ms(failures);
        if delay > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        }
        let credentials = self.store().credentials(&email).await?;
        let hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
        let matches = verify_password(password.to_owned(), hash).await?;
        let Some(credentials) = credentials.filter(|_| matches) else {
            self.count(throttle::LOGIN_FAILURES_PER_ACCOUNT, &account_key)
                .await?;
            self.count(throttle::LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT, &client_key)
                .await?;
            self.audit_alone("sign_in_failed", None, None, client, &account_key)
                .await?;
            return Err(ServiceError::WrongCredentials);
        };
        if credentials.disabled {
            self.audit_alone(
                "sign_in_refused_disabled",
                None,
                Some(credentials.id),
                client,
                "",
            )
            .await?;
            return Err(ServiceError::AccountDisabled);
        }
        let mut tx = self.store().begin().await?;
        let user = Some(credentials.id);
        audit(&mut tx, "sign_in", user, user, client, "").await?;
        let signed_in = start_session(&mut tx, credentials.id, client).await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// Signs out: the session row is deleted, so the cookie is worthless even if replayed.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn logout(&self, token: &str, client: &Client) -> Result<(), ServiceError> {
        if !is_token_shaped(token) {
            return Ok(());
        }
        let hash = token_hash(token);
        self.sessions.evict(&hash);
        if let Some(session) = self.store().session(&hash).await? {
            let mut tx = self.store().begin().await?;
            tx.delete_session(&hash).await?;
            let user = Some(session.user);
            audit(&mut tx, "sign_out", user, user, client, "").await?;
            tx.announce(&Change::Session(hash.clone())).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// The person a session cookie belongs to, if the session is live and the account enabled.
    /// Dead sessions are deleted on sight. Records the visit at most once a minute. Served from the
    /// node's session cache when it was looked up within the last few seconds (see
    /// `session_cache`); the expiry rules are applied either way.
    pub async fn authenticate(&self, token: &str) -> Result<Option<CurrentSession>, ServiceError> {
        if !is_token_shaped(token) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let now = now_millis();
        let (session, created_at, last_seen_at) = match self.sessions.get(&hash) {
            Some(cached) => (cached.session, cached.created_at, cached.last_seen_at),
            None => {
                let Some(record) = self.store().session(&hash).await? else {
                    return Ok(None);
                };
                if record.disabled {
                    self.end_dead_session(&hash).await?;
                    return Ok(None);
                }
                let session = CurrentSession {
                    session_id: record.id,
                    actor: Actor {
                        id: record.user,
                        role: record.role,
                    },
                    display_name: record.display_name,
                };
                self.sessions.put(
                    hash.clone(),
                    session.clone(),
                    record.created_at,
                    record.last_seen_at,
                );
                (session, record.created_at, record.last_seen_at)
            }
        };
        if !session::is_live(created_at, last_seen_at, now) {
            self.sessions.evict(&hash);
            self.end_dead_session(&hash).await?;
            return Ok(None);
        }
        if session::needs_touch(last_seen_at, now) {
            let mut tx = self.store().begin().await?;
            tx.touch_session(session.session_id, now).await?;
            tx.commit().await?;
            self.sessions.touched(&hash, now);
        }
        Ok(Some(session))
    }

    /// Deletes a session found expired or belonging to a disabled account.
    async fn end_dead_session(&self, hash: &str) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        tx.delete_session(hash).await?;
        Ok(tx.commit().await?)
    }

    /// The signed-in person's own account.
    pub async fn account(&self, me: &CurrentSession) -> Result<UserRecord, ServiceError> {
        self.store()
            .user(me.actor.id)
            .await?
            .ok_or(ServiceError::Unauthorized)
    }

    /// Changes the password after checking the current one, ends every other session and voids
    /// every outstanding reset or email-change link, in one unit.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn change_password(
        &self,
        me: &CurrentSession,
        current: &str,
        new: &str,
        client: &Client,
    ) -> Result<(), ServiceError> {
        self.check_current_password(me, current).await?;
        check_new_password(new)?;
        let hash = hash_password(new.to_owned()).await?;
        let me_id = Some(me.actor.id);
        let mut tx = self.store().begin().await?;
        let ended = tx
            .change_password(me.actor.id, &hash, Some(me.session_id), now_millis())
            .await?;
        audit(&mut tx, "password_changed", me_id, me_id, client, "").await?;
        tx.announce(&Change::User(me.actor.id)).await?;
        tx.commit().await?;
        self.sessions.evict_user(me.actor.id);
        tracing::debug!(ended, "password changed; other sessions ended");
        Ok(())
    }

    /// Checks a signed-in person's current password before a sensitive change. Wrong guesses are
    /// counted per account; past the limit the answer is 429 without hashing anything.
    async fn check_current_password(
        &self,
        me: &CurrentSession,
        password: &str,
    ) -> Result<(), ServiceError> {
        let key = me.actor.id.to_string();
        self.check_limit(throttle::PASSWORD_CHECK_FAILURES, &key)
            .await?;
        let credentials = self
            .store()
            .credentials_by_id(me.actor.id)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        if !verify_password(password.to_owned(), credentials.password_hash).await? {
            self.count(throttle::PASSWORD_CHECK_FAILURES, &key).await?;
            return Err(ServiceError::WrongCredentials);
        }
        Ok(())
    }

    /// Changes the name shown to others.
    pub async fn rename(&self, me: &CurrentSession, name: &str) -> Result<(), ServiceError> {
        let name = display_name(name)?;
        let mut tx = self.store().begin().await?;
        tx.set_display_name(me.actor.id, &name).await?;
        tx.announce(&Change::User(me.actor.id)).await?;
        tx.commit().await?;
        self.sessions.evict_user(me.actor.id);
        Ok(())
    }

    /// The signed-in person's sessions, most recent first.
    pub async fn sessions(&self, me: &CurrentSession) -> Result<Vec<SessionSummary>, ServiceError> {
        Ok(self.store().list_sessions(me.actor.id).await?)
    }

    /// Ends one of the signed-in person's sessions (not found if it is not theirs).
    pub async fn end_session(
        &self,
        me: &CurrentSession,
        session_id: i64,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        if !tx.delete_user_session(me.actor.id, session_id).await? {
            return Err(ServiceError::NotFound);
        }
        let me_id = Some(me.actor.id);
        audit(&mut tx, "session_ended", me_id, me_id, client, "").await?;
        tx.announce(&Change::User(me.actor.id)).await?;
        tx.commit().await?;
        self.sessions.evict_user(me.actor.id);
        Ok(())
    }

    /// Signs out everywhere, this browser included.
    pub async fn end_all_sessions(
        &self,
        me: &CurrentSession,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        tx.delete_other_sessions(me.actor.id, None).await?;
        let me_id = Some(me.actor.id);
        audit(&mut tx, "signed_out_everywhere", me_id, me_id, client, "").await?;
        tx.announce(&Change::User(me.actor.id)).await?;
        tx.commit().await?;
        self.sessions.evict_user(me.actor.id);
        Ok(())
    }

    /// A learner accepts the author terms and becomes an author. Doing it twice is harmless.
    pub async fn become_author(
        &self,
        me: &CurrentSession,
        accepted_terms: bool,
        client: &Client,
    ) -> Result<(), ServiceError> {
        if !accepted_terms {
            return Err(ServiceError::Invalid("terms"));
        }
        if !permissions::can_become_author(Some(&me.actor)) {
            return if me.actor.role == domain::Role::Author {
                Ok(())
            } else {
                Err(ServiceError::Forbidden)
            };
        }
        let mut tx = self.store().begin().await?;
        if tx.become_author(me.actor.id).await? {
            let me_id = Some(me.actor.id);
            audit(&mut tx, "role_changed", me_id, me_id, client, "author").await?;
            tx.announce(&Change::User(me.actor.id)).await?;
            tx.commit().await?;
            self.sessions.evict_user(me.actor.id);
        }
        Ok(())
    }

    /// Mails a password-reset link if the address belongs to an enabled account. Answers the same
    /// either way, so it cannot be used to find out who has an account.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn request_password_reset(
        &self,
        email_raw: &str,
        lang: Lang,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let email = email(email_raw)?;
        self.throttle(throttle::RESET_PER_IP, &client.ip).await?;
        let Some(account) = self.store().credentials(&email).await? else {
            return Ok(());
        };
        if account.disabled {
            return Ok(());
        }
        // Limits that must not tell a stranger whether the address has an account: past them,
        // nothing is sent and the answer is the same. The owner can ask again once the links
        // already sent have expired (30 minutes), whatever others keep requesting.
        let now = now_millis();
        let live = self
            .store()
            .live_tokens(account.id, TokenPurpose::PasswordReset, now)
            .await?;
        if live >= domain::limits::LIVE_RESET_LINKS
            || !self
                .within(throttle::MAIL_PER_RECIPIENT, &email.as_str().to_lowercase())
                .await?
        {
            self.audit_alone(
                "password_reset_suppressed",
                None,
                Some(account.id),
                client,
                "",
            )
            .await?;
            return Ok(());
        }
        let token = new_token();
        let link = format!("{}/reset-password?token={token}", self.public_url());
        let message = mail::password_reset(lang, &link);
        let mut tx = self.store().begin().await?;
        tx.create_token(
            &token_hash(&token),
            TokenPurpose::PasswordReset,
            account.id,
            "",
            now + TOKEN_LIFETIME_MS,
        )
        .await?;
        tx.enqueue_mail(email.as_str(), &message.subject, &message.body)
            .await?;
        let subject = Some(account.id);
        audit(
            &mut tx,
            "password_reset_requested",
            None,
            subject,
            client,
            "",
        )
        .await?;
        Ok(tx.commit().await?)
    }

    /// Sets a new password with a reset link's token (once), ends every session and voids every
    /// other outstanding link, in one unit. A made-up token is refused before any hashing, so
    /// guessing costs the server a lookup, not an Argon2 hash.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn reset_password(
        &self,
        token: &str,
        new: &str,
        client: &Client,
    ) -> Result<(), ServiceError> {
        check_new_password(new)?;
        if !is_token_shaped(token) {
            return Err(ServiceError::InvalidToken);
        }
        self.throttle(throttle::RESET_CONFIRM_PER_IP, &client.ip)
            .await?;
        let token_hash = token_hash(token);
        if !self
            .store()
            .token_is_live(&token_hash, TokenPurpose::PasswordReset, now_millis())
            .await?
        {
            return Err(ServiceError::InvalidToken);
        }
        let hash = hash_password(new.to_owned()).await?;
        let now = now_millis();
        // The token is used (compare and set) in the same unit as the password it sets: a failure
        // anywhere after leaves the link usable and the old password in place.
        let mut tx = self.store().begin().await?;
        let (user, _) = tx
            .consume_token(&token_hash, TokenPurpose::PasswordReset, now)
            .await?
            .ok_or(ServiceError::InvalidToken)?;
        tx.change_password(user, &hash, None, now).await?;
        audit(&mut tx, "password_reset", None, Some(user), client, "").await?;
        tx.announce(&Change::User(user)).await?;
        tx.commit().await?;
        self.sessions.evict_user(user);
        Ok(())
    }

    /// Starts an email change: checks the password and mails a confirmation link to the new address.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn request_email_change(
        &self,
        me: &CurrentSession,
        password: &str,
        new_email: &str,
        lang: Lang,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let new_email = email(new_email)?;
        self.check_current_password(me, password).await?;
        if self.store().email_taken(&new_email).await? {
            return Err(ServiceError::Conflict("email".into()));
        }
        self.throttle(throttle::EMAIL_CHANGE_PER_ACCOUNT, &me.actor.id.to_string())
            .await?;
        self.throttle(
            throttle::MAIL_PER_RECIPIENT,
            &new_email.as_str().to_lowercase(),
        )
        .await?;
        let token = new_token();
        let link = format!("{}/account/confirm-email?token={token}", self.public_url());
        let message = mail::confirm_email(lang, &link);
        let mut tx = self.store().begin().await?;
        tx.create_token(
            &token_hash(&token),
            TokenPurpose::EmailChange,
            me.actor.id,
            new_email.as_str(),
            now_millis() + TOKEN_LIFETIME_MS,
        )
        .await?;
        tx.enqueue_mail(new_email.as_str(), &message.subject, &message.body)
            .await?;
        let me_id = Some(me.actor.id);
        audit(&mut tx, "email_change_requested", me_id, me_id, client, "").await?;
        Ok(tx.commit().await?)
    }

    /// Confirms an email change with the mailed token (once).
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn confirm_email_change(
        &self,
        token: &str,
        client: &Client,
    ) -> Result<(), ServiceError> {
        if !is_token_shaped(token) {
            return Err(ServiceError::InvalidToken);
        }
        let mut tx = self.store().begin().await?;
        let (user, payload) = tx
            .consume_token(&token_hash(token), TokenPurpose::EmailChange, now_millis())
            .await?
            .ok_or(ServiceError::InvalidToken)?;
        let new_email = email(&payload)?;
        // Taken meanwhile: the unit rolls back, so the link stays usable once the address is free.
        tx.set_email(user, &new_email)
            .await
            .map_err(email_conflict)?;
        audit(&mut tx, "email_changed", Some(user), Some(user), client, "").await?;
        Ok(tx.commit().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testdb::TestDb;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    #[tokio::test]
    async fn idle_and_expired_sessions_are_refused_and_deleted() {
        let db = TestDb::sqlite().await;
        let services = Services::new(
            db.store.clone(),
            media::MediaStore::in_memory(),
            "http://lore.test",
        );
        let email = Email::parse("old@example.com").unwrap();
        let mut tx = db.store.begin().await.unwrap();
        let user = tx
            .create_user(&NewUser {
                email,
                display_name: "Old".into(),
                role: domain::Role::Learner,
                password_hash: Some("$h".into()),
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let now = now_millis();
        let session = |token: String, created: i64| {
            let store = db.store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                tx.create_session(&NewSession {
                    token_hash: &token_hash(&token),
                    user,
                    now: created,
                    user_agent: "",
                    ip: "",
                })
                .await
                .unwrap();
                tx.commit().await.unwrap();
                token
            }
        };
        let fresh = session(new_token(), now - DAY).await;
        let idle = session(new_token(), now - 8 * DAY).await;
        let old = session(new_token(), now - 31 * DAY).await;
        let old_record = db.store.session(&token_hash(&old)).await.unwrap().unwrap();
        let mut tx = db.store.begin().await.unwrap();
        tx.touch_session(old_record.id, now - DAY).await.unwrap();
        tx.commit().await.unwrap();

        assert!(services.authenticate(&fresh).await.unwrap().is_some());
        for (name, token) in [("idle a week", &idle), ("past 30 days though used", &old)] {
            assert!(
                services.authenticate(token).await.unwrap().is_none(),
                "{name}"
            );
            assert!(
                db.store
                    .session(&token_hash(token))
                    .await
                    .unwrap()
                    .is_none(),
                "{name}: row deleted"
            );
        }
        let touched = db
            .store
            .session(&token_hash(&fresh))
            .await
            .unwrap()
            .unwrap();
        assert!(touched.last_seen_at >= now, "a use a day later is recorded");
        db.cleanup().await;
    }
}
