//! Records of uploaded files. The bytes live in the media store; a row here says whose a file is,
//! what it is and where it is, and is written in the same unit of work as whatever uses the file.

use crate::db::{Tx, on};
use crate::{Store, StoreError, now_millis};
use domain::{
    CourseAccess, CourseId, CourseStatus, LessonId, LessonKind, LessonOutline, MediaId, MediaKind,
    UserId,
};

/// A file to record, already stored under `storage_key`.
#[derive(Clone, Debug)]
pub struct NewMedia<'a> {
    /// Who uploaded it.
    pub owner: UserId,
    /// What it is for.
    pub kind: MediaKind,
    /// Its key in the media store.
    pub storage_key: &'a str,
    /// Its content type, as sniffed from its first bytes.
    pub content_type: &'a str,
    /// Its length.
    pub byte_size: u64,
    /// The name it had on the uploader's machine, for downloads (never a path).
    pub file_name: &'a str,
    /// How long it plays, in whole seconds, when it is a video or recording that says so.
    pub duration_seconds: Option<i64>,
}

/// A recorded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaRecord {
    /// The file.
    pub id: MediaId,
    /// Who uploaded it.
    pub owner: UserId,
    /// What it is for.
    pub kind: MediaKind,
    /// Its key in the media store.
    pub storage_key: String,
    /// Its content type.
    pub content_type: String,
    /// Its length.
    pub byte_size: u64,
    /// The name it had on the uploader's machine.
    pub file_name: String,
    /// How long it plays, in whole seconds, if known.
    pub duration_seconds: Option<i64>,
    /// When it was stored (Unix ms).
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: i64,
    owner_id: i64,
    kind: String,
    storage_key: String,
    content_type: String,
    byte_size: i64,
    file_name: String,
    duration_seconds: Option<i64>,
    created_at: i64,
}

impl TryFrom<MediaRow> for MediaRecord {
    type Error = StoreError;
    fn try_from(row: MediaRow) -> Result<Self, StoreError> {
        Ok(MediaRecord {
            id: MediaId::new(row.id),
            owner: UserId::new(row.owner_id),
            kind: MediaKind::parse(&row.kind)
                .ok_or_else(|| StoreError::corrupt("media", row.kind))?,
            storage_key: row.storage_key,
            content_type: row.content_type,
            byte_size: u64::try_from(row.byte_size)
                .map_err(|_| StoreError::corrupt("media", row.byte_size.to_string()))?,
            file_name: row.file_name,
            duration_seconds: row.duration_seconds,
            created_at: row.created_at,
        })
    }
}

/// A file attached to a lesson, and whether it is downloadable.
#[derive(sqlx::FromRow)]
struct AttachedRow {
    #[sqlx(flatten)]
    media: MediaRow,
    downloadable: bool,
}

/// A live lesson using a file, with its course's author and status.
#[derive(sqlx::FromRow)]
struct LiveUseRow {
    course_id: i64,
    author_id: i64,
    status: String,
    id: i64,
    title: String,
    kind: String,
    is_preview: bool,
    duration_seconds: i64,
}

const MEDIA_COLUMNS: &str = "m.id, m.owner_id, m.kind, m.storage_key, m.content_type, m.byte_size, m.file_name, m.duration_seconds, m.created_at";

impl Store {
    /// The record of one file.
    pub async fn media(&self, id: MediaId) -> Result<Option<MediaRecord>, StoreError> {
        let sql = const_format::formatcp!("SELECT {MEDIA_COLUMNS} FROM media m WHERE m.id = $1");
        let row: Option<MediaRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(MediaRecord::try_from).transpose()
    }

    /// The records of the files among `ids` that exist (at most 500 asked at once).
    pub async fn media_records(&self, ids: &[MediaId]) -> Result<Vec<MediaRecord>, StoreError> {
        let ids = &ids[..ids.len().min(500)];
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<MediaRow> = on!(Pool, &self.pool, |pool| {
            let mut query = sqlx::QueryBuilder::new(const_format::formatcp!(
                "SELECT {MEDIA_COLUMNS} FROM media m WHERE m.id IN ("
            ));
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id.get());
            }
            list.push_unseparated(")");
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter().map(MediaRecord::try_from).collect()
    }

    /// Whether a listed (published) course shows `media` as its cover, which makes the picture
    /// public.
    pub async fn is_listed_cover(&self, media: MediaId) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id FROM courses WHERE cover_media_id = $1 AND status = 'published' LIMIT 1",
            )
            .bind(media.get())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.is_some())
    }

    /// The record of a user's avatar, if they have one.
    pub async fn avatar_media(&self, user: UserId) -> Result<Option<MediaRecord>, StoreError> {
        let sql = const_format::formatcp!(
            "SELECT {MEDIA_COLUMNS} FROM users u JOIN media m ON m.id = u.avatar_media_id \
             WHERE u.id = $1"
        );
        let row: Option<MediaRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql)
                .bind(user.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(MediaRecord::try_from).transpose()
    }

    /// The live lessons that play or attach file `id`, each with the facts about its course that
    /// decide who may view it.
    pub async fn live_lessons_using_media(
        &self,
        id: MediaId,
    ) -> Result<Vec<(CourseId, CourseAccess, LessonOutline)>, StoreError> {
        let rows: Vec<LiveUseRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT c.id AS course_id, c.author_id, c.status, l.id, l.title, l.kind, l.is_preview, \
                 l.duration_seconds FROM lessons l JOIN courses c ON c.id = l.course_id \
                 WHERE l.media_id = $1 \
                 OR l.id IN (SELECT lesson_id FROM lesson_files WHERE media_id = $1)",
            )
            .bind(id.get())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                let course = CourseAccess {
                    author: UserId::new(row.author_id),
                    status: CourseStatus::parse(&row.status)
                        .ok_or_else(|| StoreError::corrupt("courses", &row.status))?,
                };
                let lesson = LessonOutline {
                    id: LessonId::new(row.id),
                    kind: LessonKind::parse(&row.kind)
                        .ok_or_else(|| StoreError::corrupt("lessons", &row.kind))?,
                    title: row.title,
                    is_preview: row.is_preview,
                    duration_seconds: row.duration_seconds,
                };
                Ok((CourseId::new(row.course_id), course, lesson))
            })
            .collect()
    }

    /// The files attached to live lesson `id`, in order, each with whether it is downloadable.
    pub async fn live_lesson_files(
        &self,
        id: LessonId,
    ) -> Result<Vec<(MediaRecord, bool)>, StoreError> {
        let sql = const_format::formatcp!(
            "SELECT {MEDIA_COLUMNS}, f.downloadable FROM lesson_files f \
             JOIN media m ON m.id = f.media_id WHERE f.lesson_id = $1 ORDER BY f.position"
        );
        let rows: Vec<AttachedRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql).bind(id.get()).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| Ok((MediaRecord::try_from(row.media)?, row.downloadable)))
            .collect()
    }

    /// The body of live lesson `id` and the file it plays, if any.
    pub async fn live_lesson_content(
        &self,
        id: LessonId,
    ) -> Result<Option<(String, Option<MediaRecord>)>, StoreError> {
        let body: Option<(String, Option<i64>)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT body_html, media_id FROM lessons WHERE id = $1")
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        let Some((html, media)) = body else {
            return Ok(None);
        };
        let media = match media {
            Some(media) => self.media(MediaId::new(media)).await?,
            None => None,
        };
        Ok(Some((html, media)))
    }

    /// Avatars still held as database BLOBs (from before the media store), a batch at a time.
    pub async fn legacy_avatars(&self, limit: i64) -> Result<Vec<(UserId, Vec<u8>)>, StoreError> {
        let rows: Vec<(i64, Vec<u8>)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT user_id, png FROM avatars ORDER BY user_id LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, png)| (UserId::new(id), png))
            .collect())
    }
}

impl Tx {
    /// Records a stored file.
    pub async fn insert_media(&mut self, media: &NewMedia<'_>) -> Result<MediaId, StoreError> {
        let byte_size = i64::try_from(media.byte_size)
            .map_err(|_| StoreError::corrupt("media", media.byte_size.to_string()))?;
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO media (storage_key, owner_id, kind, content_type, byte_size, \
                 file_name, duration_seconds, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(media.storage_key)
            .bind(media.owner.get())
            .bind(media.kind.as_str())
            .bind(media.content_type)
            .bind(byte_size)
            .bind(media.file_name)
            .bind(media.duration_seconds)
            .bind(now_millis())
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(MediaId::new(id))
    }

    /// Whether a course's draft or live version shows or plays the file (a lesson's video or
    /// recording, an attachment, a cover), so deleting it would break that course. Asked in the
    /// deleting unit of work, so a lesson cannot take the file in between.
    pub async fn media_in_use(&mut self, id: MediaId) -> Result<bool, StoreError> {
        let (used,): (bool,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM draft_lessons WHERE media_id = $1) \
                 OR EXISTS (SELECT 1 FROM lessons WHERE media_id = $1) \
                 OR EXISTS (SELECT 1 FROM draft_lesson_files WHERE media_id = $1) \
                 OR EXISTS (SELECT 1 FROM lesson_files WHERE media_id = $1) \
                 OR EXISTS (SELECT 1 FROM course_drafts WHERE cover_media_id = $1) \
                 OR EXISTS (SELECT 1 FROM courses WHERE cover_media_id = $1)",
            )
            .bind(id.get())
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(used)
    }

    /// Forgets a file's record; says whether there was one. The caller deletes the bytes once
    /// this has committed.
    pub async fn delete_media(&mut self, id: MediaId) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM media WHERE id = $1")
                .bind(id.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Makes `media` the user's avatar and forgets the one it replaces, returning that one's
    /// storage key so the caller can delete its bytes after commit.
    pub async fn replace_avatar(
        &mut self,
        user: UserId,
        media: MediaId,
    ) -> Result<Option<String>, StoreError> {
        let old: Option<(i64, String)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT m.id, m.storage_key FROM users u JOIN media m ON m.id = u.avatar_media_id \
                 WHERE u.id = $1",
            )
            .bind(user.get())
            .fetch_optional(&mut **tx)
            .await?
        });
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET avatar_media_id = $2 WHERE id = $1")
                .bind(user.get())
                .bind(media.get())
                .execute(&mut **tx)
                .await?;
        });
        let Some((old_id, old_key)) = old else {
            return Ok(None);
        };
        self.delete_media(MediaId::new(old_id)).await?;
        Ok(Some(old_key))
    }

    /// Removes a user's BLOB avatar once it has been copied to the media store; false when another
    /// node moved it first.
    pub async fn forget_legacy_avatar(&mut self, user: UserId) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM avatars WHERE user_id = $1")
                .bind(user.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }
}
