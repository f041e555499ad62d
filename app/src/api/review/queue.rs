use crate::AppError;
use crate::api::types::ReviewQueueView;
use leptos::prelude::*;

/// The revisions waiting for review, oldest first.
#[server(endpoint = "review_queue")]
pub async fn review_queue() -> Result<ReviewQueueView, AppError> {
    let me = crate::auth::require_session()?;
    let items = super::super::services()?
        .review_queue(&me)
        .await
        .map_err(AppError::from_service)?;
    Ok(ReviewQueueView {
        items: items
            .into_iter()
            .map(|item| {
                let held = item.entry.claim;
                crate::api::types::QueueItemView {
                    course: item.entry.course,
                    number: item.entry.number,
                    title: item.title,
                    author: item.entry.author_name,
                    submitted: domain::time::format_utc(item.entry.submitted_at),
                    is_update: item.entry.live_revision.is_some(),
                    size: item.size,
                    claimed_by: item.entry.claimed_by_name,
                    claimed_by_me: held.is_some_and(|c| c.by == me.actor.id),
                    own: item.entry.author == me.actor.id,
                }
            })
            .collect(),
        can_unpublish: domain::review::can_unpublish(Some(&me.actor)),
    })
}
