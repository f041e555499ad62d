-- Lore's first schema: people who write courses, and the public catalog.
-- Times are Unix milliseconds (INTEGER) so the same SQL reads them on both backends.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'learner'
                  CHECK (role IN ('learner', 'author', 'reviewer', 'admin')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    slug      TEXT    NOT NULL UNIQUE,
    name_en   TEXT    NOT NULL,
    name_zh   TEXT    NOT NULL,
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE courses (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    author_id     INTEGER NOT NULL REFERENCES users (id),
    category_id   INTEGER NOT NULL REFERENCES categories (id),
    title         TEXT    NOT NULL,
    subtitle      TEXT    NOT NULL DEFAULT '',
    description   TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL CHECK (language IN ('en', 'zh-CN')),
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    currency      TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    status        TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'in_review', 'published')),
    published_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX courses_published ON courses (status, published_at DESC, id DESC);
CREATE INDEX courses_category ON courses (category_id, status);
CREATE INDEX courses_author ON courses (author_id);

CREATE TABLE chapters (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    UNIQUE (course_id, position)
);

CREATE TABLE lessons (
    id                INTEGER PRIMARY KEY,
    chapter_id        INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
    course_id         INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('text', 'video', 'audio')),
    is_preview        INTEGER NOT NULL DEFAULT 0 CHECK (is_preview IN (0, 1)),
    duration_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    UNIQUE (chapter_id, position)
);
CREATE INDEX lessons_course ON lessons (course_id);
