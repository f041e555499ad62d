//! Who may read a lesson. The server asks this before it sends any lesson content, so no page can
//! show what the viewer may not see: a locked lesson leaves the server without its body.

use crate::catalog::{CourseStatus, LessonOutline};
use crate::permissions::Actor;
use crate::{Role, UserId};
use serde::{Deserialize, Serialize};

/// What the viewer has bought of a course.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entitlement {
    /// Nothing (or not signed in).
    #[default]
    None,
    /// Bought, and not refunded.
    Active,
    /// Bought and refunded: access ended with the refund.
    Refunded,
}

/// The facts about a course that decide access to its lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CourseAccess {
    /// Who wrote it.
    pub author: UserId,
    /// Where it is in its life.
    pub status: CourseStatus,
}

/// Whether `viewer` may read `lesson` of `course`:
/// - its author and admins, always (they write and run it);
/// - reviewers, once it has been submitted (they must read what they approve);
/// - anyone else only while it is published: a free preview lesson for everyone, the rest for
///   those with an active purchase. A refund ends access at once.
pub fn can_view_lesson(
    viewer: Option<&Actor>,
    course: &CourseAccess,
    lesson: &LessonOutline,
    entitlement: Entitlement,
) -> bool {
    if let Some(actor) = viewer {
        let staff = match actor.role {
            Role::Admin => true,
            Role::Reviewer => course.status != CourseStatus::Draft,
            Role::Author | Role::Learner => false,
        };
        if staff || actor.id == course.author {
            return true;
        }
    }
    course.status == CourseStatus::Published
        && (lesson.is_preview || entitlement == Entitlement::Active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LessonId, LessonKind};
    use proptest::prelude::*;

    const AUTHOR: i64 = 7;

    fn lesson(is_preview: bool) -> LessonOutline {
        LessonOutline {
            id: LessonId::new(1),
            title: "L".into(),
            kind: LessonKind::Text,
            is_preview,
            duration_seconds: 0,
        }
    }

    fn course(status: CourseStatus) -> CourseAccess {
        CourseAccess {
            author: UserId::new(AUTHOR),
            status,
        }
    }

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id: UserId::new(id),
            role,
        }
    }

    #[test]
    fn the_written_rules() {
        use CourseStatus::*;
        let learner = actor(1, Role::Learner);
        let published = course(Published);
        assert!(can_view_lesson(
            None,
            &published,
            &lesson(true),
            Entitlement::None
        ));
        assert!(!can_view_lesson(
            None,
            &published,
            &lesson(false),
            Entitlement::None
        ));
        assert!(can_view_lesson(
            Some(&learner),
            &published,
            &lesson(false),
            Entitlement::Active
        ));
        assert!(!can_view_lesson(
            Some(&learner),
            &published,
            &lesson(false),
            Entitlement::Refunded
        ));
        assert!(!can_view_lesson(
            Some(&learner),
            &course(Draft),
            &lesson(true),
            Entitlement::Active
        ));
        let author = actor(AUTHOR, Role::Author);
        assert!(can_view_lesson(
            Some(&author),
            &course(Draft),
            &lesson(false),
            Entitlement::None
        ));
        let other_author = actor(8, Role::Author);
        assert!(!can_view_lesson(
            Some(&other_author),
            &published,
            &lesson(false),
            Entitlement::None
        ));
        let reviewer = actor(9, Role::Reviewer);
        assert!(can_view_lesson(
            Some(&reviewer),
            &course(InReview),
            &lesson(false),
            Entitlement::None
        ));
        assert!(!can_view_lesson(
            Some(&reviewer),
            &course(Draft),
            &lesson(false),
            Entitlement::None
        ));
        let admin = actor(10, Role::Admin);
        assert!(can_view_lesson(
            Some(&admin),
            &course(Draft),
            &lesson(false),
            Entitlement::None
        ));
    }

    fn any_status() -> impl Strategy<Value = CourseStatus> {
        prop_oneof![
            Just(CourseStatus::Draft),
            Just(CourseStatus::InReview),
            Just(CourseStatus::Published)
        ]
    }

    fn any_entitlement() -> impl Strategy<Value = Entitlement> {
        prop_oneof![
            Just(Entitlement::None),
            Just(Entitlement::Active),
            Just(Entitlement::Refunded)
        ]
    }

    proptest! {
        /// A learner who is not the author sees exactly: published previews, and published lessons
        /// they hold an active purchase of. A refund is the same as never having bought.
        #[test]
        fn learners_see_previews_and_what_they_own(
            id in 0i64..20,
            status in any_status(),
            preview in any::<bool>(),
            entitlement in any_entitlement(),
        ) {
            prop_assume!(id != AUTHOR);
            let viewer = actor(id, Role::Learner);
            let seen = can_view_lesson(Some(&viewer), &course(status), &lesson(preview), entitlement);
            let expected = status == CourseStatus::Published
                && (preview || entitlement == Entitlement::Active);
            prop_assert_eq!(seen, expected);
            let refunded = can_view_lesson(Some(&viewer), &course(status), &lesson(preview), Entitlement::Refunded);
            let never_bought = can_view_lesson(Some(&viewer), &course(status), &lesson(preview), Entitlement::None);
            prop_assert_eq!(refunded, never_bought);
        }

        /// Signing in never takes access away: whatever an anonymous visitor sees, everyone sees.
        #[test]
        fn signing_in_never_hides_anything(
            id in 0i64..20,
            role in prop_oneof![Just(Role::Learner), Just(Role::Author), Just(Role::Reviewer), Just(Role::Admin)],
            status in any_status(),
            preview in any::<bool>(),
        ) {
            let anonymous = can_view_lesson(None, &course(status), &lesson(preview), Entitlement::None);
            let viewer = actor(id, role);
            let signed_in = can_view_lesson(Some(&viewer), &course(status), &lesson(preview), Entitlement::None);
            prop_assert!(!anonymous || signed_in);
        }
    }
}
