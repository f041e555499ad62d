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
use hmac::{Hmac, KeyInit, Mac};
use media::{MediaError, MediaStore, UploadError};
use sha2::Sha256;
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

/// The name of the platform key media addresses are signed with.
const SIGNING_KEY: &str = "media-urls";
/// Hex digits of the HMAC kept in an address (128 bits).
const SIGNATURE_HEX: usize = 32;

/// The query part of a signed media address: `?expires=…&sig=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// When the address stops working (Unix seconds).
    pub expires: i64,
    /// The HMAC of the file id and `expires`, hex, truncated.
    pub sig: String,
}

/// Signs and checks media addresses: an HMAC-SHA256 over the file id and the expiry, keyed with
/// the platform key every node shares, so an address made on one node works on every other.
#[derive(Clone)]
pub struct Signer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)") // never the key
    }
}

impl Signer {
    fn new(key: &str) -> Result<Self, ServiceError> {
        let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|_| ServiceError::Invalid("signing key"))?;
        Ok(Self { mac })
    }

    fn mac(&self, id: MediaId, expires: i64) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(format!("{id}.{expires}").as_bytes());
        mac
    }

    /// A signature of `payload` for `purpose` (which keeps a signature made for one use from
    /// being accepted by another, and from looking like a media grant).
    pub fn sign_text(&self, purpose: &str, payload: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(format!("{purpose}:{payload}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `sig` is [`Signer::sign_text`]'s for `purpose` and `payload`, compared in
    /// constant time.
    pub fn verify_text(&self, purpose: &str, payload: &str, sig: &str) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        let mut mac = self.mac.clone();
        mac.update(format!("{purpose}:{payload}").as_bytes());
        mac.verify_slice(&sig).is_ok()
    }

    /// `/media/{id}?expires=…&sig=…`, working until `expires` (Unix seconds).
    pub fn url(&self, id: MediaId, expires: i64) -> String {
        let sig = hex::encode(self.mac(id, expires).finalize().into_bytes());
        format!(
            "/media/{id}?expires={expires}&sig={}",
            &sig[..SIGNATURE_HEX]
        )
    }

    /// Whether `grant` was made by [`Signer::url`] for file `id` and still works at `now` (Unix
    /// seconds). The comparison takes the same time however many digits match.
    pub fn verify(&self, id: MediaId, grant: &Grant, now: i64) -> bool {
        let Ok(sig) = hex::decode(&grant.sig) else {
            return false;
        };
        sig.len() * 2 == SIGNATURE_HEX
            && rules::signature_in_date(grant.expires, now)
            && self
                .mac(id, grant.expires)
                .verify_truncated_left(&sig)
                .is_ok()
    }
}

/// Now, in Unix seconds.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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
pub(crate) fn one_chunk(
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
            duration_seconds: None,
        })
        .await?;
    Ok((id, tx.replace_avatar(user, id).await?))
}

pub(crate) fn refusal(err: UploadError) -> ServiceError {
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
pub(crate) fn clean_file_name(raw: &str) -> String {
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
        let duration_seconds = self
            .play_seconds(kind, &key, stored.size, stored.content_type)
            .await;
        let new = NewMedia {
            owner: me.actor.id,
            kind,
            storage_key: &key,
            content_type: stored.content_type,
            byte_size: stored.size,
            file_name: &file_name,
            duration_seconds,
        };
        let id = self.record_file(me, client, &new, None).await?;
        self.store().media(id).await?.ok_or(ServiceError::NotFound)
    }

    /// Records a stored file with its audit entry in one unit of work (for a resumable upload,
    /// marking `upload` complete in the same unit); if that fails, deletes the stored bytes again,
    /// so no file is ever kept without its record.
    pub(crate) async fn record_file(
        &self,
        me: &CurrentSession,
        client: &Client,
        new: &NewMedia<'_>,
        upload: Option<&str>,
    ) -> Result<MediaId, ServiceError> {
        let recorded = async {
            let mut tx = self.store().begin().await?;
            let id = tx.insert_media(new).await?;
            if let Some(upload) = upload {
                tx.complete_upload(upload, id, store::now_millis()).await?;
            }
            let how = if upload.is_some() { ", resumable" } else { "" };
            let detail = format!("{id} {} {} bytes{how}", new.kind.as_str(), new.byte_size);
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
        if recorded.is_err() {
            self.discard(new.storage_key).await;
        }
        recorded
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

    /// How long a just-stored video or recording plays, in whole seconds, if the file says.
    pub(crate) async fn play_seconds(
        &self,
        kind: MediaKind,
        key: &str,
        size: u64,
        content_type: &str,
    ) -> Option<i64> {
        if !matches!(kind, MediaKind::Video | MediaKind::Audio) {
            return None;
        }
        let played = self.media.play_time(key, size, content_type).await?;
        i64::try_from((played.as_millis() + 500) / 1000).ok()
    }

    /// The signer of media addresses, made from the shared platform key on first use.
    pub async fn signer(&self) -> Result<&Signer, ServiceError> {
        self.signer
            .get_or_try_init(|| async {
                let key = self
                    .store()
                    .platform_key(SIGNING_KEY, &crate::secrets::new_token())
                    .await?;
                Signer::new(&key)
            })
            .await
    }

    /// A signed address for file `id`, working for [`rules::SIGNED_URL_SECS`]. Hand it out only
    /// after checking that the reader may read the file.
    pub async fn signed_media_url(&self, id: MediaId) -> Result<String, ServiceError> {
        Ok(self
            .signer()
            .await?
            .url(id, now_secs() + rules::SIGNED_URL_SECS))
    }

    /// The file `id`, or the part of it `range_header` asks for, if the address is signed
    /// (`grant`) or `viewer` may read it: its owner and admins (`can_read`), or anyone who may
    /// view a live lesson that plays or attaches it (`can_read_in_lessons`). A file they may not
    /// read is "not found", like one that does not exist, so ids cannot be probed.
    pub async fn media_file(
        &self,
        viewer: Option<&CurrentSession>,
        id: MediaId,
        grant: Option<&Grant>,
        range_header: Option<&str>,
    ) -> Result<Download, ServiceError> {
        let record = self
            .store()
            .media(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let signed = match grant {
            Some(grant) => self.signer().await?.verify(id, grant, now_secs()),
            None => false,
        };
        let actor = viewer.map(|v| &v.actor);
        if !signed && !rules::can_read(actor, record.kind, record.owner) {
            let lessons = self.store().live_lessons_using_media(id).await?;
            let owned = match actor {
                Some(actor) => {
                    let courses: Vec<_> = lessons.iter().map(|(id, _, _)| *id).collect();
                    self.store().active_entitlements(actor.id, &courses).await?
                }
                None => Default::default(),
            };
            let uses: Vec<_> = lessons
                .into_iter()
                .map(|(id, course, lesson)| {
                    let held = if owned.contains(&id) {
                        domain::Entitlement::Active
                    } else {
                        domain::Entitlement::None
                    };
                    (course, lesson, held)
                })
                .collect();
            if !rules::can_read_in_lessons(actor, &uses) {
                return Err(ServiceError::NotFound);
            }
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
        if record.kind == MediaKind::Image {
            for variant in domain::media::CoverVariant::ALL {
                self.discard(&crate::covers::variant_key(record.id, variant))
                    .await;
            }
        }
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
    pub(crate) async fn discard(&self, key: &str) {
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
