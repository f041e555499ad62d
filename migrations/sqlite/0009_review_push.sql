-- Review, publishing and push (issue 9).
--
-- A reviewer claims a waiting revision so two reviewers do not review it at once; a claim lapses
-- by itself (domain::review::CLAIM_MS). An admin may take a course off the catalog with a reason
-- the author reads in the studio.
ALTER TABLE course_revisions ADD COLUMN claimed_by INTEGER REFERENCES users (id);
ALTER TABLE course_revisions ADD COLUMN claimed_until INTEGER;
CREATE INDEX course_revisions_waiting ON course_revisions (submitted_at, id) WHERE decision IS NULL;
ALTER TABLE courses ADD COLUMN unpublished_reason TEXT NOT NULL DEFAULT '';

-- The language a person last used Lore in, for what Lore sends them later (mail digests).
ALTER TABLE users ADD COLUMN lang TEXT CHECK (lang IN ('en', 'zh-CN'));

-- Who owns a course: the row free enrollment and purchases write (issues 10 and 11), one active
-- row per learner and course. A refund marks it refunded rather than deleting it.
CREATE TABLE entitlements (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id   INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'refunded')),
    source      TEXT    NOT NULL CHECK (source IN ('free', 'purchase', 'grant')),
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX entitlements_one_active ON entitlements (course_id, user_id) WHERE status = 'active';
CREATE INDEX entitlements_user ON entitlements (user_id, course_id);

-- Learners following authors (the follow button comes with issue 10).
CREATE TABLE follows (
    follower_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (author_id, follower_id)
);

-- What each person wants to hear of, by kind (domain::notify); no row: the kind's default.
CREATE TABLE notification_prefs (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL CHECK (kind IN ('review', 'course_updated', 'new_course')),
    delivery  TEXT    NOT NULL CHECK (delivery IN ('in_app', 'mail', 'both', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- One row per person told. Ids only grow and are given in commit order (SQLite writes one at a
-- time; PostgreSQL takes a lock first), so "everything after id N" is exact: it is the SSE
-- event id a reconnecting browser resumes from. AUTOINCREMENT: a deleted id is never reused.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    notice      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    in_app      BOOLEAN NOT NULL CHECK (in_app IN (0, 1)),
    read_at     INTEGER,
    mail_state  TEXT    NOT NULL CHECK (mail_state IN ('none', 'waiting', 'sent'))
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE in_app = 1 AND read_at IS NULL;
CREATE INDEX notifications_mail ON notifications (user_id, created_at) WHERE mail_state = 'waiting';

-- An event with many recipients (everyone who owns a course, everyone following an author) is
-- written with the event as one row here; a worker then writes the notifications in batches of
-- recipients by id, each batch with the cursor in one short transaction, so 100,000 learners do
-- not hold the database for seconds and no one is told twice.
CREATE TABLE fanouts (
    id             INTEGER PRIMARY KEY,
    audience       TEXT    NOT NULL CHECK (audience IN ('owners', 'followers')),
    subject_id     INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    notice         TEXT    NOT NULL,
    cursor         INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    done_at        INTEGER
);
CREATE INDEX fanouts_open ON fanouts (id) WHERE done_at IS NULL;

-- Courses whose searchable content changed, in order (the search issue's index follows it).
CREATE TABLE search_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- A node claims a mail before sending it, so two nodes never send one mail twice.
ALTER TABLE mail_outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
