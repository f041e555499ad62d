-- Media (issue 7): files live in the media store (a folder under the data directory, or an
-- S3-compatible bucket); the database keeps one record per file, written in the same unit of work
-- as whatever uses the file. Avatars move out of `avatars` BLOBs: Lore copies each one into the
-- media store at start (services::Services::move_legacy_avatars) and deletes its row; a later
-- migration drops the emptied table.
CREATE TABLE media (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    storage_key   TEXT    NOT NULL UNIQUE,
    owner_id      BIGINT  NOT NULL REFERENCES users (id),
    kind          TEXT    NOT NULL
                  CHECK (kind IN ('avatar', 'image', 'video', 'audio', 'document')),
    content_type  TEXT    NOT NULL,
    byte_size     BIGINT  NOT NULL,
    file_name     TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL
);
CREATE INDEX media_owner ON media (owner_id, id DESC);

ALTER TABLE users ADD COLUMN avatar_media_id BIGINT REFERENCES media (id) ON DELETE SET NULL;
