-- Accounts: passwords, server-side sessions, one-time tokens, the mail outbox, the audit log,
-- rate-limit counters and avatars. Times are Unix milliseconds.

ALTER TABLE users ADD COLUMN password_hash TEXT;              -- NULL: this account cannot sign in
ALTER TABLE users ADD COLUMN disabled_at BIGINT;             -- NULL: enabled
ALTER TABLE users ADD COLUMN author_terms_at BIGINT;         -- when they accepted the author terms

CREATE TABLE sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,                    -- SHA-256 of the cookie token, hex
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    user_agent    TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    token_hash  TEXT    PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload     TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);

CREATE TABLE mail_outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address  TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (sent_at, id);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT  NOT NULL,
    event       TEXT    NOT NULL,
    actor_id    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    subject_id  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    ip          TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);

CREATE TABLE rate_limits (
    bucket        TEXT    NOT NULL,
    window_start  BIGINT  NOT NULL,
    hits          BIGINT  NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE avatars (
    user_id     BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    png         BYTEA   NOT NULL,
    updated_at  BIGINT  NOT NULL
);
