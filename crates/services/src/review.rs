//! Review and publishing: the queue, claims, the reviewer's page with its diff, decisions, and
//! an admin taking a course off the catalog and back.
//!
//! A decision is one unit of work: the revision's decision (compare-and-set), the live course
//! (on approval), the author's notification, the fan-out to owners or followers, the search
//! outbox entry and the audit line commit together or not at all.

use crate::accounts::{Client, CurrentSession, audit};
use crate::{ServiceError, Services};
use domain::authoring::ReviewState;
use domain::diff::{ChangeSize, RevisionDiff, diff_revisions, new_lessons};
use domain::notify::Notice;
use domain::permissions::can_review_courses;
use domain::review::{self, Decision, ReviewProblem};
use domain::revision::CourseSnapshot;
use domain::{CourseId, UserId};
use store::{Audience, QueueEntry, Tx, now_millis};

/// The most waiting revisions the queue shows at once.
const QUEUE_LIMIT: i64 = 200;

/// A line of the review queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueItem {
    /// Author, claim (only one still holding), dates.
    pub entry: QueueEntry,
    /// The revision's course title.
    pub title: String,
    /// What it changes against the live revision.
    pub size: ChangeSize,
}

/// What the review page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewPage {
    /// Author, claim (only one still holding), dates.
    pub entry: QueueEntry,
    /// The submitted revision, whole.
    pub revision: CourseSnapshot,
    /// What it changes against what is live.
    pub diff: RevisionDiff,
    /// `approved` or `changes_requested`, once decided.
    pub decision: Option<String>,
    /// The reason given with requested changes.
    pub reason: String,
    /// Where the course stands.
    pub state: ReviewState,
}

fn refused(problem: ReviewProblem) -> ServiceError {
    ServiceError::Review(problem)
}

fn snapshot(json: &str) -> Result<CourseSnapshot, ServiceError> {
    CourseSnapshot::from_json(json).map_err(|_| ServiceError::Invalid("revision"))
}

/// Sanitises a reason and checks what it says; the stored HTML. Text typed without markup keeps
/// its paragraphs and line breaks.
fn clean_reason(typed: &str) -> Result<String, ServiceError> {
    let html = if typed.contains('<') {
        typed.to_owned()
    } else {
        typed
            .split("\n\n")
            .map(|paragraph| {
                let escaped = paragraph
                    .trim()
                    .replace('&', "&amp;")
                    .replace('>', "&gt;")
                    .replace('\n', "<br>");
                format!("<p>{escaped}</p>")
            })
            .collect()
    };
    let clean = richtext::clean(&html);
    review::check_reason(&clean.text).map_err(|e| refused(ReviewProblem::Reason(e)))?;
    Ok(clean.html)
}

impl Services {
    /// Revisions waiting for review, oldest first, with what each changes (reviewers and admins).
    pub async fn review_queue(&self, me: &CurrentSession) -> Result<Vec<QueueItem>, ServiceError> {
        if !can_review_courses(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let mut items = Vec::new();
        let now = now_millis();
        for mut entry in self.store().review_queue(QUEUE_LIMIT).await? {
            lapse(&mut entry, now);
            let Some(found) = self
                .store()
                .revision_for_review(entry.course, entry.number)
                .await?
            else {
                continue;
            };
            let next = snapshot(&found.snapshot)?;
            let live = found.live_snapshot.as_deref().map(snapshot).transpose()?;
            items.push(QueueItem {
                title: next.settings.title.clone(),
                size: diff_revisions(live.as_ref(), &next).size,
                entry,
            });
        }
        Ok(items)
    }

    /// A submitted revision with its diff against the live one. Reviewers see any course but
    /// their own; not found for anyone else.
    pub async fn review_page(
        &self,
        me: &CurrentSession,
        course: CourseId,
        number: i64,
    ) -> Result<ReviewPage, ServiceError> {
        if !can_review_courses(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let found = self
            .store()
            .revision_for_review(course, number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !review::can_review(Some(&me.actor), found.entry.author) {
            return Err(refused(ReviewProblem::OwnCourse));
        }
        let revision = snapshot(&found.snapshot)?;
        let live = found.live_snapshot.as_deref().map(snapshot).transpose()?;
        let mut entry = found.entry;
        lapse(&mut entry, now_millis());
        Ok(ReviewPage {
            diff: diff_revisions(live.as_ref(), &revision),
            entry,
            revision,
            decision: found.decision,
            reason: found.reason,
            state: found.state,
        })
    }

    /// Claims a waiting revision for `me` (or renews `me`'s claim), so other reviewers see it
    /// is taken.
    pub async fn claim_review(
        &self,
        me: &CurrentSession,
        course: CourseId,
        number: i64,
    ) -> Result<(), ServiceError> {
        let page = self.review_page(me, course, number).await?;
        if page.decision.is_some() {
            return Err(refused(ReviewProblem::Decided));
        }
        let now = now_millis();
        let claim = review::claim(page.entry.claim, me.actor.id, now)
            .map_err(|_| claimed_by(&page.entry))?;
        let mut tx = self.store().begin().await?;
        if !tx.claim_revision(course, number, claim, now).await? {
            return Err(claimed_by(&page.entry));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Approves (publishing it) or sends back (with `reason_html`, required) a waiting revision.
    pub async fn decide_review(
        &self,
        me: &CurrentSession,
        course: CourseId,
        number: i64,
        decision: Decision,
        reason_html: &str,
        client: &Client,
    ) -> Result<(), ServiceError> {
        let page = self.review_page(me, course, number).await?;
        if page.decision.is_some() {
            return Err(refused(ReviewProblem::Decided));
        }
        let now = now_millis();
        review::may_decide(page.entry.claim, me.actor.id, now)
            .map_err(|_| claimed_by(&page.entry))?;
        review::decide(page.state, decision).map_err(ServiceError::Transition)?;
        let mut tx = self.store().begin().await?;
        match decision {
            Decision::Approve => {
                self.approve_in(&mut tx, me.actor.id, course, number, now)
                    .await?;
            }
            Decision::RequestChanges => {
                let reason = clean_reason(reason_html)?;
                if !tx
                    .request_changes(course, number, me.actor.id, &reason, now)
                    .await?
                {
                    return Err(refused(ReviewProblem::Decided));
                }
                let notice = Notice::ChangesRequested {
                    course,
                    title: page.revision.settings.title.clone(),
                    number,
                };
                tx.notify(page.entry.author, &notice, now).await?;
            }
        }
        audit(
            &mut tx,
            match decision {
                Decision::Approve => "course_published",
                Decision::RequestChanges => "review_changes_requested",
            },
            Some(me.actor.id),
            Some(page.entry.author),
            client,
            &format!("{course} r{number}"),
        )
        .await?;
        tx.announce(&store::Change::Notifications).await?;
        tx.commit().await?;
        self.bell().wake();
        Ok(())
    }

    /// Publishes revision `number` as part of `tx`: the live course, the author's notice, the
    /// fan-out to owners (an update) or followers (a first publication) and the search outbox.
    /// Refused if the revision was decided meanwhile.
    pub(crate) async fn approve_in(
        &self,
        tx: &mut Tx,
        by: UserId,
        course: CourseId,
        number: i64,
        now: i64,
    ) -> Result<(), ServiceError> {
        let found = self
            .store()
            .revision_for_review(course, number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let next = snapshot(&found.snapshot)?;
        let live = found.live_snapshot.as_deref().map(snapshot).transpose()?;
        if !tx.publish_revision(course, number, &next, by, now).await? {
            return Err(refused(ReviewProblem::Decided));
        }
        let title = next.settings.title.clone();
        let slug = next.settings.slug.to_string();
        tx.notify(
            found.entry.author,
            &Notice::Approved {
                course,
                title: title.clone(),
                number,
            },
            now,
        )
        .await?;
        match live {
            Some(live) => {
                let notice = Notice::CourseUpdated {
                    slug,
                    title,
                    new_lessons: new_lessons(Some(&live), &next),
                };
                tx.queue_fanout(Audience::Owners(course), &notice, now)
                    .await?;
            }
            None => {
                let notice = Notice::NewCourse {
                    slug,
                    title,
                    author: found.entry.author_name.clone(),
                };
                tx.queue_fanout(Audience::Followers(found.entry.author), &notice, now)
                    .await?;
            }
        }
        tx.enqueue_search(course, "published", now).await?;
        Ok(())
    }

    /// Takes a listed course off the catalog (admins), with a reason its author reads. Owners
    /// keep their access.
    pub async fn unpublish_course(
        &self,
        me: &CurrentSession,
        course: CourseId,
        reason_html: &str,
        client: &Client,
    ) -> Result<(), ServiceError> {
        self.set_listing(me, course, Some(reason_html), client)
            .await
    }

    /// Puts an unpublished course back in the catalog (admins).
    pub async fn republish_course(
        &self,
        me: &CurrentSession,
        course: CourseId,
        client: &Client,
    ) -> Result<(), ServiceError> {
        self.set_listing(me, course, None, client).await
    }

    async fn set_listing(
        &self,
        me: &CurrentSession,
        course: CourseId,
        unpublish_reason: Option<&str>,
        client: &Client,
    ) -> Result<(), ServiceError> {
        if !review::can_unpublish(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let (author, listed, state, title) = self
            .store()
            .course_standing(course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = now_millis();
        let mut tx = self.store().begin().await?;
        let (event, notice) = match unpublish_reason {
            Some(reason_html) => {
                review::unpublish(listed).map_err(|e| refused(ReviewProblem::Listing(e)))?;
                let reason = clean_reason(reason_html)?;
                if !tx.unpublish_course(course, &reason, now).await? {
                    return Err(refused(ReviewProblem::Listing(
                        review::ListingError::NotListed,
                    )));
                }
                ("course_unpublished", Notice::Unpublished { course, title })
            }
            None => {
                review::republish(state).map_err(|e| refused(ReviewProblem::Listing(e)))?;
                if !tx.republish_course(course, now).await? {
                    return Err(refused(ReviewProblem::Listing(
                        review::ListingError::NotUnpublished,
                    )));
                }
                ("course_republished", Notice::Republished { course, title })
            }
        };
        tx.notify(author, &notice, now).await?;
        tx.enqueue_search(course, event, now).await?;
        audit(
            &mut tx,
            event,
            Some(me.actor.id),
            Some(author),
            client,
            &course.to_string(),
        )
        .await?;
        tx.announce(&store::Change::Notifications).await?;
        tx.commit().await?;
        self.bell().wake();
        Ok(())
    }
}

/// Forgets a claim that has run out, so pages show only live ones.
fn lapse(entry: &mut QueueEntry, now: i64) {
    if entry.claim.is_some_and(|c| c.until <= now) {
        entry.claim = None;
        entry.claimed_by_name = None;
    }
}

fn claimed_by(entry: &QueueEntry) -> ServiceError {
    refused(ReviewProblem::Claimed(
        entry.claimed_by_name.clone().unwrap_or_default(),
    ))
}
