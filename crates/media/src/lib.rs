//! Where uploaded files live. One [`MediaStore`] over `object_store`: a folder under the data
//! directory on a single machine, an S3-compatible bucket when several app nodes must see the same
//! files.
//!
//! Files are written as they arrive, in parts of [`PART_BYTES`], with at most [`PARTS_IN_FLIGHT`]
//! parts on their way to the bucket, so an upload of any size holds a few parts in memory, never
//! the whole file. The content type comes from the first bytes ([`sniff`]), never from the client.
//! Keys are made here ([`new_key`]): a client's file name never becomes a path.
//!
//! This crate knows nothing of users or permissions; the media service decides who may store and
//! read what (`domain::media`) and keeps the database record of each file.

use bytes::Bytes;
use domain::MediaKind;
use domain::media::SizeLimits;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

mod duration;

/// Multipart parts are this large: S3's minimum part size, and what one upload buffers.
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts of one upload sent at once; with the part being filled, an upload holds at most
/// `PART_BYTES * (PARTS_IN_FLIGHT + 1)` in memory.
pub const PARTS_IN_FLIGHT: usize = 2;
/// How many first bytes decide the content type (office documents are zip files whose first
/// entries tell them apart, a few kilobytes in).
const SNIFF_BYTES: usize = 8 * 1024;

/// The S3-compatible bucket files go to when one is configured.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// The service's address (`http://127.0.0.1:9000` for MinIO or moto); `None` for AWS itself.
    pub endpoint: Option<String>,
    /// The bucket, which must exist.
    pub bucket: String,
    /// The region (`us-east-1` where the service does not care).
    pub region: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

/// Where files go and come from. Cheap to clone; shared by every request.
#[derive(Clone)]
pub struct MediaStore {
    objects: Arc<dyn ObjectStore>,
    /// The largest file of each kind accepted.
    limits: SizeLimits,
    /// What the store is, for logs and `Debug` (never a secret).
    describe: Arc<str>,
}

impl fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MediaStore").field(&self.describe).finish()
    }
}

/// What was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The content type, as sniffed.
    pub content_type: &'static str,
    /// The file's length in bytes.
    pub size: u64,
}

/// One stored part of a resumable upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// How many bytes it holds.
    pub size: u64,
    /// Whether the client stopped sending before the end of its request.
    pub interrupted: bool,
}

/// Why an upload was not stored. Nothing of a refused upload is kept.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The body was empty.
    #[error("empty file")]
    Empty,
    /// The first bytes are not of a type this kind accepts (`None`: not of any known type).
    #[error("content type {0:?} not accepted")]
    WrongType(Option<&'static str>),
    /// The file passed its kind's size limit.
    #[error("file too large")]
    TooLarge,
    /// The client stopped sending before the end.
    #[error("upload interrupted")]
    Interrupted(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store failed.
    #[error("media store failed")]
    Store(#[from] MediaError),
}

/// The store failed, or the file is not there.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// No file under that key.
    #[error("no such file")]
    NotFound,
    /// The folder or bucket failed.
    #[error("object store")]
    Backend(#[source] object_store::Error),
}

impl From<object_store::Error> for MediaError {
    fn from(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => MediaError::NotFound,
            other => MediaError::Backend(other),
        }
    }
}

/// A fresh key for a file of `kind`: the kind, then 128 random bits. Nothing the client sent is in
/// it, so no name can climb out of its folder or overwrite another file.
pub fn new_key(kind: MediaKind) -> String {
    format!("{}/{}", kind.as_str(), uuid::Uuid::new_v4().simple())
}

/// The content type `head` (a file's first bytes) shows, if it is one Lore knows.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    infer::get(head).map(|found| found.mime_type())
}

impl MediaStore {
    /// Files in the folder `dir` (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir).map_err(|err| {
            MediaError::Backend(object_store::Error::Generic {
                store: "LocalFileSystem",
                source: Box::new(err),
            })
        })?;
        let objects = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            limits: SizeLimits::default(),
            objects: Arc::new(objects),
            describe: Arc::from(format!("folder {}", dir.display())),
        })
    }

    /// Files in an S3-compatible bucket.
    pub fn s3(settings: &S3Settings) -> Result<Self, MediaError> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if let Some(endpoint) = &settings.endpoint {
            // Self-hosted services (MinIO, moto, Garage) name buckets by path, often over plain
            // HTTP on a private network.
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        Ok(Self {
            limits: SizeLimits::default(),
            objects: Arc::new(builder.build()?),
            describe: Arc::from(format!(
                "bucket {} at {}",
                settings.bucket,
                settings.endpoint.as_deref().unwrap_or("AWS")
            )),
        })
    }

    /// Files in this process's memory: for tests of code that stores files but is not about
    /// storing them.
    pub fn in_memory() -> Self {
        Self {
            limits: SizeLimits::default(),
            objects: Arc::new(object_store::memory::InMemory::new()),
            describe: Arc::from("memory"),
        }
    }

    /// The same store, accepting files up to `limits`.
    pub fn with_limits(self, limits: SizeLimits) -> Self {
        Self { limits, ..self }
    }

    /// The largest file of `kind` this store accepts.
    pub fn max_bytes(&self, kind: MediaKind) -> u64 {
        self.limits.max_bytes(kind)
    }

    /// The largest file of any kind this store accepts.
    pub fn largest(&self) -> u64 {
        self.limits.largest()
    }

    /// Stores `body` under `key` as a file of `kind`, as it arrives. Refuses it (keeping nothing)
    /// when its first bytes are not a type `kind` accepts, when it grows past the kind's limit, or
    /// when the client stops sending.
    pub async fn put_stream<S, E>(
        &self,
        key: &str,
        kind: MediaKind,
        body: S,
    ) -> Result<Stored, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let mut body = std::pin::pin!(body);
        let limit = self.max_bytes(kind);
        let mut first = Vec::new();
        let mut ended = false;
        while first.len() < PART_BYTES {
            match body.next().await {
                Some(chunk) => first.extend_from_slice(&received(chunk)?),
                None => {
                    ended = true;
                    break;
                }
            }
            if first.len() as u64 > limit {
                return Err(UploadError::TooLarge);
            }
        }
        if first.is_empty() {
            return Err(UploadError::Empty);
        }
        let content_type = sniff(&first[..first.len().min(SNIFF_BYTES)]);
        let content_type = match content_type {
            Some(found) if kind.accepts(found) => found,
            other => return Err(UploadError::WrongType(other)),
        };
        let path = Path::from(key);
        let mut size = first.len() as u64;
        if ended {
            self.objects
                .put(&path, PutPayload::from(first))
                .await
                .map_err(MediaError::from)?;
            return Ok(Stored { content_type, size });
        }
        let upload = self
            .objects
            .put_multipart(&path)
            .await
            .map_err(MediaError::from)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        writer.write(&first);
        drop(first);
        let outcome = async {
            while let Some(chunk) = body.next().await {
                let chunk = received(chunk)?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(UploadError::TooLarge);
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(MediaError::from)?;
                // Copied into the part being filled: holding the body's own buffers instead
                // would keep whatever larger allocations they are slices of.
                writer.write(&chunk);
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.finish().await.map_err(MediaError::from)?;
                Ok(Stored { content_type, size })
            }
            Err(refused) => {
                if let Err(err) = writer.abort().await {
                    tracing::warn!(%err, key, "aborting a refused upload");
                }
                Err(refused)
            }
        }
    }

    /// Stores one part of a resumable upload under `key`, as it arrives, refusing more than
    /// `max` bytes. When the client stops sending midway, what did arrive is kept (the client
    /// resumes after it); the answer says how much that is. Nothing is checked of the content:
    /// the whole file is, once its parts are joined ([`MediaStore::join_parts`]).
    pub async fn put_part<S, E>(&self, key: &str, body: S, max: u64) -> Result<Part, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let mut body = std::pin::pin!(body);
        let upload = self
            .objects
            .put_multipart(&Path::from(key))
            .await
            .map_err(MediaError::from)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut size = 0u64;
        let mut interrupted = false;
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else {
                interrupted = true;
                break;
            };
            size += chunk.len() as u64;
            if size > max {
                if let Err(err) = writer.abort().await {
                    tracing::warn!(%err, key, "aborting an oversized part");
                }
                return Err(UploadError::TooLarge);
            }
            writer
                .wait_for_capacity(PARTS_IN_FLIGHT)
                .await
                .map_err(MediaError::from)?;
            writer.write(&chunk);
        }
        writer.finish().await.map_err(MediaError::from)?;
        Ok(Part { size, interrupted })
    }

    /// Stores the parts under `parts` (in order) as one file of `kind` under `key`, checked as
    /// any upload is ([`MediaStore::put_stream`]: content type, size limit). The parts stay; the
    /// caller deletes them once the file is recorded.
    pub async fn join_parts(
        &self,
        key: &str,
        kind: MediaKind,
        parts: Vec<String>,
    ) -> Result<Stored, UploadError> {
        let objects = Arc::clone(&self.objects);
        let joined = futures_util::stream::iter(parts)
            .then(move |part| {
                let objects = Arc::clone(&objects);
                async move { objects.get(&Path::from(part)).await }
            })
            .map_ok(|found| found.into_stream())
            .try_flatten()
            // Boxed: the combinators' types otherwise make the caller's future not provably
            // `Send` (rustc's higher-ranked lifetime limits).
            .boxed();
        self.put_stream(key, kind, joined).await
    }

    /// The file under `key`, or the bytes `range` of it, as a stream.
    pub async fn get(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, MediaError>>, MediaError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self.objects.get_opts(&Path::from(key), options).await?;
        Ok(found.into_stream().map_err(MediaError::from).boxed())
    }

    /// How long the video or recording under `key` (`size` bytes, sniffed as `content_type`)
    /// plays, when its type carries that and the file says it (see the `duration` module).
    pub async fn play_time(&self, key: &str, size: u64, content_type: &str) -> Option<Duration> {
        let parser = duration::Parser::for_type(content_type)?;
        let reader = duration::RangeReader::new(
            Arc::clone(&self.objects),
            Path::from(key),
            size,
            tokio::runtime::Handle::current(),
        );
        match tokio::task::spawn_blocking(move || parser.read(reader, size)).await {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(%err, key, "reading a file's duration failed");
                None
            }
        }
    }

    /// The whole file under `key`, in memory: for small files only (tests, migrations).
    pub async fn read(&self, key: &str) -> Result<Bytes, MediaError> {
        Ok(self.objects.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Removes the file under `key`; a file already gone is not an error (deleting is retried).
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        match self.objects.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(MediaError::Backend(err)),
        }
    }

    /// Whether the store answers (for readiness checks).
    pub async fn check(&self) -> Result<(), MediaError> {
        match self.objects.head(&Path::from("ready-check")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(MediaError::Backend(err)),
        }
    }
}

fn received<E>(chunk: Result<Bytes, E>) -> Result<Bytes, UploadError>
where
    E: std::error::Error + Send + Sync + 'static,
{
    chunk.map_err(|err| UploadError::Interrupted(Box::new(err)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    /// The first bytes of an MP4 file: an `ftyp` box naming the `isom` brand.
    const MP4_HEAD: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";

    fn body(chunks: Vec<Vec<u8>>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
        stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))))
    }

    fn video(total: usize, chunk: usize) -> Vec<Vec<u8>> {
        let mut data = MP4_HEAD.to_vec();
        data.resize(total, 7);
        data.chunks(chunk).map(<[u8]>::to_vec).collect()
    }

    async fn collect(
        store: &MediaStore,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut parts = store.get(key, range).await.unwrap();
        while let Some(part) = parts.next().await {
            out.extend_from_slice(&part.unwrap());
        }
        out
    }

    /// Real files made with ffmpeg (`demo/media/`): a 4 s H.264 MP4 whose `moov` box follows
    /// its media data (so the reader must seek to the end), a 4.008 s VP9 WebM and a 5.04 s MP3.
    #[tokio::test]
    async fn durations_come_from_the_files_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(dir.path()).unwrap();
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/media");
        for (file, kind, millis) in [
            ("clip.mp4", MediaKind::Video, 4000),
            ("clip.webm", MediaKind::Video, 4008),
            ("tone.mp3", MediaKind::Audio, 5041),
        ] {
            let bytes = std::fs::read(demo.join(file)).unwrap();
            let key = new_key(kind);
            let chunks = bytes.chunks(7000).map(<[u8]>::to_vec).collect();
            let stored = store.put_stream(&key, kind, body(chunks)).await.unwrap();
            let played = store
                .play_time(&key, stored.size, stored.content_type)
                .await
                .unwrap_or_else(|| panic!("{file}: no duration"));
            let off = (i64::try_from(played.as_millis()).unwrap() - millis).abs();
            assert!(off <= 30, "{file}: {played:?}, not {millis} ms");
        }
        // A type that plays but is not read, and a picture: none.
        let key = new_key(MediaKind::Video);
        let stored = store
            .put_stream(&key, MediaKind::Video, body(video(4096, 4096)))
            .await
            .unwrap();
        assert_eq!(
            store.play_time(&key, stored.size, "audio/x-wav").await,
            None
        );
        assert_eq!(
            store
                .play_time(&key, stored.size, stored.content_type)
                .await,
            None,
            "an MP4 head followed by junk says nothing"
        );
    }

    #[tokio::test]
    async fn a_large_file_is_written_in_parts_and_read_back_whole_and_in_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(dir.path()).unwrap();
        let key = new_key(MediaKind::Video);
        let total = 2 * PART_BYTES + 12_345;
        let stored = store
            .put_stream(&key, MediaKind::Video, body(video(total, 64 * 1024)))
            .await
            .unwrap();
        assert_eq!(
            stored,
            Stored {
                content_type: "video/mp4",
                size: total as u64
            }
        );
        let whole = collect(&store, &key, None).await;
        assert_eq!(whole.len(), total);
        assert_eq!(&whole[..MP4_HEAD.len()], MP4_HEAD);
        assert_eq!(collect(&store, &key, Some(4..8)).await, b"ftyp");
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(matches!(
            store.get(&key, None).await,
            Err(MediaError::NotFound)
        ));
    }

    #[tokio::test]
    async fn content_not_matching_the_kind_is_refused_and_nothing_is_kept() {
        let store = MediaStore::in_memory();
        let html = b"<!doctype html><script>alert(1)</script>".to_vec();
        let refused = store
            .put_stream("video/x", MediaKind::Video, body(vec![html]))
            .await;
        assert!(
            matches!(refused, Err(UploadError::WrongType(_))),
            "{refused:?}"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let refused = store
            .put_stream("video/y", MediaKind::Video, body(vec![png]))
            .await;
        assert!(matches!(
            refused,
            Err(UploadError::WrongType(Some("image/png")))
        ));
        assert!(matches!(
            store.read("video/x").await,
            Err(MediaError::NotFound)
        ));
        let empty = store
            .put_stream("video/z", MediaKind::Video, body(vec![]))
            .await;
        assert!(matches!(empty, Err(UploadError::Empty)));
    }

    #[tokio::test]
    async fn a_file_past_its_kinds_limit_is_refused_midway_and_nothing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(dir.path()).unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.resize(store.max_bytes(MediaKind::Avatar) as usize + 1, 0);
        let refused = store
            .put_stream("avatar/a", MediaKind::Avatar, body(vec![png]))
            .await;
        assert!(matches!(refused, Err(UploadError::TooLarge)));
        let files = walk(dir.path());
        assert!(files.is_empty(), "left behind: {files:?}");
    }

    #[tokio::test]
    async fn an_interrupted_upload_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(dir.path()).unwrap();
        let chunks = video(3 * PART_BYTES, PART_BYTES);
        let broken = stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c)))).chain(
            stream::once(async { Err(std::io::Error::other("client went away")) }),
        );
        let refused = store.put_stream("video/v", MediaKind::Video, broken).await;
        assert!(matches!(refused, Err(UploadError::Interrupted(_))));
        let files = walk(dir.path());
        assert!(files.is_empty(), "left behind: {files:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let mut todo = vec![dir.to_owned()];
        while let Some(next) = todo.pop() {
            for entry in std::fs::read_dir(next).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    found.push(path);
                }
            }
        }
        found
    }

    #[test]
    fn keys_are_made_here_and_unique() {
        let a = new_key(MediaKind::Document);
        let b = new_key(MediaKind::Document);
        assert_ne!(a, b);
        assert!(
            a.starts_with("document/") && a.len() == "document/".len() + 32,
            "{a}"
        );
    }
}
