//! What account and admin server functions return: only what the page shows.

use domain::{Role, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in person, for the header and permission-dependent links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Their account.
    pub id: UserId,
    /// Their name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Their unread notifications.
    pub unread: i64,
}

/// The account page's profile section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// The sign-in address.
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Whether they uploaded an avatar.
    pub has_avatar: bool,
    /// Their account id (for the avatar URL).
    pub id: UserId,
}

/// One signed-in browser on the account page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session to end.
    pub id: i64,
    /// The browser, as it describes itself.
    pub device: String,
    /// The address it came from.
    pub ip: String,
    /// When it was last used, formatted.
    pub last_seen: String,
    /// Whether it is the browser looking at the page.
    pub current: bool,
}

/// One account on the admin users page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The account.
    pub id: UserId,
    /// The sign-in address.
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Whether it is disabled.
    pub disabled: bool,
    /// When it was created, formatted.
    pub created: String,
}

/// One security event on the admin audit page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    /// When, formatted.
    pub at: String,
    /// What happened.
    pub event: String,
    /// Who did it.
    pub actor: Option<UserId>,
    /// Whose account it concerned.
    pub subject: Option<UserId>,
    /// From where.
    pub ip: String,
    /// Details.
    pub detail: String,
}

/// The audit log's filters as the form sends them (strings, so an empty field means "any").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// An exact event name.
    #[serde(default)]
    pub event: String,
    /// A user id, as actor or subject.
    #[serde(default)]
    pub user: String,
    /// An exact client address.
    #[serde(default)]
    pub ip: String,
    /// First day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub until: String,
    /// Older than this entry (paging).
    #[serde(default)]
    pub before: Option<i64>,
}

/// One page of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditView>,
    /// Where the next, older page starts, if there is one.
    pub next_before: Option<i64>,
}

/// `/studio`: the author's courses and the categories a new course can go in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioOverview {
    /// Their courses, last edited first.
    pub courses: Vec<StudioCourseView>,
    /// Every category, in menu order.
    pub categories: Vec<domain::Category>,
}

/// One line of the studio home.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioCourseView {
    /// The course.
    pub id: domain::CourseId,
    /// Its draft title.
    pub title: String,
    /// Its live slug, for the learners' page.
    pub slug: String,
    /// Where it is in review.
    pub state: domain::authoring::ReviewState,
    /// Whether learners find it in the catalog.
    pub listed: bool,
    /// The revision learners see.
    pub live_revision: Option<i64>,
    /// The newest submitted revision.
    pub last_revision: Option<i64>,
    /// The last edit of the draft, `YYYY-MM-DD HH:MM` UTC.
    pub edited: String,
    /// Lessons in the draft.
    pub lessons: i64,
}

/// `/studio/courses/{id}`: a course's draft settings, structure and revision history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseEditorView {
    /// The course.
    pub id: domain::CourseId,
    /// The draft settings as the form shows them.
    pub form: domain::authoring::SettingsForm,
    /// The settings' version, which the next save names.
    pub version: i64,
    /// Where the course is in review.
    pub state: domain::authoring::ReviewState,
    /// The live slug, when learners can open the course.
    pub live_slug: Option<String>,
    /// The revision learners see.
    pub live_revision: Option<i64>,
    /// Chapters and lessons of the draft.
    pub outline: Vec<ChapterView>,
    /// Submitted revisions, newest first.
    pub revisions: Vec<RevisionView>,
    /// Every category, in menu order.
    pub categories: Vec<domain::Category>,
    /// Whether the reader may review this course's waiting revision.
    pub can_review: bool,
    /// Why an admin took the course off the catalog (sanitised HTML), if they did.
    pub unpublished_reason: String,
    /// The draft's cover picture.
    pub cover: Option<domain::MediaId>,
}

/// A chapter in the structure editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterView {
    /// The chapter.
    pub id: domain::ChapterId,
    /// Its title.
    pub title: String,
    /// Its lessons in order.
    pub lessons: Vec<LessonItemView>,
}

/// A lesson in the structure editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonItemView {
    /// The lesson.
    pub id: domain::LessonId,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: domain::LessonKind,
    /// A free preview.
    pub preview: bool,
    /// Its length in minutes, rounded up.
    pub minutes: i64,
}

/// A submitted revision in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    /// Its number within the course.
    pub number: i64,
    /// When it was submitted, `YYYY-MM-DD HH:MM` UTC.
    pub submitted: String,
    /// `approved` or `changes_requested`, once decided.
    pub decision: Option<String>,
    /// The reviewer's reason, for requested changes.
    pub reason: String,
}

/// What a settings save answers: the version the next save names and the slug kept (made from
/// the title when the field was left empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsSaved {
    /// The new version.
    pub version: i64,
    /// The stored slug.
    pub slug: String,
}

/// `/studio/lessons/{id}`: one draft lesson in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonEditorView {
    /// The lesson.
    pub id: domain::LessonId,
    /// Its course.
    pub course: domain::CourseId,
    /// The course's draft title, for the way back.
    pub course_title: String,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: domain::LessonKind,
    /// A free preview.
    pub preview: bool,
    /// The stored, sanitised body.
    pub html: String,
    /// The body's version, which the next save names.
    pub version: i64,
    /// Counts of the stored body.
    pub counts: BodyCounts,
    /// The video or recording it plays.
    pub media: Option<domain::MediaId>,
}

/// A file attached to a draft lesson, as the studio lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonFileView {
    /// The file.
    pub media: domain::MediaId,
    /// Its name on the author's machine.
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// Picture, video, recording or document.
    pub kind: domain::MediaKind,
    /// Whether learners may download it.
    pub downloadable: bool,
}

/// Counts of a lesson body, as the editor shows them (CJK characters count as words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyCounts {
    /// Characters other than whitespace.
    pub chars: usize,
    /// Words.
    pub words: usize,
    /// The lesson's duration in seconds (reading time for articles).
    pub duration_seconds: i64,
}

/// What an autosave answers (read by the editor script as JSON: `version`, `chars`, `words`,
/// `duration_seconds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonSaved {
    /// The body's new version.
    pub version: i64,
    /// Counts of what was stored.
    #[serde(flatten)]
    pub counts: BodyCounts,
}

/// A line of the review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItemView {
    /// The course.
    pub course: domain::CourseId,
    /// The revision.
    pub number: i64,
    /// The revision's title.
    pub title: String,
    /// The author's name.
    pub author: String,
    /// When it was submitted, `YYYY-MM-DD HH:MM` UTC.
    pub submitted: String,
    /// An update to a live course (else a new course).
    pub is_update: bool,
    /// What it changes.
    pub size: domain::diff::ChangeSize,
    /// The reviewer holding it, if anyone.
    pub claimed_by: Option<String>,
    /// Whether that is the reader.
    pub claimed_by_me: bool,
    /// The reader wrote it (and so cannot review it).
    pub own: bool,
}

/// The review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueueView {
    /// Oldest first.
    pub items: Vec<QueueItemView>,
    /// Whether the reader may take courses off the catalog.
    pub can_unpublish: bool,
}

/// The review page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPageView {
    /// The course.
    pub course: domain::CourseId,
    /// The revision.
    pub number: i64,
    /// The author's name.
    pub author: String,
    /// When it was submitted.
    pub submitted: String,
    /// An update to a live course.
    pub is_update: bool,
    /// The reviewer holding it, if anyone.
    pub claimed_by: Option<String>,
    /// Whether that is the reader.
    pub claimed_by_me: bool,
    /// `approved` or `changes_requested`, once decided.
    pub decision: Option<String>,
    /// The reason given with requested changes (sanitised HTML).
    pub reason: String,
    /// What it changes against what is live.
    pub diff: domain::diff::RevisionDiff,
    /// The revision, whole.
    pub revision: domain::revision::CourseSnapshot,
}

/// A notification in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    /// Its id.
    pub id: i64,
    /// What happened.
    pub notice: domain::notify::Notice,
    /// Where it leads.
    pub link: String,
    /// When, `YYYY-MM-DD HH:MM` UTC.
    pub at: String,
    /// Whether it was read.
    pub read: bool,
}

/// The notifications page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    /// Newest first.
    pub items: Vec<NotificationView>,
    /// The id to ask for the next page with.
    pub next_before: Option<i64>,
    /// Unread in all.
    pub unread: i64,
    /// How the reader hears of each kind.
    pub prefs: Vec<(domain::notify::Kind, domain::notify::Delivery)>,
}
