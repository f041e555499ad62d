//! The learner's side: entitlements (free enrollment writes them here; purchases will too),
//! progress, "My learning", reviews with their course aggregates, follows and certificates.
//!
//! Concurrency: a progress report is one upsert whose `SET` compares `(stamp, value)` pairs with
//! the stored ones (`domain::progress`), so reports merge in any order without reading first. A
//! review write first takes the course row (`UPDATE courses … WHERE id`), which serialises the
//! writes to one course's reviews on both engines; the aggregate then moves by the exact delta
//! between the stored review and the new one (`domain::rating`).

use crate::db::{Tx, on};
use crate::{Store, StoreError};
use domain::progress::LessonProgress;
use domain::rating::{
    ModeratedReview, ModerationQueue, Rating, RatingChange, RatingSummary, ReviewView,
};
use domain::{CourseId, Entitlement, LessonId, ReviewId, UserId};
use std::collections::{HashMap, HashSet};

/// A stored review with what moderation and the reply rule need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRecord {
    /// What readers see.
    pub view: ReviewView,
    /// The course it is about.
    pub course: CourseId,
    /// Whether a moderator hid it.
    pub hidden: bool,
    /// When a report of it began waiting for a moderator.
    pub reported_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    course_id: i64,
    user_id: i64,
    reviewer_name: String,
    stars: i64,
    body: String,
    updated_at: i64,
    reply: Option<String>,
    hidden: bool,
    reported_at: Option<i64>,
}

impl TryFrom<ReviewRow> for ReviewRecord {
    type Error = StoreError;
    fn try_from(row: ReviewRow) -> Result<Self, StoreError> {
        Ok(ReviewRecord {
            view: ReviewView {
                id: ReviewId::new(row.id),
                reviewer: UserId::new(row.user_id),
                reviewer_name: row.reviewer_name,
                stars: Rating::new(row.stars).map_err(|e| StoreError::corrupt("reviews", e))?,
                body: row.body,
                updated_at: row.updated_at,
                reply: row.reply,
            },
            course: CourseId::new(row.course_id),
            hidden: row.hidden,
            reported_at: row.reported_at,
        })
    }
}

const REVIEW_COLUMNS: &str = "r.id, r.course_id, r.user_id, u.display_name AS reviewer_name, \
     r.stars, r.body, r.updated_at, r.reply, r.hidden, r.reported_at";

const COURSE_REVIEWS: &str = const_format::concatcp!(
    "SELECT ",
    REVIEW_COLUMNS,
    " FROM reviews r JOIN users u ON u.id = r.user_id \
     WHERE r.course_id = $1 AND r.hidden = FALSE AND (r.updated_at, r.id) < ($2, $3) \
     ORDER BY r.updated_at DESC, r.id DESC LIMIT $4"
);

const REVIEW_BY_ID: &str = const_format::concatcp!(
    "SELECT ",
    REVIEW_COLUMNS,
    " FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.id = $1"
);

const REVIEW_OF: &str = const_format::concatcp!(
    "SELECT ",
    REVIEW_COLUMNS,
    " FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.course_id = $1 AND r.user_id = $2"
);

const REPORTED_REVIEWS: &str = const_format::concatcp!(
    "SELECT ",
    REVIEW_COLUMNS,
    ", c.title AS course_title, c.slug AS course_slug \
     FROM reviews r JOIN users u ON u.id = r.user_id JOIN courses c ON c.id = r.course_id \
     WHERE r.reported_at IS NOT NULL ORDER BY r.reported_at, r.id LIMIT $1"
);

const HIDDEN_REVIEWS: &str = const_format::concatcp!(
    "SELECT ",
    REVIEW_COLUMNS,
    ", c.title AS course_title, c.slug AS course_slug \
     FROM reviews r JOIN users u ON u.id = r.user_id JOIN courses c ON c.id = r.course_id \
     WHERE r.hidden = TRUE ORDER BY r.updated_at DESC, r.id DESC LIMIT $1"
);

/// The reasons of the reports now waiting: those made since the review's report began waiting
/// (earlier ones were decided when a moderator last looked).
const WAITING_REASONS: &str = "SELECT rr.review_id, rr.reason FROM review_reports rr \
     JOIN reviews r ON r.id = rr.review_id \
     WHERE r.reported_at IS NOT NULL AND rr.created_at >= r.reported_at AND rr.reason <> '' \
     ORDER BY rr.created_at, rr.reporter_id";

#[derive(sqlx::FromRow)]
struct ModeratedRow {
    #[sqlx(flatten)]
    review: ReviewRow,
    course_title: String,
    course_slug: String,
}

#[derive(sqlx::FromRow)]
struct ProgressRow {
    lesson_id: i64,
    position_ms: i64,
    position_at: i64,
    done: bool,
    done_at: i64,
}

impl From<ProgressRow> for (LessonId, LessonProgress) {
    fn from(row: ProgressRow) -> Self {
        (
            LessonId::new(row.lesson_id),
            LessonProgress {
                position_ms: u64::try_from(row.position_ms).unwrap_or_default(),
                position_at: row.position_at,
                done: row.done,
                done_at: row.done_at,
            },
        )
    }
}

/// One progress report to merge into the store, already checked and stamped by the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressWrite {
    /// The learner.
    pub user: UserId,
    /// The course the lesson belongs to.
    pub course: CourseId,
    /// The lesson.
    pub lesson: LessonId,
    /// The state the report alone gives (`LessonProgress::default().apply(report, at)`).
    pub state: LessonProgress,
}

/// A course on "My learning", before the domain turns its counts into a percentage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearningRow {
    /// The course.
    pub course: CourseId,
    /// The lesson last opened.
    pub resume: Option<LessonId>,
    /// Last activity or enrollment, Unix ms.
    pub last_active: i64,
    /// Lessons done that the course still has.
    pub done: i64,
}

#[derive(sqlx::FromRow)]
struct LearningSqlRow {
    course_id: i64,
    lesson_id: Option<i64>,
    last_active: i64,
    done: i64,
}

impl Store {
    /// What `user` holds of `course`: an active entitlement, a refunded one, or nothing.
    pub async fn entitlement(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<Entitlement, StoreError> {
        let statuses: Vec<(String,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT status FROM entitlements WHERE user_id = $1 AND course_id = $2")
                .bind(user.get())
                .bind(course.get())
                .fetch_all(pool)
                .await?
        });
        Ok(entitlement_of(statuses.iter().map(|(s,)| s.as_str())))
    }

    /// The courses among `courses` that `user` holds an active entitlement to.
    pub async fn active_entitlements(
        &self,
        user: UserId,
        courses: &[CourseId],
    ) -> Result<HashSet<CourseId>, StoreError> {
        let mut owned = HashSet::new();
        // One query per course: media is used by one or two lessons, rarely more.
        for course in courses {
            if self.entitlement(user, *course).await? == Entitlement::Active {
                owned.insert(*course);
            }
        }
        Ok(owned)
    }

    /// `user`'s progress in every lesson of `course` they have touched.
    pub async fn course_progress(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<HashMap<LessonId, LessonProgress>, StoreError> {
        let rows: Vec<ProgressRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT lesson_id, position_ms, position_at, done, done_at FROM lesson_progress \
                 WHERE user_id = $1 AND course_id = $2",
            )
            .bind(user.get())
            .bind(course.get())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The lesson `user` last opened in `course`.
    pub async fn resume_lesson(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<Option<LessonId>, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT a.lesson_id FROM learning_activity a JOIN lessons l ON l.id = a.lesson_id \
                 WHERE a.user_id = $1 AND a.course_id = $2",
            )
            .bind(user.get())
            .bind(course.get())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(id,)| LessonId::new(id)))
    }

    /// The published courses `user` owns, most recently active first, with where they stopped.
    pub async fn learning(&self, user: UserId) -> Result<Vec<LearningRow>, StoreError> {
        let rows: Vec<LearningSqlRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT e.course_id, a.lesson_id, \
                 CASE WHEN a.at IS NULL OR a.at < e.created_at THEN e.created_at ELSE a.at END \
                   AS last_active, \
                 (SELECT COUNT(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id \
                  WHERE p.user_id = e.user_id AND p.course_id = e.course_id AND p.done = TRUE) \
                   AS done \
                 FROM entitlements e \
                 JOIN courses c ON c.id = e.course_id AND c.status = 'published' \
                 LEFT JOIN learning_activity a ON a.user_id = e.user_id AND a.course_id = e.course_id \
                 WHERE e.user_id = $1 AND e.status = 'active' \
                 ORDER BY last_active DESC, e.course_id DESC",
            )
            .bind(user.get())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| LearningRow {
                course: CourseId::new(row.course_id),
                resume: row.lesson_id.map(LessonId::new),
                last_active: row.last_active,
                done: row.done,
            })
            .collect())
    }

    /// Visible reviews of `course`, newest first, older than the `(updated_at, id)` cursor.
    pub async fn course_reviews(
        &self,
        course: CourseId,
        before: Option<(i64, ReviewId)>,
        limit: i64,
    ) -> Result<Vec<ReviewView>, StoreError> {
        let (at, id) = before.map_or((i64::MAX, i64::MAX), |(at, id)| (at, id.get()));
        let rows: Vec<ReviewRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(COURSE_REVIEWS)
                .bind(course.get())
                .bind(at)
                .bind(id)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|row| ReviewRecord::try_from(row).map(|r| r.view))
            .collect()
    }

    /// `user`'s review of `course`, hidden or not.
    pub async fn review_of(
        &self,
        course: CourseId,
        user: UserId,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        let row: Option<ReviewRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(REVIEW_OF)
                .bind(course.get())
                .bind(user.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(ReviewRecord::try_from).transpose()
    }

    /// One review by id.
    pub async fn review(&self, id: ReviewId) -> Result<Option<ReviewRecord>, StoreError> {
        let row: Option<ReviewRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(REVIEW_BY_ID)
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(ReviewRecord::try_from).transpose()
    }

    /// The moderation page's lists, each at most `limit` long: reviews waiting for a
    /// moderator (oldest report first, with the reports' reasons) and hidden reviews.
    pub async fn moderation_queue(&self, limit: i64) -> Result<ModerationQueue, StoreError> {
        let (waiting, hidden, reasons): (Vec<ModeratedRow>, Vec<ModeratedRow>, Vec<(i64, String)>) =
            on!(Pool, &self.pool, |pool| {
                let waiting = sqlx::query_as(REPORTED_REVIEWS)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                let hidden = sqlx::query_as(HIDDEN_REVIEWS)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                let reasons = sqlx::query_as(WAITING_REASONS).fetch_all(pool).await?;
                (waiting, hidden, reasons)
            });
        let mut by_review: HashMap<i64, Vec<String>> = HashMap::new();
        for (review, reason) in reasons {
            by_review.entry(review).or_default().push(reason);
        }
        let mut moderated = |rows: Vec<ModeratedRow>| -> Result<Vec<ModeratedReview>, StoreError> {
            rows.into_iter()
                .map(|row| {
                    let reasons = by_review.remove(&row.review.id).unwrap_or_default();
                    Ok(ModeratedReview {
                        review: ReviewRecord::try_from(row.review)?.view,
                        course_title: row.course_title,
                        course_slug: row.course_slug,
                        reasons,
                    })
                })
                .collect()
        };
        Ok(ModerationQueue {
            waiting: moderated(waiting)?,
            hidden: moderated(hidden)?,
        })
    }

    /// `course`'s rating aggregate as stored.
    pub async fn rating_summary(&self, course: CourseId) -> Result<RatingSummary, StoreError> {
        let row: Option<(i64, i64, i64, i64, i64, i64, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT rating_count, rating_stars, rating_1, rating_2, rating_3, rating_4, \
                 rating_5 FROM courses WHERE id = $1",
            )
            .bind(course.get())
            .fetch_optional(pool)
            .await?
        });
        Ok(
            row.map_or_else(RatingSummary::default, |(count, stars, a, b, c, d, e)| {
                RatingSummary {
                    count,
                    stars,
                    histogram: [a, b, c, d, e],
                }
            }),
        )
    }

    /// Whether `follower` follows `author`.
    pub async fn follows(&self, follower: UserId, author: UserId) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT follower_id FROM follows WHERE follower_id = $1 AND author_id = $2",
            )
            .bind(follower.get())
            .bind(author.get())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.is_some())
    }

    /// How many people follow `author`.
    pub async fn follower_count(&self, author: UserId) -> Result<i64, StoreError> {
        let (n,): (i64,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM follows WHERE author_id = $1")
                .bind(author.get())
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// The code of `user`'s certificate for `course`, if one was issued.
    pub async fn certificate_code(
        &self,
        user: UserId,
        course: CourseId,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT code FROM certificates WHERE user_id = $1 AND course_id = $2")
                .bind(user.get())
                .bind(course.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(code,)| code))
    }

    /// The certificate with `code`: learner, course and when it was issued.
    pub async fn certificate(
        &self,
        code: &str,
    ) -> Result<Option<(UserId, CourseId, i64)>, StoreError> {
        let row: Option<(i64, i64, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT user_id, course_id, issued_at FROM certificates WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(u, c, at)| (UserId::new(u), CourseId::new(c), at)))
    }
}

/// Reads stored entitlement statuses: any active row wins over refunded ones.
fn entitlement_of<'a>(statuses: impl Iterator<Item = &'a str>) -> Entitlement {
    let mut held = Entitlement::None;
    for status in statuses {
        match status {
            "active" => return Entitlement::Active,
            "refunded" => held = Entitlement::Refunded,
            _ => {}
        }
    }
    held
}

impl Tx {
    /// Gives `user` an active entitlement to `course` and counts the enrollment, unless they
    /// hold one already. Returns whether a row was written (a retried click writes nothing).
    pub async fn grant_entitlement(
        &mut self,
        user: UserId,
        course: CourseId,
        source: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let written = on!(TxInner, &mut self.inner, |tx| {
            let written = sqlx::query(
                "INSERT INTO entitlements (user_id, course_id, status, source, created_at) \
                 VALUES ($1, $2, 'active', $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(user.get())
            .bind(course.get())
            .bind(source)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
                > 0;
            if written {
                sqlx::query("UPDATE courses SET enrollments = enrollments + 1 WHERE id = $1")
                    .bind(course.get())
                    .execute(&mut **tx)
                    .await?;
            }
            written
        });
        Ok(written)
    }

    /// Merges progress reports into the stored progress, in one statement each; any order of
    /// the same reports leaves the same rows.
    pub async fn record_progress(&mut self, writes: &[ProgressWrite]) -> Result<(), StoreError> {
        for write in writes {
            let position_ms = i64::try_from(write.state.position_ms).unwrap_or(i64::MAX);
            on!(TxInner, &mut self.inner, |tx| {
                sqlx::query(
                    "INSERT INTO lesson_progress \
                     (user_id, lesson_id, course_id, position_ms, position_at, done, done_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (user_id, lesson_id) DO UPDATE SET \
                     position_ms = CASE WHEN (excluded.position_at, excluded.position_ms) > \
                       (lesson_progress.position_at, lesson_progress.position_ms) \
                       THEN excluded.position_ms ELSE lesson_progress.position_ms END, \
                     position_at = CASE WHEN (excluded.position_at, excluded.position_ms) > \
                       (lesson_progress.position_at, lesson_progress.position_ms) \
                       THEN excluded.position_at ELSE lesson_progress.position_at END, \
                     done = CASE WHEN (excluded.done_at, excluded.done) > \
                       (lesson_progress.done_at, lesson_progress.done) \
                       THEN excluded.done ELSE lesson_progress.done END, \
                     done_at = CASE WHEN (excluded.done_at, excluded.done) > \
                       (lesson_progress.done_at, lesson_progress.done) \
                       THEN excluded.done_at ELSE lesson_progress.done_at END",
                )
                .bind(write.user.get())
                .bind(write.lesson.get())
                .bind(write.course.get())
                .bind(position_ms)
                .bind(write.state.position_at)
                .bind(write.state.done)
                .bind(write.state.done_at)
                .execute(&mut **tx)
                .await?;
            });
        }
        Ok(())
    }

    /// Remembers that `user` opened `lesson` of `course` at `at` (a later open wins).
    pub async fn touch_activity(
        &mut self,
        user: UserId,
        course: CourseId,
        lesson: LessonId,
        at: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO learning_activity (user_id, course_id, lesson_id, at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, course_id) DO UPDATE SET \
                 lesson_id = excluded.lesson_id, at = excluded.at \
                 WHERE excluded.at >= learning_activity.at",
            )
            .bind(user.get())
            .bind(course.get())
            .bind(lesson.get())
            .bind(at)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Takes `course`'s row for this unit of work, so review writes to one course happen one
    /// after another and each sees the last one's aggregate.
    async fn lock_course(&mut self, course: CourseId) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE courses SET rating_count = rating_count WHERE id = $1")
                .bind(course.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Moves `course`'s aggregate by one learner's change.
    async fn apply_rating(
        &mut self,
        course: CourseId,
        change: RatingChange,
    ) -> Result<(), StoreError> {
        let delta = RatingSummary::default().apply(change);
        if delta == RatingSummary::default() {
            return Ok(());
        }
        let [a, b, c, d, e] = delta.histogram;
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE courses SET rating_count = rating_count + $2, \
                 rating_stars = rating_stars + $3, rating_1 = rating_1 + $4, \
                 rating_2 = rating_2 + $5, rating_3 = rating_3 + $6, rating_4 = rating_4 + $7, \
                 rating_5 = rating_5 + $8 WHERE id = $1",
            )
            .bind(course.get())
            .bind(delta.count)
            .bind(delta.stars)
            .bind(a)
            .bind(b)
            .bind(c)
            .bind(d)
            .bind(e)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// The stored stars and hidden flag of `user`'s review of `course`, read after
    /// [`Tx::lock_course`].
    async fn locked_review(
        &mut self,
        course: CourseId,
        user: UserId,
    ) -> Result<Option<(ReviewId, Rating, bool)>, StoreError> {
        let row: Option<(i64, i64, bool)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT id, stars, hidden FROM reviews WHERE course_id = $1 AND user_id = $2",
            )
            .bind(course.get())
            .bind(user.get())
            .fetch_optional(&mut **tx)
            .await?
        });
        row.map(|(id, stars, hidden)| {
            Rating::new(stars)
                .map(|r| (ReviewId::new(id), r, hidden))
                .map_err(|e| StoreError::corrupt("reviews", e))
        })
        .transpose()
    }

    /// Writes `user`'s review of `course` (a second write edits the first) and moves the
    /// course's aggregate by the difference. A hidden review stays hidden and uncounted.
    pub async fn save_review(
        &mut self,
        course: CourseId,
        user: UserId,
        stars: Rating,
        body: &str,
        now: i64,
    ) -> Result<ReviewId, StoreError> {
        self.lock_course(course).await?;
        let before = self.locked_review(course, user).await?;
        let hidden = before.is_some_and(|(_, _, hidden)| hidden);
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO reviews (course_id, user_id, stars, body, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (course_id, user_id) DO UPDATE SET \
                 stars = excluded.stars, body = excluded.body, updated_at = excluded.updated_at \
                 RETURNING id",
            )
            .bind(course.get())
            .bind(user.get())
            .bind(i64::from(stars.stars()))
            .bind(body)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?
        });
        let change = RatingChange {
            before: before.and_then(|(_, r, hidden)| domain::rating::counted(r, hidden)),
            after: domain::rating::counted(stars, hidden),
        };
        self.apply_rating(course, change).await?;
        Ok(ReviewId::new(id))
    }

    /// Sets the author's reply on review `id` unless it has one. Returns whether it was set.
    pub async fn reply_to_review(
        &mut self,
        id: ReviewId,
        reply: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE reviews SET reply = $2, replied_at = $3 WHERE id = $1 AND reply IS NULL",
            )
            .bind(id.get())
            .bind(reply)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Records `reporter`'s report of review `id` (once per reporter) and puts a visible review
    /// on the moderators' list.
    pub async fn report_review(
        &mut self,
        id: ReviewId,
        reporter: UserId,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            let new = sqlx::query(
                "INSERT INTO review_reports (review_id, reporter_id, reason, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(id.get())
            .bind(reporter.get())
            .bind(reason)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
                > 0;
            if new {
                sqlx::query(
                    "UPDATE reviews SET reported_at = $2 \
                     WHERE id = $1 AND hidden = FALSE AND reported_at IS NULL",
                )
                .bind(id.get())
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
        });
        Ok(())
    }

    /// A moderator's decision on review `id`: hide it (it leaves the page and the aggregate)
    /// or keep it visible (restoring a hidden one). Either way it leaves the list. Returns the
    /// course, or `None` if there is no such review.
    pub async fn moderate_review(
        &mut self,
        id: ReviewId,
        hide: bool,
    ) -> Result<Option<CourseId>, StoreError> {
        let row: Option<(i64, i64)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as("SELECT course_id, user_id FROM reviews WHERE id = $1")
                .bind(id.get())
                .fetch_optional(&mut **tx)
                .await?
        });
        let Some((course, user)) = row else {
            return Ok(None);
        };
        let course = CourseId::new(course);
        self.lock_course(course).await?;
        let Some((_, stars, was_hidden)) = self.locked_review(course, UserId::new(user)).await?
        else {
            return Ok(None);
        };
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE reviews SET hidden = $2, reported_at = NULL WHERE id = $1")
                .bind(id.get())
                .bind(hide)
                .execute(&mut **tx)
                .await?;
        });
        let change = RatingChange {
            before: domain::rating::counted(stars, was_hidden),
            after: domain::rating::counted(stars, hide),
        };
        self.apply_rating(course, change).await?;
        Ok(Some(course))
    }

    /// Makes `follower` follow `author`. Idempotent.
    pub async fn follow(
        &mut self,
        follower: UserId,
        author: UserId,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO follows (follower_id, author_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(follower.get())
            .bind(author.get())
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Stops `follower` following `author`. Idempotent.
    pub async fn unfollow(&mut self, follower: UserId, author: UserId) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND author_id = $2")
                .bind(follower.get())
                .bind(author.get())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Issues `user`'s certificate for `course` with `code`, unless they have one; returns the
    /// code they hold.
    pub async fn issue_certificate(
        &mut self,
        user: UserId,
        course: CourseId,
        code: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let (code,): (String,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO certificates (code, user_id, course_id, issued_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, course_id) DO NOTHING",
            )
            .bind(code)
            .bind(user.get())
            .bind(course.get())
            .bind(now)
            .execute(&mut **tx)
            .await?;
            sqlx::query_as("SELECT code FROM certificates WHERE user_id = $1 AND course_id = $2")
                .bind(user.get())
                .bind(course.get())
                .fetch_one(&mut **tx)
                .await?
        });
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_entitlement_wins_over_refunded_ones() {
        assert_eq!(entitlement_of([].into_iter()), Entitlement::None);
        assert_eq!(
            entitlement_of(["refunded"].into_iter()),
            Entitlement::Refunded
        );
        assert_eq!(
            entitlement_of(["refunded", "active"].into_iter()),
            Entitlement::Active
        );
    }
}
