-- Lore's first schema: people who write courses, and the public catalog.
-- Times are Unix milliseconds (BIGINT) so the same SQL reads them on both backends.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'learner'
                  CHECK (role IN ('learner', 'author', 'reviewer', 'admin')),
    created_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE categories (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug      TEXT    NOT NULL UNIQUE,
    name_en   TEXT    NOT NULL,
    name_zh   TEXT    NOT NULL,
    position  BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE courses (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    author_id     BIGINT  NOT NULL REFERENCES users (id),
    category_id   BIGINT  NOT NULL REFERENCES categories (id),
    title         TEXT    NOT NULL,
    subtitle      TEXT    NOT NULL DEFAULT '',
    description   TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL CHECK (language IN ('en', 'zh-CN')),
    price_minor   BIGINT  NOT NULL CHECK (price_minor >= 0),
    currency      TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    status        TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'in_review', 'published')),
    published_at  BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX courses_published ON courses (status, published_at DESC, id DESC);
CREATE INDEX courses_category ON courses (category_id, status);
CREATE INDEX courses_author ON courses (author_id);

CREATE TABLE chapters (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id  BIGINT  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position   BIGINT  NOT NULL,
    title      TEXT    NOT NULL,
    UNIQUE (course_id, position)
);

CREATE TABLE lessons (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chapter_id        BIGINT  NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
    course_id         BIGINT  NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          BIGINT  NOT NULL,
    title             TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('text', 'video', 'audio')),
    is_preview        BOOLEAN NOT NULL DEFAULT FALSE,
    duration_seconds  BIGINT  NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    UNIQUE (chapter_id, position)
);
CREATE INDEX lessons_course ON lessons (course_id);
