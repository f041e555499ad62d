//! Review: who may review which course, how two reviewers keep out of each other's way, what a
//! decision does to a course, and what an admin may do to a live one.

use crate::authoring::{ReviewState, TransitionError};
use crate::permissions::{Actor, can_review_courses};
use crate::{Role, UserId};
use serde::{Deserialize, Serialize};

/// How long a claim holds when its reviewer goes quiet: long enough to read a course, short
/// enough that a review left open over lunch does not block the queue for the afternoon.
pub const CLAIM_MS: i64 = 30 * 60 * 1000;

/// The longest reason a reviewer or admin may give, in characters of text.
pub const MAX_REASON_CHARS: usize = 4000;

/// Reviewing `author`'s course: reviewers and admins, never the course's own author (an admin
/// who writes courses needs another reviewer too).
pub fn can_review(actor: Option<&Actor>, author: UserId) -> bool {
    can_review_courses(actor) && actor.is_some_and(|a| a.id != author)
}

/// Taking a live course off the catalog and putting it back: admins only.
pub fn can_unpublish(actor: Option<&Actor>) -> bool {
    matches!(actor, Some(a) if a.role == Role::Admin)
}

/// Who holds a revision's review, and until when (ms since the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The reviewer.
    pub by: UserId,
    /// When it lapses unless renewed.
    pub until: i64,
}

/// Why a claim was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ClaimError {
    /// Another reviewer holds it.
    #[error("another reviewer is reviewing this revision")]
    HeldBy(UserId),
}

/// Claiming (or renewing one's own claim on) a revision at `now`: allowed when nobody holds it,
/// the claim lapsed, or it is already `me`'s. The new claim.
pub fn claim(held: Option<Claim>, me: UserId, now: i64) -> Result<Claim, ClaimError> {
    match held {
        Some(c) if c.by != me && c.until > now => Err(ClaimError::HeldBy(c.by)),
        _ => Ok(Claim {
            by: me,
            until: now + CLAIM_MS,
        }),
    }
}

/// Whether `me` may decide a revision held by `held` at `now`: a decision needs no claim, but
/// must not overrule someone else's live one.
pub fn may_decide(held: Option<Claim>, me: UserId, now: i64) -> Result<(), ClaimError> {
    claim(held, me, now).map(drop)
}

/// A reviewer's decision on a submitted revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// Publish it.
    Approve,
    /// Send it back with a reason.
    RequestChanges,
}

impl Decision {
    /// The name stored on the revision.
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::RequestChanges => "changes_requested",
        }
    }
}

/// Where a decision takes a course that waits for review.
pub fn decide(state: ReviewState, decision: Decision) -> Result<ReviewState, TransitionError> {
    match (state, decision) {
        (ReviewState::InReview, Decision::Approve) => Ok(ReviewState::Published),
        (ReviewState::InReview, Decision::RequestChanges) => Ok(ReviewState::ChangesRequested),
        _ => Err(TransitionError::NothingToPublish),
    }
}

/// Why a course cannot be taken off or put back on the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ListingError {
    /// It is not in the catalog now.
    #[error("the course is not in the catalog")]
    NotListed,
    /// It was not taken off by an admin, or was never published.
    #[error("the course was not unpublished")]
    NotUnpublished,
}

/// Taking a listed course off the catalog: owners keep their access, the author sees the reason.
pub fn unpublish(listed: bool) -> Result<ReviewState, ListingError> {
    if listed {
        Ok(ReviewState::Unpublished)
    } else {
        Err(ListingError::NotListed)
    }
}

/// Putting an unpublished course back, as it was when taken off.
pub fn republish(state: ReviewState) -> Result<ReviewState, ListingError> {
    match state {
        ReviewState::Unpublished => Ok(ReviewState::Published),
        _ => Err(ListingError::NotUnpublished),
    }
}

/// Why a reason was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReasonError {
    /// Nothing was written.
    #[error("a reason is required")]
    Missing,
    /// Longer than [`MAX_REASON_CHARS`].
    #[error("the reason is too long")]
    TooLong,
}

/// Checks a reason by its plain text (the server sanitises the markup first): something must be
/// said, and not a book.
pub fn check_reason(plain_text: &str) -> Result<(), ReasonError> {
    let count = plain_text.trim().chars().count();
    if count == 0 {
        Err(ReasonError::Missing)
    } else if count > MAX_REASON_CHARS {
        Err(ReasonError::TooLong)
    } else {
        Ok(())
    }
}

/// Why a review step was refused, for the reviewer or admin to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReviewProblem {
    /// Nobody reviews their own course.
    #[error("you cannot review your own course")]
    OwnCourse,
    /// Another reviewer holds the claim (their display name).
    #[error("{0} is reviewing this revision")]
    Claimed(String),
    /// Someone decided this revision already.
    #[error("this revision was already decided")]
    Decided,
    /// The reason is missing or too long.
    #[error("{0}")]
    Reason(ReasonError),
    /// The course is not in the catalog state the step starts from.
    #[error("{0}")]
    Listing(ListingError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id: UserId::new(id),
            role,
        }
    }

    #[test]
    fn reviewers_and_admins_review_others_courses_only() {
        let author = UserId::new(7);
        assert!(can_review(Some(&actor(1, Role::Reviewer)), author));
        assert!(can_review(Some(&actor(1, Role::Admin)), author));
        assert!(!can_review(Some(&actor(7, Role::Admin)), author));
        assert!(!can_review(Some(&actor(7, Role::Reviewer)), author));
        assert!(!can_review(Some(&actor(1, Role::Author)), author));
        assert!(!can_review(Some(&actor(1, Role::Learner)), author));
        assert!(!can_review(None, author));
    }

    #[test]
    fn only_admins_unpublish() {
        assert!(can_unpublish(Some(&actor(1, Role::Admin))));
        for role in [Role::Learner, Role::Author, Role::Reviewer] {
            assert!(!can_unpublish(Some(&actor(1, role))));
        }
        assert!(!can_unpublish(None));
    }

    proptest! {
        #[test]
        fn a_claim_is_refused_only_while_someone_else_holds_it(
            holder in 1i64..4, me in 1i64..4, until in 0i64..100, now in 0i64..100,
        ) {
            let held = Claim { by: UserId::new(holder), until };
            let got = claim(Some(held), UserId::new(me), now);
            if holder != me && until > now {
                prop_assert_eq!(got, Err(ClaimError::HeldBy(UserId::new(holder))));
            } else {
                prop_assert_eq!(got, Ok(Claim { by: UserId::new(me), until: now + CLAIM_MS }));
            }
            prop_assert!(claim(None, UserId::new(me), now).is_ok());
        }
    }

    #[test]
    fn decisions_need_a_waiting_revision() {
        assert_eq!(
            decide(ReviewState::InReview, Decision::Approve),
            Ok(ReviewState::Published)
        );
        assert_eq!(
            decide(ReviewState::InReview, Decision::RequestChanges),
            Ok(ReviewState::ChangesRequested)
        );
        for state in [
            ReviewState::Draft,
            ReviewState::ChangesRequested,
            ReviewState::Published,
            ReviewState::Unpublished,
        ] {
            assert!(decide(state, Decision::Approve).is_err());
            assert!(decide(state, Decision::RequestChanges).is_err());
        }
    }

    #[test]
    fn unpublishing_and_republishing() {
        assert_eq!(unpublish(true), Ok(ReviewState::Unpublished));
        assert_eq!(unpublish(false), Err(ListingError::NotListed));
        assert_eq!(
            republish(ReviewState::Unpublished),
            Ok(ReviewState::Published)
        );
        assert_eq!(
            republish(ReviewState::Published),
            Err(ListingError::NotUnpublished)
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(check_reason("  \n "), Err(ReasonError::Missing));
        assert_eq!(check_reason("请补充练习"), Ok(()));
        assert_eq!(
            check_reason(&"字".repeat(MAX_REASON_CHARS + 1)),
            Err(ReasonError::TooLong)
        );
    }
}
