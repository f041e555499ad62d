//! Resumable uploads (the tus 1.0 protocol's core, creation and termination): a long video sent
//! over a flaky connection continues where it stopped instead of starting again.
//!
//! The sender declares the length, then sends the bytes in one or more requests, each starting at
//! the offset the server last confirmed. Each request's bytes become one part in the media store
//! (`uploads/{id}/{n}`), kept even when the connection drops midway; the row in `uploads` counts
//! what arrived. When the last byte is in, the parts are joined into one media file, checked like
//! any upload (type from the first bytes, the kind's size limit), recorded with its audit entry in
//! one unit of work, and the parts deleted. Nothing of an upload is visible as a file before that.
//!
//! Abandoned uploads (untouched for [`STALE_AFTER_MS`]) are deleted, parts and all, when anyone
//! next starts an upload; that needs no timer on any node and is safe when two nodes do it at once.

use crate::accounts::{Client, CurrentSession};
use crate::media::{FileProblem, UPLOADS_PER_ACCOUNT, refusal};
use crate::{ServiceError, Services};
use bytes::Bytes;
use domain::MediaKind;
use domain::media as rules;
use futures_util::Stream;
use media::UploadError;
use store::{NewMedia, NewUpload, UploadRecord, now_millis};

/// How long an upload may sit untouched before it counts as abandoned.
pub const STALE_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// The media store key of part `n` of upload `id`.
fn part_key(id: &str, n: u64) -> String {
    format!("uploads/{id}/{n:08}")
}

/// Whether `id` has the shape upload ids are made with (so junk never reaches the database).
fn is_upload_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Services {
    /// Begins an upload of `length` bytes of `kind` for `me`: refused at once when `me` may not
    /// upload that kind or it is larger than the kind allows. Clears out abandoned uploads first.
    pub async fn start_upload(
        &self,
        me: &CurrentSession,
        kind: MediaKind,
        file_name: &str,
        length: u64,
    ) -> Result<UploadRecord, ServiceError> {
        if kind == MediaKind::Avatar || !rules::can_upload(&me.actor, kind) {
            return Err(ServiceError::Forbidden);
        }
        if length == 0 {
            return Err(ServiceError::File(FileProblem::Empty));
        }
        if length > self.media().max_bytes(kind) {
            return Err(ServiceError::File(FileProblem::TooLarge));
        }
        self.throttle(UPLOADS_PER_ACCOUNT, &me.actor.id.to_string())
            .await?;
        self.clear_stale_uploads().await?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let file_name = crate::media::clean_file_name(file_name);
        let mut tx = self.store().begin().await?;
        tx.create_upload(&NewUpload {
            id: &id,
            owner: me.actor.id,
            kind,
            file_name: &file_name,
            length,
            now: now_millis(),
        })
        .await?;
        tx.commit().await?;
        self.store()
            .upload(&id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// `me`'s upload `id` as far as it has come; anyone else's is "not found".
    pub async fn upload_status(
        &self,
        me: &CurrentSession,
        id: &str,
    ) -> Result<UploadRecord, ServiceError> {
        if !is_upload_id(id) {
            return Err(ServiceError::NotFound);
        }
        self.store()
            .upload(id)
            .await?
            .filter(|upload| upload.owner == me.actor.id)
            .ok_or(ServiceError::NotFound)
    }

    /// Appends `body` to `me`'s upload `id` at `offset`, which must be where it stands (else a
    /// conflict naming where it does, so the sender can resume there). Keeps what arrives even if
    /// the sender stops midway. Completes the file when the last byte is in.
    pub async fn append_upload<S, E>(
        &self,
        me: &CurrentSession,
        id: &str,
        offset: u64,
        body: S,
        client: &Client,
    ) -> Result<UploadRecord, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let upload = self.upload_status(me, id).await?;
        if upload.media.is_some() || offset != upload.received {
            return Err(ServiceError::UploadOffset {
                offset: upload.received,
            });
        }
        let key = part_key(id, upload.parts);
        let part = self
            .media()
            .put_part(&key, body, upload.length - upload.received)
            .await
            .map_err(refusal)?;
        let counted = if part.size == 0 {
            false
        } else {
            let mut tx = self.store().begin().await?;
            let moved = tx
                .advance_upload(id, offset, part.size, now_millis())
                .await?;
            tx.commit().await?;
            moved
        };
        if !counted {
            self.discard(&key).await;
            let now = self.upload_status(me, id).await?;
            if part.size > 0 {
                return Err(ServiceError::UploadOffset {
                    offset: now.received,
                });
            }
            // Every byte is in but joining them failed last time (the platform's fault): an
            // empty request at the end retries the join.
            if now.received == now.length && now.media.is_none() {
                return self.finish_upload(me, now, client).await;
            }
            return Ok(now);
        }
        let upload = self.upload_status(me, id).await?;
        if upload.received == upload.length {
            return self.finish_upload(me, upload, client).await;
        }
        if part.interrupted {
            return Err(ServiceError::File(FileProblem::Interrupted));
        }
        Ok(upload)
    }

    /// Joins a complete upload's parts into one media file and records it; deletes the parts.
    /// A file that fails the checks (type, size) is refused and the whole upload forgotten.
    async fn finish_upload(
        &self,
        me: &CurrentSession,
        upload: UploadRecord,
        client: &Client,
    ) -> Result<UploadRecord, ServiceError> {
        let parts: Vec<String> = (0..upload.parts).map(|n| part_key(&upload.id, n)).collect();
        let key = media::new_key(upload.kind);
        let joined = self
            .media()
            .join_parts(&key, upload.kind, parts.clone())
            .await;
        let stored = match joined {
            Ok(stored) => stored,
            Err(err) => {
                if matches!(
                    err,
                    UploadError::Empty | UploadError::WrongType(_) | UploadError::TooLarge
                ) {
                    self.cancel_upload(me, &upload.id).await?;
                }
                return Err(refusal(err));
            }
        };
        let duration_seconds = self
            .play_seconds(upload.kind, &key, stored.size, stored.content_type)
            .await;
        let new = NewMedia {
            owner: me.actor.id,
            kind: upload.kind,
            storage_key: &key,
            content_type: stored.content_type,
            byte_size: stored.size,
            file_name: &upload.file_name,
            duration_seconds,
        };
        self.record_file(me, client, &new, Some(&upload.id)).await?;
        for part in &parts {
            self.discard(part).await;
        }
        self.upload_status(me, &upload.id).await
    }

    /// Stops `me`'s upload `id` and deletes what arrived of it. Safe to repeat.
    pub async fn cancel_upload(&self, me: &CurrentSession, id: &str) -> Result<(), ServiceError> {
        let upload = match self.upload_status(me, id).await {
            Err(ServiceError::NotFound) => return Ok(()),
            other => other?,
        };
        let mut tx = self.store().begin().await?;
        let parts = tx.delete_upload(&upload.id).await?;
        tx.commit().await?;
        for n in 0..parts.unwrap_or(0) {
            self.discard(&part_key(&upload.id, n)).await;
        }
        Ok(())
    }

    /// Deletes uploads nobody has touched for [`STALE_AFTER_MS`], and their parts. The rows go in
    /// one unit of work first, so two nodes clearing at once never both delete the same parts'
    /// record, and a crash between the two leaves only unreferenced parts behind.
    pub async fn clear_stale_uploads(&self) -> Result<usize, ServiceError> {
        let mut tx = self.store().begin().await?;
        let stale = tx.take_stale_uploads(now_millis() - STALE_AFTER_MS).await?;
        tx.commit().await?;
        for (id, parts) in &stale {
            for n in 0..*parts {
                self.discard(&part_key(id, n)).await;
            }
        }
        if !stale.is_empty() {
            tracing::info!(count = stale.len(), "cleared abandoned uploads");
        }
        Ok(stale.len())
    }
}
