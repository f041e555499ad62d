//! Resumable uploads under way: how much of each file has arrived, in how many parts. The parts
//! themselves live in the media store; a row here is the one truth every node reads, so a client
//! may send one request to node A and the next to node B.

use crate::db::{Tx, on};
use crate::{Store, StoreError};
use domain::{MediaId, MediaKind, UserId};

/// An upload to begin.
#[derive(Clone, Debug)]
pub struct NewUpload<'a> {
    /// Its id (random, also its folder in the media store).
    pub id: &'a str,
    /// Who is sending it.
    pub owner: UserId,
    /// What it is for.
    pub kind: MediaKind,
    /// The name it has on the sender's machine.
    pub file_name: &'a str,
    /// Its whole length in bytes, declared up front.
    pub length: u64,
    /// Now (Unix ms).
    pub now: i64,
}

/// An upload as far as it has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRecord {
    /// Its id.
    pub id: String,
    /// Who is sending it.
    pub owner: UserId,
    /// What it is for.
    pub kind: MediaKind,
    /// The name it has on the sender's machine.
    pub file_name: String,
    /// Its whole length in bytes.
    pub length: u64,
    /// How many bytes have arrived (the offset the next request starts at).
    pub received: u64,
    /// How many parts those bytes are stored in.
    pub parts: u64,
    /// The media file it became, once complete.
    pub media: Option<MediaId>,
}

#[derive(sqlx::FromRow)]
struct UploadRow {
    id: String,
    owner_id: i64,
    kind: String,
    file_name: String,
    length: i64,
    received: i64,
    parts: i64,
    media_id: Option<i64>,
}

impl TryFrom<UploadRow> for UploadRecord {
    type Error = StoreError;
    fn try_from(row: UploadRow) -> Result<Self, StoreError> {
        let count = |n: i64| u64::try_from(n).map_err(|_| StoreError::corrupt("uploads", n));
        Ok(UploadRecord {
            owner: UserId::new(row.owner_id),
            kind: MediaKind::parse(&row.kind)
                .ok_or_else(|| StoreError::corrupt("uploads", &row.kind))?,
            file_name: row.file_name,
            length: count(row.length)?,
            received: count(row.received)?,
            parts: count(row.parts)?,
            media: row.media_id.map(MediaId::new),
            id: row.id,
        })
    }
}

/// A byte count as the database stores it.
fn stored(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::corrupt("uploads", n))
}

impl Store {
    /// The upload `id`, if it exists.
    pub async fn upload(&self, id: &str) -> Result<Option<UploadRecord>, StoreError> {
        let row: Option<UploadRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, owner_id, kind, file_name, length, received, parts, media_id \
                 FROM uploads WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.map(UploadRecord::try_from).transpose()
    }
}

impl Tx {
    /// Records an upload about to begin.
    pub async fn create_upload(&mut self, upload: &NewUpload<'_>) -> Result<(), StoreError> {
        let length = stored(upload.length)?;
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO uploads (id, owner_id, kind, file_name, length, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(upload.id)
            .bind(upload.owner.get())
            .bind(upload.kind.as_str())
            .bind(upload.file_name)
            .bind(length)
            .bind(upload.now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Counts `bytes` more as arrived, in one more part, if the upload still stands at `from`;
    /// false when another request moved it first (the caller's part is then not counted).
    pub async fn advance_upload(
        &mut self,
        id: &str,
        from: u64,
        bytes: u64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (from, bytes) = (stored(from)?, stored(bytes)?);
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE uploads SET received = received + $3, parts = parts + 1, updated_at = $4 \
                 WHERE id = $1 AND received = $2 AND media_id IS NULL",
            )
            .bind(id)
            .bind(from)
            .bind(bytes)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Notes the media file a complete upload became.
    pub async fn complete_upload(
        &mut self,
        id: &str,
        media: MediaId,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE uploads SET media_id = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(media.get())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Forgets upload `id`; its part count, so the caller can delete the parts after commit, or
    /// `None` if it was already gone.
    pub async fn delete_upload(&mut self, id: &str) -> Result<Option<u64>, StoreError> {
        let row: Option<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as("DELETE FROM uploads WHERE id = $1 RETURNING parts")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
        });
        row.map(|(parts,)| u64::try_from(parts).map_err(|_| StoreError::corrupt("uploads", parts)))
            .transpose()
    }

    /// Forgets every upload untouched since `before` (Unix ms): each one's id and part count, for
    /// the caller to delete after commit. Two nodes doing this at once each get different rows.
    pub async fn take_stale_uploads(
        &mut self,
        before: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as("DELETE FROM uploads WHERE updated_at < $1 RETURNING id, parts")
                .bind(before)
                .fetch_all(&mut **tx)
                .await?
        });
        rows.into_iter()
            .map(|(id, parts)| {
                let parts =
                    u64::try_from(parts).map_err(|_| StoreError::corrupt("uploads", parts))?;
                Ok((id, parts))
            })
            .collect()
    }
}
