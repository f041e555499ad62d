-- Accounts: passwords, server-side sessions, one-time tokens, the mail outbox, the audit log,
-- rate-limit counters and avatars. Times are Unix milliseconds.

ALTER TABLE users ADD COLUMN password_hash TEXT;              -- NULL: this account cannot sign in
ALTER TABLE users ADD COLUMN disabled_at INTEGER;             -- NULL: enabled
ALTER TABLE users ADD COLUMN author_terms_at INTEGER;         -- when they accepted the author terms

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,                    -- SHA-256 of the cookie token, hex
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    user_agent    TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    token_hash  TEXT    PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY,
    to_address  TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body_text   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (sent_at, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    event       TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    ip          TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);

CREATE TABLE rate_limits (
    bucket        TEXT    NOT NULL,
    window_start  INTEGER NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE avatars (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    png         BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
);
