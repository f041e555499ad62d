//! Writing an archive: media files as they are read (stored, not compressed again: pictures,
//! video and audio are compressed already), then the manifest.

use crate::{ArchiveError, MANIFEST_NAME, Manifest, is_media_path};
use sha2::{Digest, Sha256};
use std::io::{Seek, Write};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// An archive being written.
pub struct ArchiveWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
}

impl<W: Write + Seek> std::fmt::Debug for ArchiveWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveWriter").finish_non_exhaustive()
    }
}

/// The modification time written for every entry: a fixed one, so exporting the same course
/// twice gives the same bytes.
fn fixed_time() -> zip::DateTime {
    zip::DateTime::default()
}

impl<W: Write + Seek> ArchiveWriter<W> {
    /// Starts an archive in `target`.
    pub fn new(target: W) -> Self {
        Self {
            zip: ZipWriter::new(target),
        }
    }

    /// Starts the media file `path`; then [`Self::write_media`] its bytes in order and
    /// [`MediaHash::finish`] to learn its size and SHA-256 for the manifest.
    pub fn start_media(&mut self, path: &str) -> Result<MediaHash, ArchiveError> {
        if !is_media_path(path) {
            return Err(ArchiveError::BadPath(path.to_owned()));
        }
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(fixed_time())
            .large_file(true);
        self.zip.start_file(path, options)?;
        Ok(MediaHash {
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// Appends `chunk` to the media file being written.
    pub fn write_media(&mut self, hash: &mut MediaHash, chunk: &[u8]) -> Result<(), ArchiveError> {
        self.zip.write_all(chunk)?;
        hash.hasher.update(chunk);
        hash.bytes += chunk.len() as u64;
        Ok(())
    }

    /// Writes `manifest` as `course.json` and closes the zip, returning the target.
    pub fn finish(mut self, manifest: &Manifest) -> Result<W, ArchiveError> {
        let json = serde_json::to_vec_pretty(manifest)
            .map_err(|e| ArchiveError::Manifest(e.to_string()))?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(fixed_time());
        self.zip.start_file(MANIFEST_NAME, options)?;
        self.zip.write_all(&json)?;
        Ok(self.zip.finish()?)
    }
}

/// The running size and hash of a media file being written.
#[derive(Debug)]
pub struct MediaHash {
    hasher: Sha256,
    bytes: u64,
}

impl MediaHash {
    /// Its size and lowercase hex SHA-256.
    pub fn finish(self) -> (u64, String) {
        (self.bytes, hex::encode(self.hasher.finalize()))
    }
}
