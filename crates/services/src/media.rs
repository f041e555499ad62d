//! Uploaded files: storing them (checked by content, streamed, rate-limited, audited), reading them
//! back to those allowed, avatars among them.
//!
//! The bytes and the record live in two places (the media store, the database), so the order is
//! fixed: bytes first under a fresh key nobody refers to yet, then the record in one unit of work
//! with its audit entry; if that unit fails, the bytes are deleted again. Deleting goes the other
//! way: the record first, then the bytes. A crash between the two leaves at worst an unreferenced
//! object, never a record without its file.

use crate::accounts::{Client, CurrentSession, audit};
use crate::throttle::Limit;
use crate::{ServiceError, Services};
use bytes::Bytes;
use domain::media::{self as rules, ByteRange, RangeError};
use domain::{MediaId, MediaKind, UserId};
use futures_util::Stream;
use futures_util::stream::BoxStream;
use media::{MediaError, MediaStore, UploadError};
use store::{MediaRecord, NewMedia};

/// Files one account may upload in an hour.
pub const UPLOADS_PER_ACCOUNT: Limit = Limit {
    name: "media-upload",
    max: 200,
    window_ms: 60 * 60 * 1000,
};
/// Avatar changes one account may make in an hour.
pub const AVATARS_PER_ACCOUNT: Limit = Limit {
    name: "avatar",
    max: 20,
    window_ms: 60 * 60 * 1000,
};
/// Legacy BLOB avatars moved per batch at start.
const LEGACY_BATCH: i64 = 100;

/// Why a file was not accepted; each is the uploader's to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// Nothing was sent.
    #[error("empty file")]
    Empty,
    /// The content is not of a type this kind of file may have.
    #[error("file type not accepted")]
    WrongType,
    /// Larger than this kind of file may be.
    #[error("file too large")]
    TooLarge,
    /// The upload stopped before the end.
    #[error("upload interrupted")]
    Interrupted,
    /// A course (draft, revision or live) still shows or plays the file.
    #[error("file in use")]
    InUse,
}

/// A file on its way to a reader.
pub struct Download {
    /// What it is.
    pub record: MediaRecord,
    /// The part being sent, when the reader asked for one.
    pub range: Option<ByteRange>,
    /// The bytes.
    pub body: BoxStream<'static, Result<Bytes, MediaError>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("record", &self.record)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

/// A body that is already whole in memory (an avatar PNG), as the stream the media store takes.
fn one_chunk(
    bytes: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    futures_util::stream::iter([Ok(Bytes::from(bytes))])
}

/// Records the avatar stored under `key` as `user`'s, as part of `tx`; returns its id and the
/// storage key of the avatar it replaces.
async fn record_avatar(
    tx: &mut store::Tx,
    user: UserId,
    key: &str,
    stored: media::Stored,
) -> Result<(MediaId, Option<String>), ServiceError> {
    let id = tx
        .insert_media(&NewMedia {
            owner: user,
            kind: MediaKind::Avatar,
            storage_key: key,
            content_type: stored.content_type,
            byte_size: stored.size,
            file_name: "avatar.png",
        })
        .await?;
    Ok((id, tx.replace_avatar(user, id).await?))
}

fn refusal(err: UploadError) -> ServiceError {
    match err {
        UploadError::Empty => ServiceError::File(FileProblem::Empty),
        UploadError::WrongType(_) => ServiceError::File(FileProblem::WrongType),
        UploadError::TooLarge => ServiceError::File(FileProblem::TooLarge),
        UploadError::Interrupted(_) => ServiceError::File(FileProblem::Interrupted),
        UploadError::Store(err) => ServiceError::MediaUnavailable(err),
    }
}

/// The name a file is offered under when downloaded: the uploader's name without any folder,
/// control characters or quotes, at most 200 characters.
fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

impl Services {
    /// The media store, for readiness checks.
    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// Stores `body` as a file of `kind` uploaded by `me`, as it arrives, and records it.
    pub async fn upload_media<S, E>(
        &self,
        me: &CurrentSession,
        kind: MediaKind,
        file_name: &str,
        body: S,
        client: &Client,
    ) -> Result<MediaRecord, ServiceError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        if kind == MediaKind::Avatar || !rules::can_upload(&me.actor, kind) {
            return Err(ServiceError::Forbidden);
        }
        self.throttle(UPLOADS_PER_ACCOUNT, &me.actor.id.to_string())
            .await?;
        let key = media::new_key(kind);
        let stored = self
            .media
            .put_stream(&key, kind, body)
            .await
            .map_err(refusal)?;
        let file_name = clean_file_name(file_name);
        let record = async {
            let new = NewMedia {
                owner: me.actor.id,
                kind,
                storage_key: &key,
                content_type: stored.content_type,
                byte_size: stored.size,
                file_name: &file_name,
            };
            let mut tx = self.store().begin().await?;
            let id = tx.insert_media(&new).await?;
            let detail = format!("{id} {} {} bytes", kind.as_str(), stored.size);
            audit(
                &mut tx,
                "media.upload",
                Some(me.actor.id),
                None,
                client,
                &detail,
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(id)
        }
        .await;
        match record {
            Ok(id) => self.store().media(id).await?.ok_or(ServiceError::NotFound),
            Err(err) => {
                self.discard(&key).await;
                Err(err)
            }
        }
    }

    /// Replaces `me`'s avatar with `png` (already checked and resized by the image pipeline):
    /// the bytes first, then the record and its audit entry in one unit; the replaced avatar's
    /// bytes are deleted once that unit has committed.
    pub async fn set_avatar(
        &self,
        me: &CurrentSession,
        png: Vec<u8>,
        client: &Client,
    ) -> Result<(), ServiceError> {
        self.throttle(AVATARS_PER_ACCOUNT, &me.actor.id.to_string())
            .await?;
        let key = media::new_key(MediaKind::Avatar);
        let size = png.len();
        let stored = self
            .media
            .put_stream(&key, MediaKind::Avatar, one_chunk(png))
            .await
            .map_err(refusal)?;
        let user = me.actor.id;
        let recorded = async {
            let mut tx = self.store().begin().await?;
            let (id, old) = record_avatar(&mut tx, user, &key, stored).await?;
            let detail = format!("{id} {size} bytes");
            audit(
                &mut tx,
                "avatar.set",
                Some(user),
                Some(user),
                client,
                &detail,
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(old)
        }
        .await;
        match recorded {
            Ok(old) => {
                if let Some(old_key) = old {
                    self.discard(&old_key).await;
                }
                Ok(())
            }
            Err(err) => {
                self.discard(&key).await;
                Err(err)
            }
        }
    }

    /// The file `id`, or the part of it `range_header` asks for, if `viewer` may read it. A file
    /// they may not read is "not found", like one that does not exist, so ids cannot be probed.
    pub async fn media_file(
        &self,
        viewer: Option<&CurrentSession>,
        id: MediaId,
        range_header: Option<&str>,
    ) -> Result<Download, ServiceError> {
        let record = self
            .store()
            .media(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let actor = viewer.map(|v| &v.actor);
        if !rules::can_read(actor, record.kind, record.owner) {
            return Err(ServiceError::NotFound);
        }
        self.download(record, range_header).await
    }

    /// A user's avatar (public, like their name).
    pub async fn avatar_file(&self, user: UserId) -> Result<Download, ServiceError> {
        let record = self
            .store()
            .avatar_media(user)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.download(record, None).await
    }

    async fn download(
        &self,
        record: MediaRecord,
        range_header: Option<&str>,
    ) -> Result<Download, ServiceError> {
        let range = match range_header.map(|h| rules::byte_range(h, record.byte_size)) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(range))) => Some(range),
            Some(Err(RangeError::Unsatisfiable)) => {
                return Err(ServiceError::RangeNotSatisfiable {
                    size: record.byte_size,
                });
            }
        };
        let body = self
            .media
            .get(&record.storage_key, range.map(|r| r.start..r.end))
            .await
            .map_err(|err| match err {
                // A record whose bytes are gone: the platform's fault, and worth a log line.
                MediaError::NotFound => {
                    tracing::error!(key = record.storage_key, "media record without its file");
                    ServiceError::NotFound
                }
                other => ServiceError::MediaUnavailable(other),
            })?;
        Ok(Download {
            record,
            range,
            body,
        })
    }

    /// Deletes the file `id`: its owner or an admin. Deleting a file already gone is "not found",
    /// so a retried delete answers the same as a delete of a stranger's file.
    pub async fn delete_media(
        &self,
        me: &CurrentSession,
        id: MediaId,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let record = self
            .store()
            .media(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !rules::can_delete(&me.actor, record.owner) {
            return Err(
                if rules::can_read(Some(&me.actor), record.kind, record.owner) {
                    ServiceError::Forbidden
                } else {
                    ServiceError::NotFound
                },
            );
        }
        let mut tx = self.store().begin().await?;
        if tx.media_in_use(id).await? {
            return Err(ServiceError::File(FileProblem::InUse));
        }
        if !tx.delete_media(id).await? {
            return Err(ServiceError::NotFound);
        }
        let detail = format!("{id} {}", record.kind.as_str());
        audit(
            &mut tx,
            "media.delete",
            Some(me.actor.id),
            Some(record.owner),
            client,
            &detail,
        )
        .await?;
        tx.commit().await?;
        self.discard(&record.storage_key).await;
        Ok(())
    }

    /// Moves avatars kept as database BLOBs (before the media store existed) into the media store,
    /// at start. Safe on several nodes at once: the node whose unit deletes the BLOB row keeps its
    /// copy; the others delete theirs. Returns how many this node moved.
    pub async fn move_legacy_avatars(&self) -> Result<usize, ServiceError> {
        let mut moved = 0;
        loop {
            let batch = self.store().legacy_avatars(LEGACY_BATCH).await?;
            if batch.is_empty() {
                return Ok(moved);
            }
            for (user, png) in batch {
                let key = media::new_key(MediaKind::Avatar);
                let size = png.len();
                let stored = match self
                    .media
                    .put_stream(&key, MediaKind::Avatar, one_chunk(png))
                    .await
                {
                    Ok(stored) => stored,
                    Err(UploadError::Store(err)) => {
                        return Err(ServiceError::MediaUnavailable(err));
                    }
                    Err(refused) => {
                        // Not a PNG after all: nothing to show, so the BLOB is dropped.
                        tracing::warn!(%user, error = %refused, "dropping an unreadable legacy avatar");
                        let mut tx = self.store().begin().await?;
                        tx.forget_legacy_avatar(user).await?;
                        tx.commit().await?;
                        continue;
                    }
                };
                let outcome = async {
                    let mut tx = self.store().begin().await?;
                    if !tx.forget_legacy_avatar(user).await? {
                        return Ok(false);
                    }
                    record_avatar(&mut tx, user, &key, stored).await?;
                    tx.commit().await?;
                    Ok::<_, ServiceError>(true)
                }
                .await;
                match outcome {
                    Ok(true) => {
                        tracing::debug!(%user, size, "moved a legacy avatar to the media store");
                        moved += 1;
                    }
                    Ok(false) => self.discard(&key).await,
                    Err(err) => {
                        self.discard(&key).await;
                        return Err(err);
                    }
                }
            }
        }
    }

    /// Deletes bytes nothing refers to any more. A failure is logged, not returned: the use case
    /// already succeeded or failed on its own terms, and an orphaned object costs only space.
    async fn discard(&self, key: &str) {
        if let Err(err) = self.media.delete(key).await {
            tracing::warn!(key, error = %crate::cause_chain(&err), "an unreferenced file stays");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_lose_folders_quotes_and_controls() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\me\\slides.pdf"), "slides.pdf");
        assert_eq!(clean_file_name("a\"b\r\nc.pdf"), "abc.pdf");
        assert_eq!(clean_file_name("讲义 第一章.pdf"), "讲义 第一章.pdf");
        assert_eq!(clean_file_name(&"x".repeat(500)).len(), 200);
    }
}
