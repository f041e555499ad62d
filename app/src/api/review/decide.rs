use crate::AppError;
use domain::CourseId;
use leptos::prelude::*;

/// Approves a waiting revision (`decision` = `approve`), publishing it, or sends it back
/// (`changes`) with a reason the author reads.
#[server(endpoint = "review_decide")]
pub async fn review_decide(
    course: CourseId,
    number: i64,
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let decision = match decision.as_str() {
        "approve" => domain::review::Decision::Approve,
        "changes" => domain::review::Decision::RequestChanges,
        _ => {
            crate::error::set_status(http::StatusCode::BAD_REQUEST);
            return Err(AppError::BadRequest);
        }
    };
    super::super::services()?
        .decide_review(
            &me,
            course,
            number,
            decision,
            &reason,
            &crate::auth::client(),
        )
        .await
        .map_err(AppError::from_service)
}
