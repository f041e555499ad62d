use crate::AppError;
use crate::api::types::ReviewPageView;
use domain::CourseId;
use leptos::prelude::*;

/// A submitted revision, whole, with its diff against what is live.
#[server(endpoint = "review_page")]
pub async fn review_page(course: CourseId, number: i64) -> Result<ReviewPageView, AppError> {
    let me = crate::auth::require_session()?;
    let page = super::super::services()?
        .review_page(&me, course, number)
        .await
        .map_err(AppError::from_service)?;
    let held = page.entry.claim;
    Ok(ReviewPageView {
        course,
        number,
        author: page.entry.author_name,
        submitted: domain::time::format_utc(page.entry.submitted_at),
        is_update: page.entry.live_revision.is_some(),
        claimed_by: page.entry.claimed_by_name,
        claimed_by_me: held.is_some_and(|c| c.by == me.actor.id),
        decision: page.decision,
        reason: page.reason,
        diff: page.diff,
        revision: page.revision,
    })
}
