//! The course archive: one zip file holding a whole course, so an author can move it between Lore
//! installations or keep it as a backup (`docs/course-archive.md` is the format's public write-up).
//!
//! An archive holds `course.json`, the [`Manifest`], and the media files it names under `media/`.
//! This crate knows only the format: it reads and writes archives under limits (entry count,
//! manifest size, declared and actual sizes, hashes, safe names) and knows nothing of databases or
//! HTTP. What the values mean (valid titles, prices, sanitised HTML, media types) is checked by the
//! import use case with the same domain rules as the studio's forms.
//!
//! Error policy: [`ArchiveError`] says what is wrong with an archive in terms its author can act
//! on (which file, which limit); a broken or hostile zip is an error, never a panic.

#![forbid(unsafe_code)]

mod manifest;
mod read;
mod write;

pub use manifest::{
    ArchiveChapter, ArchiveCourse, ArchiveFile, ArchiveLesson, ArchiveMedia, ArchivePerson, FORMAT,
    Manifest, SCHEMA,
};
pub use read::{ArchiveReader, Limits};
pub use write::{ArchiveWriter, MediaHash};

/// The manifest's name inside the zip.
pub const MANIFEST_NAME: &str = "course.json";

/// Why an archive could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Not a zip file, or a damaged one.
    #[error("not a zip archive: {0}")]
    NotAZip(String),
    /// The zip has no `course.json`.
    #[error("the archive has no course.json")]
    NoManifest,
    /// `course.json` is not a Lore course manifest.
    #[error("course.json is not a Lore course manifest: {0}")]
    Manifest(String),
    /// Written by a newer Lore (or an unknown tool).
    #[error("archive schema {found} is not one this Lore reads (it reads schema {SCHEMA})")]
    UnknownSchema {
        /// The schema the manifest declares.
        found: u32,
    },
    /// A limit of [`Limits`] was passed.
    #[error("the archive is too large: {0}")]
    TooLarge(&'static str),
    /// A media path that is not of the form `media/<name>`, or repeats another.
    #[error("bad media path {0:?}: paths are media/ followed by letters, digits, '.', '-' or '_'")]
    BadPath(String),
    /// The manifest names a file the zip does not hold.
    #[error("the archive lacks {0}")]
    Missing(String),
    /// A file's bytes do not match the size or SHA-256 the manifest gives.
    #[error("{0} does not match its size or SHA-256 in course.json")]
    Mismatch(String),
    /// Reading or writing the underlying file failed.
    #[error("archive input/output failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<zip::result::ZipError> for ArchiveError {
    fn from(err: zip::result::ZipError) -> Self {
        match err {
            zip::result::ZipError::Io(io) => ArchiveError::Io(io),
            other => ArchiveError::NotAZip(other.to_string()),
        }
    }
}

/// Whether `path` is a name an archive may give a media file: `media/` and then a plain file name
/// (ASCII letters, digits, `.`, `-`, `_`; no folders, no `..`, at most 120 characters). Plain names
/// keep every unzip tool safe and let the manifest name files without escaping.
pub fn is_media_path(path: &str) -> bool {
    let Some(name) = path.strip_prefix("media/") else {
        return false;
    };
    !name.is_empty()
        && name.len() <= 120
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_are_plain_names_under_media() {
        for good in ["media/1-clip.mp4", "media/cover.png", "media/a_b.C"] {
            assert!(is_media_path(good), "{good}");
        }
        for bad in [
            "clip.mp4",
            "media/",
            "media/../x",
            "media/a/b.png",
            "media/.hidden",
            "/media/1.png",
            "media/空.png",
            "media/a b.png",
        ] {
            assert!(!is_media_path(bad), "{bad}");
        }
        assert!(!is_media_path(&format!("media/{}", "a".repeat(121))));
    }
}
