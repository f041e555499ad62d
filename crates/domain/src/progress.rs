//! A learner's progress through a course: where they stopped in each lesson, which lessons they
//! finished, and how far along the course they are.
//!
//! Reports arrive from several tabs and devices, late and out of order (a beacon sent on leaving a
//! page may land after the next page's first report). So a lesson's progress is a merge of
//! stamped reports: each field keeps the value of its newest report, and completion, once earned,
//! is undone only by a newer manual "not done". Merging is commutative and associative, so any
//! order of delivery gives the same state (property-tested below), and the store can apply a
//! report as one compare-free `UPDATE` under any interleaving.

use serde::{Deserialize, Serialize};

/// Played share of a video or audio lesson that counts as done: 90 %, in basis points.
pub const PLAYED_TO_COMPLETE_BP: u64 = 9_000;

/// Longest media Lore expects (24 h); a longer reported duration is a client's mistake.
pub const MAX_MEDIA_MS: u64 = 24 * 3_600_000;

/// What a client reports about one lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Report {
    /// The player is at `position_ms` of `duration_ms` (video or audio).
    Played {
        /// Where playback is.
        position_ms: u64,
        /// How long the media is, as the player measured it.
        duration_ms: u64,
    },
    /// The reader scrolled to the end of an article.
    ReadToEnd,
    /// The learner ticked or unticked "done" by hand.
    Manual {
        /// Whether the lesson is now done.
        done: bool,
    },
}

/// Why a report was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReportError {
    /// A zero or absurdly long duration, or a position past the end.
    #[error("the reported playback position is not within the media")]
    OutOfRange,
}

/// One lesson's progress for one learner.
///
/// Each part carries the stamp (milliseconds, the time the client made the report) it was set
/// at, so a late report cannot overwrite a newer one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Where to resume playback.
    pub position_ms: u64,
    /// When `position_ms` was reported.
    pub position_at: i64,
    /// Whether the lesson counts as done.
    pub done: bool,
    /// When `done` last changed.
    pub done_at: i64,
}

impl Report {
    /// Checks a report's numbers before anything is stored.
    pub fn check(self) -> Result<Report, ReportError> {
        match self {
            Report::Played {
                position_ms,
                duration_ms,
            } if duration_ms == 0 || duration_ms > MAX_MEDIA_MS || position_ms > duration_ms => {
                Err(ReportError::OutOfRange)
            }
            report => Ok(report),
        }
    }

    /// Whether this report by itself finishes the lesson (`Some(false)`: it undoes it; `None`: it
    /// says nothing about completion).
    pub fn completes(self) -> Option<bool> {
        match self {
            Report::Played {
                position_ms,
                duration_ms,
            } => (position_ms.saturating_mul(10_000) >= duration_ms * PLAYED_TO_COMPLETE_BP)
                .then_some(true),
            Report::ReadToEnd => Some(true),
            Report::Manual { done } => Some(done),
        }
    }
}

impl LessonProgress {
    /// The progress after `report`, made at `at`.
    ///
    /// Ties between two reports with the same stamp are settled by value (the larger position; done
    /// over not done), so the result never depends on arrival order.
    pub fn apply(self, report: Report, at: i64) -> LessonProgress {
        let mut next = self;
        if let Report::Played { position_ms, .. } = report {
            next = next.merge(LessonProgress {
                position_ms,
                position_at: at,
                ..LessonProgress::default()
            });
        }
        if let Some(done) = report.completes() {
            let change = LessonProgress {
                done,
                done_at: at,
                ..LessonProgress::default()
            };
            // An automatic signal only ever finishes a lesson; it never unticks a manual "done".
            next = next.merge_done(change);
        }
        next
    }

    /// Joins two states: each part from the newer side.
    pub fn merge(self, other: LessonProgress) -> LessonProgress {
        let position =
            (self.position_at, self.position_ms).max((other.position_at, other.position_ms));
        LessonProgress {
            position_at: position.0,
            position_ms: position.1,
            ..self.merge_done(other)
        }
    }

    fn merge_done(self, other: LessonProgress) -> LessonProgress {
        let done = (self.done_at, self.done).max((other.done_at, other.done));
        LessonProgress {
            done_at: done.0,
            done: done.1,
            ..self
        }
    }
}

/// How far along a course a learner is, in whole percent rounded down (100 only when every
/// lesson is done). Lessons done that the course no longer has do not count.
pub fn course_percent(done_lessons: usize, total_lessons: usize) -> u8 {
    if total_lessons == 0 {
        return 0;
    }
    let done = done_lessons.min(total_lessons);
    // At most 100, so the narrowing cannot lose anything.
    u8::try_from(done * 100 / total_lessons).unwrap_or(100)
}

/// Latest stamp a report may carry: the server's clock. A client whose clock runs ahead would
/// otherwise pin its position against every later report.
pub fn clamp_stamp(client_at: i64, server_now: i64) -> i64 {
    client_at.clamp(0, server_now)
}

/// A course on a learner's "My learning" page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningEntry {
    /// The course.
    pub card: crate::CourseCard,
    /// The lesson they last opened, if any.
    pub resume: Option<crate::LessonId>,
    /// When they last learned in it (or enrolled), Unix milliseconds.
    pub last_active: i64,
    /// Lessons they finished.
    pub done: i64,
    /// How far along they are, in percent ([`course_percent`]).
    pub percent: u8,
}

/// A certificate of completion, as its printable page and its verification URL show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The unguessable code in its URL.
    pub code: String,
    /// Who finished the course.
    pub learner_name: String,
    /// The course.
    pub course_title: String,
    /// Its URL name.
    pub course_slug: crate::Slug,
    /// Who taught it.
    pub author_name: String,
    /// When it was issued, Unix milliseconds.
    pub issued_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn played(position_ms: u64) -> Report {
        Report::Played {
            position_ms,
            duration_ms: 100_000,
        }
    }

    #[test]
    fn ninety_percent_played_finishes_a_lesson() {
        assert_eq!(played(89_999).completes(), None);
        assert_eq!(played(90_000).completes(), Some(true));
        let state = LessonProgress::default().apply(played(95_000), 10);
        assert!(state.done);
        assert_eq!(state.position_ms, 95_000);
    }

    #[test]
    fn stamps_from_the_future_are_pulled_back() {
        assert_eq!(clamp_stamp(5_000, 4_000), 4_000);
        assert_eq!(clamp_stamp(3_000, 4_000), 3_000);
        assert_eq!(clamp_stamp(-1, 4_000), 0);
    }

    #[test]
    fn out_of_range_reports_are_refused() {
        assert_eq!(played(100_001).check(), Err(ReportError::OutOfRange));
        let zero = Report::Played {
            position_ms: 0,
            duration_ms: 0,
        };
        assert_eq!(zero.check(), Err(ReportError::OutOfRange));
        assert!(played(100_000).check().is_ok());
        assert!(Report::ReadToEnd.check().is_ok());
    }

    #[test]
    fn a_late_report_does_not_move_the_learner_back() {
        let state = LessonProgress::default()
            .apply(played(30_000), 200)
            .apply(played(10_000), 100);
        assert_eq!(state.position_ms, 30_000);
    }

    #[test]
    fn only_a_newer_manual_untick_undoes_completion() {
        let done = LessonProgress::default().apply(Report::ReadToEnd, 100);
        assert!(!done.apply(Report::Manual { done: false }, 200).done);
        assert!(done.apply(Report::Manual { done: false }, 50).done);
        // Watching a little more after unticking does not tick it again below 90 %.
        let unticked = done.apply(Report::Manual { done: false }, 200);
        assert!(!unticked.apply(played(1_000), 300).done);
    }

    #[test]
    fn percent_rounds_down_and_ignores_removed_lessons() {
        assert_eq!(course_percent(0, 0), 0);
        assert_eq!(course_percent(2, 3), 66);
        assert_eq!(course_percent(3, 3), 100);
        assert_eq!(course_percent(5, 3), 100);
        assert_eq!(course_percent(299, 300), 99);
    }

    fn report() -> impl Strategy<Value = (Report, i64)> {
        let kind = prop_oneof![
            (0u64..=100_000).prop_map(played),
            Just(Report::ReadToEnd),
            any::<bool>().prop_map(|done| Report::Manual { done }),
        ];
        (kind, 0i64..50)
    }

    proptest! {
        /// Any order of delivery ends in the same state.
        #[test]
        fn delivery_order_does_not_matter(
            reports in proptest::collection::vec(report(), 0..12),
            seed in any::<u64>(),
        ) {
            let in_order = reports
                .iter()
                .fold(LessonProgress::default(), |state, &(r, at)| state.apply(r, at));
            let mut shuffled = reports.clone();
            // A deterministic shuffle from the seed (proptest shrinks it like any input).
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let any_order = shuffled
                .iter()
                .fold(LessonProgress::default(), |state, &(r, at)| state.apply(r, at));
            prop_assert_eq!(in_order, any_order);
        }

        /// Merging two devices' states is the same as one device seeing every report.
        #[test]
        fn merging_devices_equals_one_stream(
            a in proptest::collection::vec(report(), 0..8),
            b in proptest::collection::vec(report(), 0..8),
        ) {
            let fold = |reports: &[(Report, i64)]| {
                reports
                    .iter()
                    .fold(LessonProgress::default(), |state, &(r, at)| state.apply(r, at))
            };
            let both: Vec<_> = a.iter().chain(b.iter()).copied().collect();
            prop_assert_eq!(fold(&a).merge(fold(&b)), fold(&both));
        }
    }
}
