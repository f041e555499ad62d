//! Notifications: what Lore tells people about, how each person wants to hear it, and when
//! several mails become one digest.
//!
//! A notification is stored as its kind and a small [`Notice`] (titles, counts, links), and is
//! put into words only when shown or mailed, in the reader's language at that moment.

use crate::{CourseId, OrderId, UserId};
use serde::{Deserialize, Serialize};

/// What a notification is about. Each kind has its own delivery preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A reviewer approved or sent back one of your revisions, or an admin took your course off
    /// the catalog or put it back.
    Review,
    /// A course you own was updated.
    CourseUpdated,
    /// An author you follow published a new course.
    NewCourse,
    /// Your payment went through, or your money came back.
    Orders,
}

impl Kind {
    /// Every kind, in the order the preferences form lists them.
    pub const ALL: [Kind; 4] = [
        Kind::Review,
        Kind::CourseUpdated,
        Kind::NewCourse,
        Kind::Orders,
    ];

    /// The name stored in the database and used in links.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::CourseUpdated => "course_updated",
            Kind::NewCourse => "new_course",
            Kind::Orders => "orders",
        }
    }

    /// Reads a stored kind.
    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// How someone who never chose hears of it: decisions about your own work and your own money
    /// matter enough to mail; news about courses stays in the bell.
    pub const fn default_delivery(self) -> Delivery {
        match self {
            Kind::Review | Kind::Orders => Delivery::Both,
            Kind::CourseUpdated | Kind::NewCourse => Delivery::InApp,
        }
    }
}

/// How a person wants to hear of one kind of notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Delivery {
    /// In the bell only.
    InApp,
    /// By mail only.
    Mail,
    /// In the bell and by mail.
    Both,
    /// Not at all.
    Off,
}

impl Delivery {
    /// Every choice, in the order the form lists them.
    pub const ALL: [Delivery; 4] = [
        Delivery::InApp,
        Delivery::Mail,
        Delivery::Both,
        Delivery::Off,
    ];

    /// The name stored in the database and sent by the form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Delivery::InApp => "in_app",
            Delivery::Mail => "mail",
            Delivery::Both => "both",
            Delivery::Off => "off",
        }
    }

    /// Reads a stored or submitted choice.
    pub fn parse(raw: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    /// Whether it shows in the bell.
    pub const fn in_app(self) -> bool {
        matches!(self, Delivery::InApp | Delivery::Both)
    }

    /// Whether it is mailed.
    pub const fn mail(self) -> bool {
        matches!(self, Delivery::Mail | Delivery::Both)
    }

    /// What is left after unsubscribing from the mail of this kind by the link in a mail.
    pub const fn without_mail(self) -> Delivery {
        match self {
            Delivery::Both => Delivery::InApp,
            Delivery::Mail => Delivery::Off,
            other => other,
        }
    }
}

/// What happened, with what the words need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Notice {
    /// A revision was approved and is live.
    Approved {
        /// The course.
        course: CourseId,
        /// Its title.
        title: String,
        /// The revision.
        number: i64,
    },
    /// A reviewer asked for changes.
    ChangesRequested {
        /// The course.
        course: CourseId,
        /// Its title.
        title: String,
        /// The revision.
        number: i64,
    },
    /// An admin took the course off the catalog.
    Unpublished {
        /// The course.
        course: CourseId,
        /// Its title.
        title: String,
    },
    /// An admin put it back.
    Republished {
        /// The course.
        course: CourseId,
        /// Its title.
        title: String,
    },
    /// A course the reader owns has a new revision.
    CourseUpdated {
        /// Its slug, for the link.
        slug: String,
        /// Its title.
        title: String,
        /// Lessons that are new.
        new_lessons: usize,
    },
    /// An author the reader follows published a course.
    NewCourse {
        /// Its slug.
        slug: String,
        /// Its title.
        title: String,
        /// The author's display name.
        author: String,
    },
    /// The reader's payment went through: the course is theirs.
    Purchased {
        /// The order.
        order: OrderId,
        /// The course's title.
        title: String,
    },
    /// Money of the reader's order went back.
    Refunded {
        /// The order.
        order: OrderId,
        /// The course's title.
        title: String,
        /// What went back in all.
        amount: crate::Money,
    },
}

impl Notice {
    /// The kind its delivery preference is looked up by.
    pub const fn kind(&self) -> Kind {
        match self {
            Notice::Approved { .. }
            | Notice::ChangesRequested { .. }
            | Notice::Unpublished { .. }
            | Notice::Republished { .. } => Kind::Review,
            Notice::CourseUpdated { .. } => Kind::CourseUpdated,
            Notice::NewCourse { .. } => Kind::NewCourse,
            Notice::Purchased { .. } | Notice::Refunded { .. } => Kind::Orders,
        }
    }

    /// Where clicking it leads: the studio for an author's own course, the course page for news.
    pub fn link(&self) -> String {
        match self {
            Notice::Approved { course, .. }
            | Notice::ChangesRequested { course, .. }
            | Notice::Unpublished { course, .. }
            | Notice::Republished { course, .. } => format!("/studio/courses/{course}"),
            Notice::CourseUpdated { slug, .. } | Notice::NewCourse { slug, .. } => {
                format!("/courses/{slug}")
            }
            Notice::Purchased { order, .. } | Notice::Refunded { order, .. } => {
                format!("/orders/{order}")
            }
        }
    }

    /// As stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored notice; `None` for one this Lore does not know (written by a newer one),
    /// which the list then skips rather than failing.
    pub fn from_json(raw: &str) -> Option<Notice> {
        serde_json::from_str(raw).ok()
    }
}

/// How long mail notifications gather before they go out: several within this window arrive as
/// one digest, and a lone one waits no longer than this.
pub const DIGEST_WINDOW_MS: i64 = 3 * 60 * 1000;

/// Whether a person's waiting mail notifications, the oldest created at `oldest`, are due at `now`.
pub fn digest_due(oldest: i64, now: i64) -> bool {
    now - oldest >= DIGEST_WINDOW_MS
}

/// The notifications the bell lists per page.
pub const PAGE_SIZE: i64 = 20;

/// The user a one-click unsubscribe link is for, and from which kind; signed by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    /// The reader.
    pub user: UserId,
    /// The kind they stop receiving by mail.
    pub kind: Kind,
}

impl Unsubscribe {
    /// The text that is signed and put in the link.
    pub fn payload(&self) -> String {
        format!("{}.{}", self.user, self.kind.as_str())
    }

    /// Reads a payload back.
    pub fn parse(payload: &str) -> Option<Unsubscribe> {
        let (user, kind) = payload.split_once('.')?;
        Some(Unsubscribe {
            user: UserId::new(user.parse().ok()?),
            kind: Kind::parse(kind)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for delivery in Delivery::ALL {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
        }
        assert_eq!(Kind::parse("nope"), None);
    }

    #[test]
    fn delivery_channels() {
        let table = [
            (Delivery::InApp, true, false, Delivery::InApp),
            (Delivery::Mail, false, true, Delivery::Off),
            (Delivery::Both, true, true, Delivery::InApp),
            (Delivery::Off, false, false, Delivery::Off),
        ];
        for (d, app, mail, unsubscribed) in table {
            assert_eq!(
                (d.in_app(), d.mail(), d.without_mail()),
                (app, mail, unsubscribed)
            );
            assert!(!d.without_mail().mail());
        }
    }

    #[test]
    fn notices_round_trip_and_link_where_they_belong() {
        let notices = [
            Notice::ChangesRequested {
                course: CourseId::new(3),
                title: "Rust".into(),
                number: 2,
            },
            Notice::CourseUpdated {
                slug: "rust".into(),
                title: "Rust".into(),
                new_lessons: 3,
            },
        ];
        for n in &notices {
            assert_eq!(Notice::from_json(&n.to_json()).as_ref(), Some(n));
        }
        assert_eq!(notices[0].link(), "/studio/courses/3");
        assert_eq!(notices[0].kind(), Kind::Review);
        assert_eq!(notices[1].link(), "/courses/rust");
        assert_eq!(notices[1].kind(), Kind::CourseUpdated);
        assert_eq!(Notice::from_json(r#"{"event":"from_the_future"}"#), None);
    }

    #[test]
    fn digests_wait_for_the_window() {
        assert!(!digest_due(1_000, 1_000 + DIGEST_WINDOW_MS - 1));
        assert!(digest_due(1_000, 1_000 + DIGEST_WINDOW_MS));
    }

    #[test]
    fn unsubscribe_payloads_round_trip() {
        let u = Unsubscribe {
            user: UserId::new(42),
            kind: Kind::CourseUpdated,
        };
        assert_eq!(Unsubscribe::parse(&u.payload()), Some(u));
        assert_eq!(Unsubscribe::parse("42"), None);
        assert_eq!(Unsubscribe::parse("x.review"), None);
    }
}
