//! Ratings: one to five stars, one per learner and course, and the summary a course page shows.
//!
//! The summary (count, star total, histogram) is kept by deltas: each write of a review changes it
//! by the difference between the learner's old and new stars, applied in the same unit of work as
//! the review row. Deltas add up in any order, so concurrent writes give the exact summary a
//! recount would (property-tested below).

use serde::{Deserialize, Serialize};

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rating(u8);

/// Why a rating was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
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
