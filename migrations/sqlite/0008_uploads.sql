-- Resumable uploads (issue 8; the tus 1.0 protocol). A large file arrives over several requests,
-- each stored as a part in the media store under `uploads/{id}/`. Once all `length` bytes are in,
-- the parts become one media file and `media_id` names it. A row untouched for a day is
-- abandoned: the next upload to start deletes it and its parts, whichever node that is.
CREATE TABLE uploads (
    id          TEXT    PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'document')),
    file_name   TEXT    NOT NULL DEFAULT '',
    length      INTEGER NOT NULL CHECK (length > 0),
    received    INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= length),
    parts       INTEGER NOT NULL DEFAULT 0 CHECK (parts >= 0),
    media_id    INTEGER REFERENCES media (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX uploads_updated ON uploads (updated_at);
