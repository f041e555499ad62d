//! `course.json`: what an archive says about its course. Field by field it is the studio's course
//! settings, chapters and lessons, with media named by their path in the archive instead of by a
//! database id. Unknown fields are refused, so a typo in a hand-written manifest is reported
//! rather than silently dropped; a change that older readers cannot take raises [`SCHEMA`].

use serde::{Deserialize, Serialize};

/// The value of [`Manifest::format`]: marks a file as a Lore course manifest.
pub const FORMAT: &str = "lore-course";

/// The manifest schema this Lore writes, and the newest it reads.
pub const SCHEMA: u32 = 1;

/// The whole of `course.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The schema the manifest follows; [`SCHEMA`] when this Lore writes it.
    pub schema: u32,
    /// Who wrote the course. An import without an explicit author gives the course to the account
    /// with this email, if there is one.
    pub author: ArchivePerson,
    /// The course settings.
    pub course: ArchiveCourse,
    /// Chapters in order.
    pub chapters: Vec<ArchiveChapter>,
    /// Every media file in the archive.
    #[serde(default)]
    pub media: Vec<ArchiveMedia>,
}

/// A person named in the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivePerson {
    /// Display name.
    pub name: String,
    /// Sign-in email.
    pub email: String,
}

/// The course settings, as the studio's settings form holds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveCourse {
    /// URL name; an import numbers it if the target Lore already has it.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Subtitle (may be empty).
    #[serde(default)]
    pub subtitle: String,
    /// The category's slug (e.g. `programming`), which the target Lore must have.
    pub category: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Teaching language: `zh-CN` or `en`.
    pub language: String,
    /// `beginner`, `intermediate`, `advanced` or `all`.
    pub level: String,
    /// Price in minor units (fen, cents); 0 is free.
    pub price_minor: i64,
    /// `CNY` or `USD`.
    pub currency: String,
    /// Refund window in days.
    pub refund_days: u8,
    /// Rich description (sanitised on import).
    #[serde(default)]
    pub description_html: String,
    /// "What you'll learn".
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// The cover image's media path.
    #[serde(default)]
    pub cover: Option<String>,
}

/// A chapter and its lessons in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveChapter {
    /// Title.
    pub title: String,
    /// Lessons in order.
    pub lessons: Vec<ArchiveLesson>,
}

/// One lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveLesson {
    /// Title.
    pub title: String,
    /// `text`, `video`, `audio` or `attachments`.
    pub kind: String,
    /// A free preview.
    #[serde(default)]
    pub preview: bool,
    /// Rich text (sanitised on import). Pictures name archive paths: `<img src="media/…">`.
    #[serde(default)]
    pub body_html: String,
    /// The video of a video lesson or the recording of an audio lesson: a media path.
    #[serde(default)]
    pub media: Option<String>,
    /// Attached files in order.
    #[serde(default)]
    pub files: Vec<ArchiveFile>,
}

/// A file attached to a lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveFile {
    /// Its media path.
    pub media: String,
    /// Whether learners may download it (otherwise only open it in the page).
    #[serde(default = "yes")]
    pub downloadable: bool,
}

fn yes() -> bool {
    true
}

/// A media file the archive holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveMedia {
    /// Where it is in the zip: `media/<plain name>`.
    pub path: String,
    /// `image`, `video`, `audio` or `document`; the content must be of that kind.
    pub kind: String,
    /// The name it was uploaded under, shown to learners for attachments.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// The media entry at `path`, if listed.
    pub fn media_at(&self, path: &str) -> Option<&ArchiveMedia> {
        self.media.iter().find(|m| m.path == path)
    }

    /// Every media path the course uses outside lesson bodies (cover, lesson media, files),
    /// with what uses it, for checking that each is listed.
    pub fn references(&self) -> impl Iterator<Item = (&str, String)> {
        let cover = self
            .course
            .cover
            .iter()
            .map(|path| (path.as_str(), "the cover".to_owned()));
        let lessons = self.chapters.iter().flat_map(|chapter| {
            chapter.lessons.iter().flat_map(|lesson| {
                let played = lesson
                    .media
                    .iter()
                    .map(move |path| (path.as_str(), format!("lesson {:?}", lesson.title)));
                let files = lesson
                    .files
                    .iter()
                    .map(move |f| (f.media.as_str(), format!("lesson {:?}", lesson.title)));
                played.chain(files)
            })
        });
        cover.chain(lessons)
    }
}
