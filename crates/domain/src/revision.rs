//! A revision: the whole course as submitted for review, frozen.
//!
//! Submitting writes one [`CourseSnapshot`] as JSON; publishing copies it into the tables learners
//! read. Ids are the draft's, so a lesson keeps its id (and learners their progress on it) from one
//! revision to the next. Stored snapshots are read back by a later Lore, so the shape only grows:
//! new fields get `#[serde(default)]`, and a change that cannot be read that way raises
//! [`SNAPSHOT_SCHEMA`].

use crate::authoring::CourseSettings;
use crate::{ChapterId, LessonId, LessonKind, MediaId};
use serde::{Deserialize, Serialize};

/// The snapshot format this Lore writes and reads.
pub const SNAPSHOT_SCHEMA: u32 = 1;

/// A whole course at the moment it was submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseSnapshot {
    /// [`SNAPSHOT_SCHEMA`] when written.
    pub schema: u32,
    /// The settings, description sanitised.
    pub settings: CourseSettings,
    /// Chapters in order.
    pub chapters: Vec<ChapterSnapshot>,
}

/// A chapter and its lessons in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterSnapshot {
    /// The draft chapter's id.
    pub id: ChapterId,
    /// Its title.
    pub title: String,
    /// Its lessons in order.
    pub lessons: Vec<LessonSnapshot>,
}

/// One lesson with its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonSnapshot {
    /// The draft lesson's id, kept when published.
    pub id: LessonId,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: LessonKind,
    /// Open to everyone as a free preview.
    pub preview: bool,
    /// Length in seconds: the media file's, else the reading time of the text.
    pub duration_seconds: u32,
    /// The sanitised rich text.
    pub body_html: String,
    /// The same text without markup (search, counts).
    pub body_text: String,
    /// The video or audio file of a video or audio lesson.
    pub media: Option<MediaId>,
    /// Attached files, in order.
    pub files: Vec<FileSnapshot>,
}

/// A file attached to a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSnapshot {
    /// The file.
    pub media: MediaId,
    /// Whether learners may download it, or only open it in the page.
    pub downloadable: bool,
}

/// Why a stored snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Written by a newer Lore.
    #[error("revision format {0} is newer than this Lore reads ({SNAPSHOT_SCHEMA})")]
    UnknownSchema(u32),
    /// Not a snapshot at all.
    #[error("not a course revision: {0}")]
    Malformed(String),
}

impl CourseSnapshot {
    /// Reads a snapshot, refusing formats this Lore does not know.
    pub fn from_json(json: &str) -> Result<CourseSnapshot, SnapshotError> {
        #[derive(Deserialize)]
        struct Version {
            schema: u32,
        }
        let version: Version =
            serde_json::from_str(json).map_err(|e| SnapshotError::Malformed(e.to_string()))?;
        if version.schema != SNAPSHOT_SCHEMA {
            return Err(SnapshotError::UnknownSchema(version.schema));
        }
        serde_json::from_str(json).map_err(|e| SnapshotError::Malformed(e.to_string()))
    }

    /// The snapshot as stored.
    pub fn to_json(&self) -> Result<String, SnapshotError> {
        serde_json::to_string(self).map_err(|e| SnapshotError::Malformed(e.to_string()))
    }

    /// How many lessons it has.
    pub fn lesson_count(&self) -> usize {
        self.chapters.iter().map(|c| c.lessons.len()).sum()
    }

    /// Every lesson, in course order.
    pub fn lessons(&self) -> impl Iterator<Item = &LessonSnapshot> {
        self.chapters.iter().flat_map(|c| c.lessons.iter())
    }
}
