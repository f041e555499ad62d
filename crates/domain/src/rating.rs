//! Ratings: one to five stars, one per learner and course, and the summary a course page shows.
//!
//! The summary (count, star total, histogram) is kept by deltas: each write of a review changes it
//! by the difference between the learner's old and new stars, applied in the same unit of work as
//! the review row. Deltas add up in any order, so concurrent writes give the exact summary a
//! recount would (property-tested below).

use crate::{ReviewId, UserId};
use serde::{Deserialize, Serialize};

/// The longest review or reply, in characters: room for a considered paragraph or three.
pub const MAX_REVIEW_CHARS: usize = 4_000;

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rating(u8);

/// Why a rating was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RatingError {
    /// Not a whole number from 1 to 5.
    #[error("a rating is from 1 to 5 stars")]
    OutOfRange,
}

impl Rating {
    /// Reads a number of stars.
    pub fn new(stars: i64) -> Result<Rating, RatingError> {
        match u8::try_from(stars) {
            Ok(stars @ 1..=5) => Ok(Rating(stars)),
            _ => Err(RatingError::OutOfRange),
        }
    }

    /// The number of stars.
    pub const fn stars(self) -> u8 {
        self.0
    }
}

/// A course's ratings at a glance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    /// How many learners rated it.
    pub count: i64,
    /// All their stars added up.
    pub stars: i64,
    /// How many gave one star, two stars, … five stars.
    pub histogram: [i64; 5],
}

/// How one write changes a summary: the learner's stars before and after (`None`: no rating).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatingChange {
    /// What the learner had given.
    pub before: Option<Rating>,
    /// What they give now.
    pub after: Option<Rating>,
}

impl RatingSummary {
    /// The summary after one learner's change.
    pub fn apply(mut self, change: RatingChange) -> RatingSummary {
        for (rating, sign) in [(change.before, -1), (change.after, 1)] {
            if let Some(rating) = rating {
                self.count += sign;
                self.stars += sign * i64::from(rating.stars());
                self.histogram[usize::from(rating.stars() - 1)] += sign;
            }
        }
        self
    }

    /// The mean in tenths of a star, rounded half up (4.25 → 43), or `None` with no ratings.
    /// Integer arithmetic, so every node and both databases show the same figure.
    pub fn mean_tenths(self) -> Option<i64> {
        (self.count > 0).then(|| (self.stars * 20 + self.count) / (self.count * 2))
    }
}

/// The rating a review adds to its course's summary: none while a moderator hides it.
pub fn counted(stars: Rating, hidden: bool) -> Option<Rating> {
    (!hidden).then_some(stars)
}

/// Why a review's or reply's text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReviewTextError {
    /// A reply with nothing in it.
    #[error("write something first")]
    Empty,
    /// Over [`MAX_REVIEW_CHARS`].
    #[error("that is longer than {MAX_REVIEW_CHARS} characters")]
    TooLong,
}

/// Tidies review or reply text: plain text (shown escaped, so no markup can reach a reader),
/// trimmed, at most two line breaks in a row, control characters dropped. A review may be stars
/// alone (`allow_empty`); a reply may not.
pub fn tidy_text(raw: &str, allow_empty: bool) -> Result<String, ReviewTextError> {
    let mut text = String::with_capacity(raw.len());
    let mut breaks = 0;
    for ch in raw.trim().chars() {
        match ch {
            '\n' => {
                breaks += 1;
                if breaks <= 2 {
                    text.push('\n');
                }
            }
            c if c.is_control() => {}
            c => {
                breaks = 0;
                text.push(c);
            }
        }
    }
    if text.is_empty() && !allow_empty {
        return Err(ReviewTextError::Empty);
    }
    if text.chars().count() > MAX_REVIEW_CHARS {
        return Err(ReviewTextError::TooLong);
    }
    Ok(text)
}

/// One review as readers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// Its id (for the author's reply and for reports).
    pub id: ReviewId,
    /// Who wrote it.
    pub reviewer: UserId,
    /// Their display name.
    pub reviewer_name: String,
    /// Their stars.
    pub stars: Rating,
    /// Their words (plain text; may be empty).
    pub body: String,
    /// When it was last written, Unix milliseconds.
    pub updated_at: i64,
    /// The author's reply, if any.
    pub reply: Option<String>,
}

/// A review as a moderator sees it: which course it is on and what its reporters said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeratedReview {
    /// The review.
    pub review: ReviewView,
    /// Its course's title.
    pub course_title: String,
    /// Its course's slug, for a link to the page it shows on.
    pub course_slug: String,
    /// The reasons given by the reports now waiting, oldest first (empty ones left out).
    pub reasons: Vec<String>,
}

/// What the moderation page lists: reports waiting for a decision (oldest first), and reviews
/// already hidden (latest edit first), so a hide can be undone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationQueue {
    /// Reported reviews still shown.
    pub waiting: Vec<ModeratedReview>,
    /// Hidden reviews.
    pub hidden: Vec<ModeratedReview>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn stars_are_one_to_five() {
        assert_eq!(Rating::new(0), Err(RatingError::OutOfRange));
        assert_eq!(Rating::new(6), Err(RatingError::OutOfRange));
        assert_eq!(Rating::new(-3), Err(RatingError::OutOfRange));
        assert_eq!(Rating::new(5).map(Rating::stars), Ok(5));
    }

    #[test]
    fn an_edit_moves_one_rating() {
        let four = Rating::new(4).ok();
        let two = Rating::new(2).ok();
        let summary = RatingSummary::default()
            .apply(RatingChange {
                before: None,
                after: four,
            })
            .apply(RatingChange {
                before: four,
                after: two,
            });
        assert_eq!(summary.count, 1);
        assert_eq!(summary.stars, 2);
        assert_eq!(summary.histogram, [0, 1, 0, 0, 0]);
    }

    #[test]
    fn review_text_is_tidied_and_bounded() {
        assert_eq!(
            tidy_text("  good\n\n\n\nclear\u{7} ", true),
            Ok("good\n\nclear".into())
        );
        assert_eq!(tidy_text(" \n ", true), Ok(String::new()));
        assert_eq!(tidy_text(" \n ", false), Err(ReviewTextError::Empty));
        assert_eq!(
            tidy_text(&"字".repeat(MAX_REVIEW_CHARS + 1), true),
            Err(ReviewTextError::TooLong)
        );
        assert!(tidy_text(&"字".repeat(MAX_REVIEW_CHARS), true).is_ok());
    }

    #[test]
    fn hidden_reviews_do_not_count() {
        let four = Rating::new(4).unwrap_or(Rating(1));
        assert_eq!(counted(four, false), Some(four));
        assert_eq!(counted(four, true), None);
    }

    #[test]
    fn the_mean_rounds_half_up_in_tenths() {
        let of = |stars: &[i64]| {
            stars.iter().fold(RatingSummary::default(), |s, &n| {
                s.apply(RatingChange {
                    before: None,
                    after: Rating::new(n).ok(),
                })
            })
        };
        assert_eq!(of(&[]).mean_tenths(), None);
        assert_eq!(of(&[4, 4, 5, 4]).mean_tenths(), Some(43));
        assert_eq!(of(&[5, 4, 4]).mean_tenths(), Some(43));
        assert_eq!(of(&[1]).mean_tenths(), Some(10));
    }

    proptest! {
        /// Learners rate, re-rate and withdraw in any interleaving; the summary kept by deltas
        /// equals a recount of where everyone ended.
        #[test]
        fn deltas_equal_a_recount(
            writes in proptest::collection::vec((0usize..6, proptest::option::of(1i64..=5)), 0..40),
        ) {
            let mut current: BTreeMap<usize, Rating> = BTreeMap::new();
            let mut summary = RatingSummary::default();
            for (learner, stars) in writes {
                let after = stars.and_then(|s| Rating::new(s).ok());
                let before = match after {
                    Some(r) => current.insert(learner, r),
                    None => current.remove(&learner),
                };
                summary = summary.apply(RatingChange { before, after });
            }
            let recount = current.values().fold(RatingSummary::default(), |s, &r| {
                s.apply(RatingChange { before: None, after: Some(r) })
            });
            prop_assert_eq!(summary, recount);
        }
    }
}
