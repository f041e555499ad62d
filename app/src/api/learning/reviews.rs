use crate::AppError;
use leptos::prelude::*;

/// Writes or rewrites the learner's review of course `slug`: 1–5 stars and optional text.
#[server(endpoint = "save_review")]
pub async fn save_review(
    slug: String,
    stars: i64,
    #[server(default)] body: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .save_review(&me.actor, &slug, stars, &body)
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}

/// The course author's one reply to review `review`.
#[server(endpoint = "reply_review")]
pub async fn reply_review(review: i64, #[server(default)] text: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .reply_to_review(&me.actor, domain::ReviewId::new(review), &text)
        .await
        .map_err(AppError::from_service)
}

/// Sends review `review` to the moderators.
#[server(endpoint = "report_review")]
pub async fn report_review(review: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .report_review(&me.actor, domain::ReviewId::new(review), &reason)
        .await
        .map_err(AppError::from_service)
}

/// Reviews waiting for a moderator, and hidden ones (admins).
#[server(endpoint = "moderation_queue")]
pub async fn review_reports() -> Result<domain::rating::ModerationQueue, AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .moderation_queue(&me.actor)
        .await
        .map_err(AppError::from_service)
}

/// Hides review `review` (`hide` = true) or keeps it shown (admins).
#[server(endpoint = "moderate_review")]
pub async fn moderate_review(review: i64, #[server(default)] hide: bool) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .moderate_review(&me.actor, domain::ReviewId::new(review), hide)
        .await
        .map_err(AppError::from_service)
}
