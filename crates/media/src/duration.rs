//! How long a video or recording plays, read from the file itself, so a lesson shows its real
//! running time: MP4, MOV and M4A from the movie header (`mp4`), WebM from the segment information
//! (`matroska`), MP3 from its frames (`mp3-duration`, which takes a Xing or VBRI header's count
//! when there is one). Ogg, WAV and FLAC are not read here; their lessons keep the estimate from
//! their text.
//!
//! The parsers want `Read + Seek`. [`RangeReader`] gives them that over the media store, fetching
//! what they read in blocks, so a 2 GiB MP4 whose `moov` box sits at its end costs a few ranged
//! reads, not a download. They run on a blocking thread, within a read budget; a file they cannot
//! read (or that makes one panic) simply has no duration.

use bytes::Bytes;
use object_store::ObjectStore;
use object_store::path::Path;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

/// Bytes fetched per read from the store.
const BLOCK: u64 = 256 * 1024;
/// The most a probe may read of one file: the headers of any video, or every frame header of the
/// longest MP3 accepted (512 MiB).
const BUDGET: u64 = 520 * 1024 * 1024;

/// Which parser reads a content type's duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parser {
    /// ISO base media files: MP4, MOV, M4A.
    IsoMedia,
    /// Matroska files: WebM.
    Matroska,
    /// MPEG audio layer III.
    Mp3,
}

impl Parser {
    /// The parser for a sniffed content type, if Lore reads durations of that type.
    pub(crate) fn for_type(content_type: &str) -> Option<Self> {
        match content_type {
            "video/mp4" | "video/quicktime" | "audio/mp4" | "audio/m4a" => Some(Parser::IsoMedia),
            "video/webm" => Some(Parser::Matroska),
            "audio/mpeg" => Some(Parser::Mp3),
            _ => None,
        }
    }

    /// Reads the duration through `reader` (a file of `size` bytes). Blocking.
    pub(crate) fn read<R: Read + Seek>(self, mut reader: R, size: u64) -> Option<Duration> {
        let found = match self {
            Parser::IsoMedia => mp4::Mp4Reader::read_header(reader, size)
                .ok()
                .map(|movie| movie.duration()),
            Parser::Matroska => matroska::Matroska::open(reader)
                .ok()
                .and_then(|file| file.info.duration),
            Parser::Mp3 => mp3_duration::from_read(&mut reader).ok(),
        };
        found.filter(|d| !d.is_zero())
    }
}

/// A file in the object store read as `Read + Seek`, a block at a time, on a blocking thread
/// (it waits for each block on the runtime behind `handle`).
pub(crate) struct RangeReader {
    objects: Arc<dyn ObjectStore>,
    path: Path,
    size: u64,
    handle: tokio::runtime::Handle,
    position: u64,
    block: Bytes,
    block_start: u64,
    budget: u64,
}

impl RangeReader {
    pub(crate) fn new(
        objects: Arc<dyn ObjectStore>,
        path: Path,
        size: u64,
        handle: tokio::runtime::Handle,
    ) -> Self {
        Self {
            objects,
            path,
            size,
            handle,
            position: 0,
            block: Bytes::new(),
            block_start: 0,
            budget: BUDGET,
        }
    }
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let block_end = self.block_start + self.block.len() as u64;
        if !(self.block_start..block_end).contains(&self.position) {
            let end = self.size.min(self.position + BLOCK);
            let wanted = end - self.position;
            self.budget = self
                .budget
                .checked_sub(wanted)
                .ok_or_else(|| io::Error::other("read budget spent"))?;
            let range = self.position..end;
            self.block = self
                .handle
                .block_on(self.objects.get_range(&self.path, range))
                .map_err(io::Error::other)?;
            self.block_start = self.position;
        }
        let offset = usize::try_from(self.position - self.block_start).map_err(io::Error::other)?;
        let available = &self.block[offset..];
        let n = buf.len().min(available.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for RangeReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.size.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        self.position =
            target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before 0"))?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_without_a_reader_have_no_duration() {
        assert_eq!(Parser::for_type("video/mp4"), Some(Parser::IsoMedia));
        assert_eq!(Parser::for_type("video/webm"), Some(Parser::Matroska));
        assert_eq!(Parser::for_type("audio/mpeg"), Some(Parser::Mp3));
        assert_eq!(Parser::for_type("audio/x-wav"), None);
        assert_eq!(Parser::for_type("image/png"), None);
    }

    #[test]
    fn garbage_has_no_duration() {
        for parser in [Parser::IsoMedia, Parser::Matroska, Parser::Mp3] {
            let junk = vec![0x5a_u8; 4096];
            let size = junk.len() as u64;
            let reader = io::Cursor::new(junk);
            let found = std::panic::catch_unwind(|| parser.read(reader, size));
            assert!(matches!(found, Ok(None) | Err(_)), "{parser:?}");
        }
    }
}
