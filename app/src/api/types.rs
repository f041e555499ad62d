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
