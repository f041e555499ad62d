-- Native drivers (issue 7): a flag is a BOOLEAN column on both backends, so the same Rust `bool`
-- reads it. SQLite cannot change a column's declared type in place, so `lessons` is rebuilt with
-- its rows, indexes and checks (nothing references it yet).

CREATE TABLE lessons_new (
    id                INTEGER PRIMARY KEY,
    chapter_id        INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
    course_id         INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('text', 'video', 'audio')),
    is_preview        BOOLEAN NOT NULL DEFAULT FALSE CHECK (is_preview IN (0, 1)),
    duration_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
    UNIQUE (chapter_id, position)
);
INSERT INTO lessons_new (id, chapter_id, course_id, position, title, kind, is_preview, duration_seconds)
    SELECT id, chapter_id, course_id, position, title, kind, is_preview, duration_seconds FROM lessons;
DROP TABLE lessons;
ALTER TABLE lessons_new RENAME TO lessons;
CREATE INDEX lessons_course ON lessons (course_id);
