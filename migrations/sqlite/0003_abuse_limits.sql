-- What an outside security probe found (issue 6): look-alike emails, mail retries, audit paging.

-- The UTS #39 skeleton of the lowercased email: two addresses a reader could confuse share one, so
-- only one of them can have an account. Filled by the application (NULL for rows written before it
-- existed, until the start-up backfill).
ALTER TABLE users ADD COLUMN email_skeleton TEXT;
CREATE UNIQUE INDEX users_email_skeleton ON users (email_skeleton);

-- Failed mails wait, doubling each time, so a failing one never holds up the others.
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
DROP INDEX mail_outbox_unsent;
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at, id);

-- Counting a user's live reset links, and voiding them.
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- Filtering the audit log.
CREATE INDEX audit_log_event ON audit_log (event, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_id, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);
CREATE INDEX audit_log_ip ON audit_log (ip, id DESC);
