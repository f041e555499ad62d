-- Learner experience (issue 10): progress, reviews, featured courses, author profiles and
-- completion certificates.

-- Where a learner is in a lesson (domain::progress). Position and completion each carry the
-- stamp of the report that set them, so a late report never overwrites a newer one; the upsert
-- compares (stamp, value) pairs, which makes the merge commutative under any interleaving.
-- A lesson removed by a later revision takes its progress with it.
CREATE TABLE lesson_progress (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id    BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id    BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position_ms  BIGINT  NOT NULL DEFAULT 0 CHECK (position_ms >= 0),
    position_at  BIGINT  NOT NULL DEFAULT 0,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    done_at      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX lesson_progress_course ON lesson_progress (user_id, course_id);

-- The lesson each learner last opened in each course, and when: "continue learning" and the
-- order of "My learning".
CREATE TABLE learning_activity (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id  BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX learning_activity_recent ON learning_activity (user_id, at DESC);

-- One review per learner and course; editable. Hidden reviews (by a moderator) are not shown
-- and not counted. `reported_at` is set while a report waits for a moderator.
CREATE TABLE reviews (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id    BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars        BIGINT  NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body         TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    reply        TEXT,
    replied_at   BIGINT,
    hidden       BOOLEAN NOT NULL DEFAULT FALSE,
    reported_at  BIGINT,
    UNIQUE (course_id, user_id)
);
CREATE INDEX reviews_course ON reviews (course_id, updated_at DESC, id DESC) WHERE hidden = FALSE;
CREATE INDEX reviews_reported ON reviews (reported_at, id) WHERE reported_at IS NOT NULL;

CREATE TABLE review_reports (
    review_id    BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    reporter_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason       TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (review_id, reporter_id)
);

-- A course's rating aggregate and enrollment count, kept exact by deltas written in the same
-- unit of work as the review or entitlement that changes them (domain::rating).
ALTER TABLE courses ADD COLUMN rating_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_stars BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_1 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_2 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN rating_5 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN enrollments BIGINT NOT NULL DEFAULT 0;
-- Picked by an admin for the home page; newest pick first.
ALTER TABLE courses ADD COLUMN featured_at BIGINT;
CREATE INDEX courses_featured ON courses (featured_at DESC) WHERE featured_at IS NOT NULL;
CREATE INDEX entitlements_recent ON entitlements (created_at, course_id);
UPDATE courses SET enrollments =
    (SELECT COUNT(*) FROM entitlements e WHERE e.course_id = courses.id AND e.status = 'active');

-- An author's public profile.
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN handle TEXT;
CREATE UNIQUE INDEX users_handle ON users (handle) WHERE handle IS NOT NULL;

-- A finished course's certificate; `code` is the unguessable part of its verification URL.
CREATE TABLE certificates (
    code       TEXT    PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    issued_at  BIGINT  NOT NULL,
    UNIQUE (user_id, course_id)
);
