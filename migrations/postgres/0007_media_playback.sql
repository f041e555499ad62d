-- Playing lesson files (issue 8): signed media addresses and durations.
--
-- Keys the platform makes for itself live here, so every node behind a load balancer signs and
-- checks with the same one: the first node that needs a key inserts a random one
-- (INSERT … ON CONFLICT DO NOTHING) and every node reads back whichever won.
CREATE TABLE platform_keys (
    name        TEXT    PRIMARY KEY,
    secret      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- A learner's request for a lesson's file is checked against the live lessons that use it.
CREATE INDEX lessons_media ON lessons (media_id);
CREATE INDEX lesson_files_media ON lesson_files (media_id);

-- How long a video or recording plays, read from the file when it is stored (NULL: unknown, or
-- not a kind that plays). A lesson playing it takes its duration from here.
ALTER TABLE media ADD COLUMN duration_seconds BIGINT CHECK (duration_seconds >= 0);
