-- Authoring (issue 8): authors edit a draft; submitting snapshots it as an immutable revision;
-- publishing copies a revision into the live tables learners read (`courses`, `chapters`,
-- `lessons`, `lesson_files`), all in one unit of work.
--
-- Ids: a lesson keeps its id from draft to live, so learners' progress survives a new revision.
-- The draft tables make the ids; the live ones only copy them.
--
-- `courses.status` stays what the catalog filters on ('published' = listed, 'draft' = not); the
-- studio's view of the course's life is `review_state`.

ALTER TABLE courses ADD COLUMN review_state TEXT NOT NULL DEFAULT 'draft'
    CHECK (review_state IN ('draft', 'in_review', 'changes_requested', 'published', 'unpublished'));
ALTER TABLE courses ADD COLUMN level TEXT NOT NULL DEFAULT 'beginner'
    CHECK (level IN ('beginner', 'intermediate', 'advanced', 'all'));
ALTER TABLE courses ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE courses ADD COLUMN outcomes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE courses ADD COLUMN refund_days INTEGER NOT NULL DEFAULT 7
    CHECK (refund_days BETWEEN 0 AND 30);
ALTER TABLE courses ADD COLUMN cover_media_id INTEGER REFERENCES media (id);
ALTER TABLE courses ADD COLUMN live_revision INTEGER;
UPDATE courses SET review_state = 'published' WHERE status = 'published';

-- Live lessons gain their content and the 'attachments' kind. Nothing references `lessons` yet,
-- so SQLite rebuilds it (a CHECK cannot be altered in place).
CREATE TABLE lessons_new (
    id                INTEGER PRIMARY KEY,
    chapter_id        INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
    course_id         INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('text', 'video', 'audio', 'attachments')),
    is_preview        BOOLEAN NOT NULL DEFAULT FALSE CHECK (is_preview IN (0, 1)),
    duration_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    body_html         TEXT    NOT NULL DEFAULT '',
    body_text         TEXT    NOT NULL DEFAULT '',
    media_id          INTEGER REFERENCES media (id),
    UNIQUE (chapter_id, position)
);
INSERT INTO lessons_new (id, chapter_id, course_id, position, title, kind, is_preview, duration_seconds)
    SELECT id, chapter_id, course_id, position, title, kind, is_preview, duration_seconds FROM lessons;
DROP TABLE lessons;
ALTER TABLE lessons_new RENAME TO lessons;
CREATE INDEX lessons_course ON lessons (course_id);

CREATE TABLE lesson_files (
    lesson_id     INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    media_id      INTEGER NOT NULL REFERENCES media (id),
    position      INTEGER NOT NULL,
    downloadable  BOOLEAN NOT NULL DEFAULT TRUE CHECK (downloadable IN (0, 1)),
    PRIMARY KEY (lesson_id, media_id)
);

-- The draft: one row of settings per course, and its structure.
CREATE TABLE course_drafts (
    course_id         INTEGER PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    slug              TEXT    NOT NULL UNIQUE,
    category_id       INTEGER NOT NULL REFERENCES categories (id),
    title             TEXT    NOT NULL,
    subtitle          TEXT    NOT NULL DEFAULT '',
    description_html  TEXT    NOT NULL DEFAULT '',
    language          TEXT    NOT NULL CHECK (language IN ('en', 'zh-CN')),
    level             TEXT    NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced', 'all')),
    tags              TEXT    NOT NULL DEFAULT '[]',
    outcomes          TEXT    NOT NULL DEFAULT '[]',
    price_minor       INTEGER NOT NULL CHECK (price_minor >= 0),
    currency          TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    refund_days       INTEGER NOT NULL CHECK (refund_days BETWEEN 0 AND 30),
    cover_media_id    INTEGER REFERENCES media (id),
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        INTEGER NOT NULL
);

-- AUTOINCREMENT: a deleted draft lesson's id may still be live until the next publish, so it must
-- never be handed out again.
CREATE TABLE draft_chapters (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL
);
CREATE INDEX draft_chapters_course ON draft_chapters (course_id, position);

CREATE TABLE draft_lessons (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    chapter_id        INTEGER NOT NULL REFERENCES draft_chapters (id) ON DELETE CASCADE,
    course_id         INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('text', 'video', 'audio', 'attachments')),
    is_preview        BOOLEAN NOT NULL DEFAULT FALSE CHECK (is_preview IN (0, 1)),
    duration_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    body_html         TEXT    NOT NULL DEFAULT '',
    body_text         TEXT    NOT NULL DEFAULT '',
    media_id          INTEGER REFERENCES media (id),
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX draft_lessons_chapter ON draft_lessons (chapter_id, position);
CREATE INDEX draft_lessons_course ON draft_lessons (course_id);

CREATE TABLE draft_lesson_files (
    lesson_id     INTEGER NOT NULL REFERENCES draft_lessons (id) ON DELETE CASCADE,
    media_id      INTEGER NOT NULL REFERENCES media (id),
    position      INTEGER NOT NULL,
    downloadable  BOOLEAN NOT NULL DEFAULT TRUE CHECK (downloadable IN (0, 1)),
    PRIMARY KEY (lesson_id, media_id)
);

-- Submitted snapshots (JSON, schema in domain::revision), numbered per course from 1.
CREATE TABLE course_revisions (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    snapshot      TEXT    NOT NULL,
    submitted_by  INTEGER NOT NULL REFERENCES users (id),
    submitted_at  INTEGER NOT NULL,
    decision      TEXT    CHECK (decision IN ('approved', 'changes_requested')),
    decided_by    INTEGER REFERENCES users (id),
    decided_at    INTEGER,
    reason        TEXT    NOT NULL DEFAULT '',
    UNIQUE (course_id, number)
);

-- Every existing course gets a draft equal to what is live, with the same ids.
INSERT INTO course_drafts (course_id, slug, category_id, title, subtitle, description_html, language,
        level, price_minor, currency, refund_days, updated_at)
    SELECT id, slug, category_id, title, subtitle, description, language, level, price_minor,
        currency, refund_days, updated_at FROM courses;
INSERT INTO draft_chapters (id, course_id, position, title)
    SELECT id, course_id, position, title FROM chapters;
INSERT INTO draft_lessons (id, chapter_id, course_id, position, title, kind, is_preview,
        duration_seconds, updated_at)
    SELECT l.id, l.chapter_id, l.course_id, l.position, l.title, l.kind, l.is_preview,
        l.duration_seconds, c.updated_at
    FROM lessons l JOIN courses c ON c.id = l.course_id;
