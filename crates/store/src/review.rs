//! The review queue and the decisions taken in it: claims, requested changes, taking a course off
//! the catalog and putting it back, and the search outbox publishing feeds.
//!
//! Every decision is a compare-and-set on the revision's `decision IS NULL` (or the course's
//! state), so two reviewers deciding at once, or one deciding twice, change things once.

use crate::db::{Tx, on};
use crate::{Store, StoreError};
use domain::authoring::ReviewState;
use domain::review::Claim;
use domain::{CourseId, UserId};

/// A revision waiting for review, as the queue lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    /// The course.
    pub course: CourseId,
    /// The revision.
    pub number: i64,
    /// Its author.
    pub author: UserId,
    /// The author's display name.
    pub author_name: String,
    /// When it was submitted (Unix ms).
    pub submitted_at: i64,
    /// The revision learners see now; `None` for a new course.
    pub live_revision: Option<i64>,
    /// Who holds it, if anyone, and until when.
    pub claim: Option<Claim>,
    /// The holder's display name.
    pub claimed_by_name: Option<String>,
}

/// A submitted revision with what a reviewer needs beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionForReview {
    /// The queue line (claim, author, live revision).
    pub entry: QueueEntry,
    /// Its stored snapshot.
    pub snapshot: String,
    /// The live revision's snapshot, for the diff.
    pub live_snapshot: Option<String>,
    /// `approved` or `changes_requested`, once decided.
    pub decision: Option<String>,
    /// The reason given with requested changes.
    pub reason: String,
    /// Where the course stands now.
    pub state: ReviewState,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    course_id: i64,
    number: i64,
    author_id: i64,
    author_name: String,
    submitted_at: i64,
    live_revision: Option<i64>,
    claimed_by: Option<i64>,
    claimed_until: Option<i64>,
    claimed_by_name: Option<String>,
}

impl From<EntryRow> for QueueEntry {
    fn from(row: EntryRow) -> Self {
        QueueEntry {
            course: CourseId::new(row.course_id),
            number: row.number,
            author: UserId::new(row.author_id),
            author_name: row.author_name,
            submitted_at: row.submitted_at,
            live_revision: row.live_revision,
            claim: row
                .claimed_by
                .zip(row.claimed_until)
                .map(|(by, until)| Claim {
                    by: UserId::new(by),
                    until,
                }),
            claimed_by_name: row.claimed_by_name,
        }
    }
}

const ENTRY_COLUMNS: &str = "r.course_id, r.number, c.author_id, a.display_name AS author_name, \
     r.submitted_at, c.live_revision, r.claimed_by, r.claimed_until, \
     h.display_name AS claimed_by_name";

const ENTRY_TABLES: &str = " FROM course_revisions r JOIN courses c ON c.id = r.course_id \
     JOIN users a ON a.id = c.author_id LEFT JOIN users h ON h.id = r.claimed_by";

const QUEUE: &str = const_format::concatcp!(
    "SELECT ",
    ENTRY_COLUMNS,
    ENTRY_TABLES,
    " WHERE r.decision IS NULL ORDER BY r.submitted_at, r.id LIMIT $1"
);

const FOR_REVIEW: &str = const_format::concatcp!(
    "SELECT ",
    ENTRY_COLUMNS,
    ", r.snapshot, r.decision, r.reason, c.review_state, \
     (SELECT l.snapshot FROM course_revisions l WHERE l.course_id = c.id \
      AND l.number = c.live_revision) AS live_snapshot",
    ENTRY_TABLES,
    " WHERE r.course_id = $1 AND r.number = $2"
);

#[derive(sqlx::FromRow)]
struct ReviewRow {
    #[sqlx(flatten)]
    entry: EntryRow,
    snapshot: String,
    decision: Option<String>,
    reason: String,
    review_state: String,
    live_snapshot: Option<String>,
}

impl Store {
    /// Revisions waiting for a decision, oldest first, at most `limit`.
    pub async fn review_queue(&self, limit: i64) -> Result<Vec<QueueEntry>, StoreError> {
        let rows: Vec<EntryRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(QUEUE).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(QueueEntry::from).collect())
    }

    /// Revision `number` of `course` with the live snapshot beside it.
    pub async fn revision_for_review(
        &self,
        course: CourseId,
        number: i64,
    ) -> Result<Option<RevisionForReview>, StoreError> {
        let row: Option<ReviewRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(FOR_REVIEW)
                .bind(course.get())
                .bind(number)
                .fetch_optional(pool)
                .await?
        });
        row.map(|row| {
            Ok(RevisionForReview {
                state: ReviewState::parse(&row.review_state)
                    .ok_or_else(|| StoreError::corrupt("courses", &row.review_state))?,
                entry: row.entry.into(),
                snapshot: row.snapshot,
                live_snapshot: row.live_snapshot,
                decision: row.decision,
                reason: row.reason,
            })
        })
        .transpose()
    }

    /// The course's author, whether it is listed and where it stands in review.
    pub async fn course_standing(
        &self,
        course: CourseId,
    ) -> Result<Option<(UserId, bool, ReviewState, String)>, StoreError> {
        let row: Option<(i64, String, String, String)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT author_id, status, review_state, title FROM courses WHERE id = $1",
            )
            .bind(course.get())
            .fetch_optional(pool)
            .await?
        });
        row.map(|(author, status, state, title)| {
            Ok((
                UserId::new(author),
                status == "published",
                ReviewState::parse(&state).ok_or_else(|| StoreError::corrupt("courses", &state))?,
                title,
            ))
        })
        .transpose()
    }

    /// Why an admin took the course off the catalog (empty if they did not).
    pub async fn unpublished_reason(&self, course: CourseId) -> Result<String, StoreError> {
        let row: Option<(String,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT unpublished_reason FROM courses WHERE id = $1")
                .bind(course.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(reason,)| reason).unwrap_or_default())
    }
}

impl Tx {
    /// Gives `claim` on a waiting revision to its reviewer, unless another reviewer's claim still
    /// holds at `now`. False when refused (or the revision was decided meanwhile).
    pub async fn claim_revision(
        &mut self,
        course: CourseId,
        number: i64,
        claim: Claim,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE course_revisions SET claimed_by = $3, claimed_until = $4 \
                 WHERE course_id = $1 AND number = $2 AND decision IS NULL \
                 AND (claimed_by IS NULL OR claimed_by = $3 OR claimed_until <= $5)",
            )
            .bind(course.get())
            .bind(number)
            .bind(claim.by.get())
            .bind(claim.until)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Sends a waiting revision back with `reason` (sanitised HTML). False if it was already
    /// decided.
    pub async fn request_changes(
        &mut self,
        course: CourseId,
        number: i64,
        by: UserId,
        reason: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE course_revisions SET decision = 'changes_requested', decided_by = $3, \
                 decided_at = $4, reason = $5 \
                 WHERE course_id = $1 AND number = $2 AND decision IS NULL",
            )
            .bind(course.get())
            .bind(number)
            .bind(by.get())
            .bind(now)
            .bind(reason)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        if done == 1 {
            self.set_review_state(course, ReviewState::ChangesRequested)
                .await?;
        }
        Ok(done == 1)
    }

    /// Takes a listed course off the catalog with `reason` (sanitised HTML) for its author. A
    /// course with an update waiting for review stays in review. False if it was not listed.
    pub async fn unpublish_course(
        &mut self,
        course: CourseId,
        reason: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE courses SET status = 'draft', unpublished_reason = $2, updated_at = $3, \
                 review_state = CASE WHEN review_state = 'published' THEN 'unpublished' \
                 ELSE review_state END WHERE id = $1 AND status = 'published'",
            )
            .bind(course.get())
            .bind(reason)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Puts an unpublished course back in the catalog as it was. False if it was not unpublished.
    pub async fn republish_course(
        &mut self,
        course: CourseId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE courses SET status = 'published', review_state = 'published', \
                 unpublished_reason = '', updated_at = $2 \
                 WHERE id = $1 AND review_state = 'unpublished' AND live_revision IS NOT NULL",
            )
            .bind(course.get())
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records that a course's searchable content changed, for the search index to follow.
    pub async fn enqueue_search(
        &mut self,
        course: CourseId,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO search_outbox (course_id, reason, created_at) VALUES ($1, $2, $3)",
            )
            .bind(course.get())
            .bind(reason)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }
}

impl Store {
    /// The search outbox after `seq`, oldest first: (seq, course, reason).
    pub async fn search_outbox_after(
        &self,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, CourseId, String)>, StoreError> {
        let rows: Vec<(i64, i64, String)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT seq, course_id, reason FROM search_outbox WHERE seq > $1 \
                 ORDER BY seq LIMIT $2",
            )
            .bind(seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(seq, course, reason)| (seq, CourseId::new(course), reason))
            .collect())
    }
}
