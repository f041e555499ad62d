//! Reading an archive: the manifest first, checked against the zip's directory before any media
//! byte is read, then each media file as a stream that is counted and hashed as it goes.

use crate::{ArchiveError, FORMAT, MANIFEST_NAME, Manifest, SCHEMA, is_media_path};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{Read, Seek};
use zip::ZipArchive;

/// How much an archive may hold. An import reads no more than these, whatever the zip's headers
/// claim, so a zip bomb costs a bounded read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Files in the zip.
    pub max_entries: usize,
    /// Size of `course.json`.
    pub max_manifest_bytes: u64,
    /// Sum of the media files' sizes.
    pub max_media_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 5_000,
            max_manifest_bytes: 32 * 1024 * 1024,
            max_media_bytes: 16 * 1024 * 1024 * 1024,
        }
    }
}

/// An open archive whose manifest has been read and checked.
pub struct ArchiveReader<R: Read + Seek> {
    zip: ZipArchive<R>,
}

impl<R: Read + Seek> std::fmt::Debug for ArchiveReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveReader")
            .field("entries", &self.zip.len())
            .finish()
    }
}

impl<R: Read + Seek> ArchiveReader<R> {
    /// Opens the zip in `source`, reads `course.json` and checks that it is a manifest of a schema
    /// this Lore reads, that every media path is plain and listed once, that everything the
    /// course uses is listed, and that every listed file is in the zip within `limits`.
    pub fn open(source: R, limits: Limits) -> Result<(Self, Manifest), ArchiveError> {
        let mut zip = ZipArchive::new(source)?;
        if zip.len() > limits.max_entries {
            return Err(ArchiveError::TooLarge("too many files"));
        }
        let manifest = {
            let entry = zip
                .by_name(MANIFEST_NAME)
                .map_err(|_| ArchiveError::NoManifest)?;
            let mut json = Vec::new();
            entry
                .take(limits.max_manifest_bytes + 1)
                .read_to_end(&mut json)?;
            if json.len() as u64 > limits.max_manifest_bytes {
                return Err(ArchiveError::TooLarge("course.json"));
            }
            parse_manifest(&json)?
        };
        let mut paths = HashSet::new();
        let mut total: u64 = 0;
        for media in &manifest.media {
            if !is_media_path(&media.path) || !paths.insert(media.path.as_str()) {
                return Err(ArchiveError::BadPath(media.path.clone()));
            }
            total = total.saturating_add(media.bytes);
            let entry = zip
                .by_name(&media.path)
                .map_err(|_| ArchiveError::Missing(media.path.clone()))?;
            if entry.size() != media.bytes {
                return Err(ArchiveError::Mismatch(media.path.clone()));
            }
        }
        if total > limits.max_media_bytes {
            return Err(ArchiveError::TooLarge("media files"));
        }
        for (path, user) in manifest.references() {
            if !paths.contains(path) {
                return Err(ArchiveError::Manifest(format!(
                    "{user} uses {path:?}, which the media list does not hold"
                )));
            }
        }
        Ok((Self { zip }, manifest))
    }

    /// Reads the media file at `path` (listed in the manifest as `expected`) to its end through
    /// `sink`, a chunk at a time, then checks its size and SHA-256. Nothing past the listed size
    /// is read. `sink` may stop the read by returning an error.
    pub fn read_media<E>(
        &mut self,
        path: &str,
        expected: (u64, &str),
        mut sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<Result<(), E>, ArchiveError> {
        let (bytes, sha256) = expected;
        let entry = self
            .zip
            .by_name(path)
            .map_err(|_| ArchiveError::Missing(path.to_owned()))?;
        let mut limited = entry.take(bytes.saturating_add(1));
        let mut hasher = Sha256::new();
        let mut seen: u64 = 0;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = match limited.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                // A damaged entry (bad CRC, truncated deflate stream) reads as invalid data.
                Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(ArchiveError::Mismatch(path.to_owned()));
                }
                Err(err) => return Err(err.into()),
            };
            seen += n as u64;
            if seen > bytes {
                return Err(ArchiveError::Mismatch(path.to_owned()));
            }
            hasher.update(&buffer[..n]);
            if let Err(stop) = sink(&buffer[..n]) {
                return Ok(Err(stop));
            }
        }
        if seen != bytes || !hex::encode(hasher.finalize()).eq_ignore_ascii_case(sha256) {
            return Err(ArchiveError::Mismatch(path.to_owned()));
        }
        Ok(Ok(()))
    }
}

/// Reads `course.json`: the format and schema first, so a newer archive gets "unknown schema"
/// rather than a complaint about a field this Lore has never heard of.
fn parse_manifest(json: &[u8]) -> Result<Manifest, ArchiveError> {
    #[derive(serde::Deserialize)]
    struct Head {
        format: Option<String>,
        schema: Option<u32>,
    }
    let head: Head =
        serde_json::from_slice(json).map_err(|e| ArchiveError::Manifest(e.to_string()))?;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(ArchiveError::Manifest(format!(
            "\"format\" must be {FORMAT:?}"
        )));
    }
    match head.schema {
        Some(SCHEMA) => {}
        Some(found) => return Err(ArchiveError::UnknownSchema { found }),
        None => return Err(ArchiveError::Manifest("\"schema\" is missing".to_owned())),
    }
    serde_json::from_slice(json).map_err(|e| ArchiveError::Manifest(e.to_string()))
}
