use crate::AppError;
use domain::CourseId;
use leptos::prelude::*;

/// Claims a waiting revision, so other reviewers see someone is on it.
#[server(endpoint = "review_claim")]
pub async fn review_claim(course: CourseId, number: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .claim_review(&me, course, number)
        .await
        .map_err(AppError::from_service)
}
