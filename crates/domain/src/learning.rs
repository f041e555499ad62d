//! What a visitor can do with a course: the one action its page offers them, free enrollment, and
//! who may rate it.

use crate::access::Entitlement;
use crate::catalog::CourseStatus;
use crate::permissions::Actor;
use crate::{LessonId, UserId};
use serde::{Deserialize, Serialize};

/// The facts about a course that decide what its page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Who wrote it.
    pub author: UserId,
    /// Where it is in its life.
    pub status: CourseStatus,
    /// Whether it costs nothing.
    pub free: bool,
}

/// The one primary action a course page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrimaryAction {
    /// Not signed in: sign in (or register) to enroll or buy.
    SignIn,
    /// Signed in, free course not yet taken.
    Enroll,
    /// Signed in, paid course not owned (or refunded).
    Buy,
    /// Owns it: go on where they stopped (or start at the first lesson).
    Continue(Option<LessonId>),
    /// Wrote it: open it in the studio.
    Edit,
    /// Not on sale (unpublished): nothing to do but read what is public.
    Unavailable,
}

/// Picks the action for a viewer. `resume` is the lesson the viewer last opened, else the
/// course's first lesson.
pub fn primary_action(
    viewer: Option<&Actor>,
    offer: Offer,
    entitlement: Entitlement,
    resume: Option<LessonId>,
) -> PrimaryAction {
    if viewer.is_some_and(|actor| actor.id == offer.author) {
        return PrimaryAction::Edit;
    }
    if entitlement == Entitlement::Active {
        return PrimaryAction::Continue(resume);
    }
    if offer.status != CourseStatus::Published {
        return PrimaryAction::Unavailable;
    }
    match (viewer, offer.free) {
        (None, _) => PrimaryAction::SignIn,
        (Some(_), true) => PrimaryAction::Enroll,
        (Some(_), false) => PrimaryAction::Buy,
    }
}

/// Everything a course page shows one visitor: the course, the action that fits them, their
/// progress and review, and the reviews of others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoursePage {
    /// The course and its outline.
    pub course: crate::CourseDetail,
    /// The one primary action.
    pub action: PrimaryAction,
    /// Whether the visitor is signed in.
    pub signed_in: bool,
    /// Whether the visitor may follow the author (signed in, not the author).
    pub can_follow: bool,
    /// Whether the visitor follows the author.
    pub following: bool,
    /// The newest visible reviews.
    pub reviews: Vec<crate::rating::ReviewView>,
    /// Whether the visitor may write (or edit) a review.
    pub can_review: bool,
    /// The visitor's own review, hidden or not.
    pub my_review: Option<crate::rating::ReviewView>,
    /// Whether the visitor wrote the course (and so may reply to reviews).
    pub is_author: bool,
    /// Whether the visitor may feature the course on the home page (admins).
    pub can_feature: bool,
    /// Lessons the visitor finished.
    pub done_lessons: Vec<LessonId>,
    /// How far along they are, in percent.
    pub percent: u8,
    /// Their certificate's code, once they finished the course.
    pub certificate: Option<String>,
}

/// An author's public page: who they are and what they teach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorProfile {
    /// Their account.
    pub id: UserId,
    /// Their display name.
    pub name: String,
    /// Their short biography (plain text).
    pub bio: String,
    /// Their handle, if they chose one: the address of this page.
    pub handle: Option<String>,
    /// Whether they uploaded an avatar (`/media/avatars/{id}.png`).
    pub has_avatar: bool,
    /// Their published courses, newest first.
    pub courses: Vec<crate::CourseCard>,
    /// How many people follow them.
    pub followers: i64,
    /// Whether the visitor may follow them (signed in, someone else).
    pub can_follow: bool,
    /// Whether the visitor follows them.
    pub following: bool,
}

/// Why free enrollment was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EnrollError {
    /// Only signed-in people can enroll.
    #[error("sign in to enroll")]
    SignedOut,
    /// The course is not on sale.
    #[error("this course is not available")]
    NotPublished,
    /// The course costs money: buy it instead.
    #[error("this course is not free")]
    NotFree,
}

/// Whether `viewer` may enroll in a free course for nothing. Enrolling again is allowed and
/// changes nothing (the store keeps one active entitlement), so a retried click is harmless.
pub fn check_enroll(viewer: Option<&Actor>, offer: Offer) -> Result<(), EnrollError> {
    if viewer.is_none() {
        return Err(EnrollError::SignedOut);
    }
    if offer.status != CourseStatus::Published {
        return Err(EnrollError::NotPublished);
    }
    if !offer.free {
        return Err(EnrollError::NotFree);
    }
    Ok(())
}

/// Why a rating or review was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReviewRuleError {
    /// Only learners who own the course rate it.
    #[error("only learners who own this course can review it")]
    NotOwned,
    /// Authors do not rate their own courses.
    #[error("you cannot review your own course")]
    OwnCourse,
    /// Only the course's author replies to its reviews, once each.
    #[error("only the course's author can reply")]
    NotTheAuthor,
    /// The author already replied to this review.
    #[error("this review already has a reply")]
    AlreadyReplied,
}

/// Whether `viewer` may rate and review the course.
pub fn check_can_rate(
    viewer: &Actor,
    author: UserId,
    entitlement: Entitlement,
) -> Result<(), ReviewRuleError> {
    if viewer.id == author {
        return Err(ReviewRuleError::OwnCourse);
    }
    if entitlement != Entitlement::Active {
        return Err(ReviewRuleError::NotOwned);
    }
    Ok(())
}

/// Whether `viewer` may reply to a review of a course written by `author`.
pub fn check_can_reply(
    viewer: &Actor,
    author: UserId,
    already_replied: bool,
) -> Result<(), ReviewRuleError> {
    if viewer.id != author {
        return Err(ReviewRuleError::NotTheAuthor);
    }
    if already_replied {
        return Err(ReviewRuleError::AlreadyReplied);
    }
    Ok(())
}

/// Why a learner's step (enrolling, reviewing, reporting progress, following) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LearningProblem {
    /// Enrollment was refused.
    #[error(transparent)]
    Enroll(#[from] EnrollError),
    /// A review or reply was refused.
    #[error(transparent)]
    Review(#[from] ReviewRuleError),
    /// A review's or reply's text was refused.
    #[error(transparent)]
    Text(#[from] crate::rating::ReviewTextError),
    /// The stars were not 1 to 5.
    #[error(transparent)]
    Rating(#[from] crate::rating::RatingError),
    /// A progress report's numbers were impossible.
    #[error(transparent)]
    Progress(#[from] crate::progress::ReportError),
    /// Authors cannot follow themselves.
    #[error("you cannot follow yourself")]
    SelfFollow,
    /// A certificate needs every lesson done.
    #[error("finish every lesson first")]
    NotFinished,
    /// A handle was refused.
    #[error(transparent)]
    Handle(#[from] crate::HandleError),
}

/// Whether an account has a public author page: anyone who teaches (an author, reviewer or admin
/// role) or has published courses; a learner who never taught has none.
pub fn has_author_page(role: crate::Role, published_courses: usize) -> bool {
    role != crate::Role::Learner || published_courses > 0
}

/// Whether a learner may follow `author` (not themselves).
pub fn can_follow(viewer: &Actor, author: UserId) -> bool {
    viewer.id != author
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    const AUTHOR: UserId = UserId::new(7);

    fn actor(id: i64) -> Actor {
        Actor {
            id: UserId::new(id),
            role: Role::Learner,
        }
    }

    #[test]
    fn only_those_who_teach_have_an_author_page() {
        assert!(!has_author_page(Role::Learner, 0));
        assert!(has_author_page(Role::Learner, 1));
        assert!(has_author_page(Role::Author, 0));
    }

    fn offer(status: CourseStatus, free: bool) -> Offer {
        Offer {
            author: AUTHOR,
            status,
            free,
        }
    }

    #[test]
    fn one_action_per_visitor() {
        use CourseStatus::*;
        use Entitlement as E;
        let first = Some(LessonId::new(3));
        let learner = actor(1);
        let cases = [
            (None, offer(Published, true), E::None, PrimaryAction::SignIn),
            (
                None,
                offer(Published, false),
                E::None,
                PrimaryAction::SignIn,
            ),
            (
                Some(&learner),
                offer(Published, true),
                E::None,
                PrimaryAction::Enroll,
            ),
            (
                Some(&learner),
                offer(Published, false),
                E::None,
                PrimaryAction::Buy,
            ),
            (
                Some(&learner),
                offer(Published, false),
                E::Refunded,
                PrimaryAction::Buy,
            ),
            (
                Some(&learner),
                offer(Published, false),
                E::Active,
                PrimaryAction::Continue(first),
            ),
            // Owners keep reading a course taken off the catalog.
            (
                Some(&learner),
                offer(Draft, false),
                E::Active,
                PrimaryAction::Continue(first),
            ),
            (
                Some(&learner),
                offer(Draft, true),
                E::None,
                PrimaryAction::Unavailable,
            ),
            (
                None,
                offer(InReview, true),
                E::None,
                PrimaryAction::Unavailable,
            ),
        ];
        for (viewer, offer, entitlement, expected) in cases {
            assert_eq!(
                primary_action(viewer, offer, entitlement, first),
                expected,
                "{offer:?} {entitlement:?}"
            );
        }
        let author = actor(7);
        assert_eq!(
            primary_action(Some(&author), offer(Published, true), E::None, first),
            PrimaryAction::Edit
        );
    }

    #[test]
    fn enrollment_is_for_signed_in_learners_in_published_free_courses() {
        let learner = actor(1);
        assert_eq!(
            check_enroll(None, offer(CourseStatus::Published, true)),
            Err(EnrollError::SignedOut)
        );
        assert_eq!(
            check_enroll(Some(&learner), offer(CourseStatus::Draft, true)),
            Err(EnrollError::NotPublished)
        );
        assert_eq!(
            check_enroll(Some(&learner), offer(CourseStatus::Published, false)),
            Err(EnrollError::NotFree)
        );
        assert_eq!(
            check_enroll(Some(&learner), offer(CourseStatus::Published, true)),
            Ok(())
        );
    }

    #[test]
    fn owners_rate_authors_reply_once() {
        let learner = actor(1);
        let author = actor(7);
        assert_eq!(
            check_can_rate(&learner, AUTHOR, Entitlement::Active),
            Ok(())
        );
        assert_eq!(
            check_can_rate(&learner, AUTHOR, Entitlement::Refunded),
            Err(ReviewRuleError::NotOwned)
        );
        assert_eq!(
            check_can_rate(&author, AUTHOR, Entitlement::Active),
            Err(ReviewRuleError::OwnCourse)
        );
        assert_eq!(check_can_reply(&author, AUTHOR, false), Ok(()));
        assert_eq!(
            check_can_reply(&author, AUTHOR, true),
            Err(ReviewRuleError::AlreadyReplied)
        );
        assert_eq!(
            check_can_reply(&learner, AUTHOR, false),
            Err(ReviewRuleError::NotTheAuthor)
        );
        assert!(!can_follow(&author, AUTHOR));
        assert!(can_follow(&learner, AUTHOR));
    }
}
