use crate::AppError;
use domain::LessonId;
use leptos::prelude::*;

/// One progress report from the lesson player (also sent with `navigator.sendBeacon` when the
/// page is left): `kind` is `played` (with `position_ms` of `duration_ms`), `read` (the article
/// was read to its end) or `manual` (with `done`). `at` is when the browser made the report, in
/// Unix milliseconds (a form without JavaScript leaves it out: then it is now); reports merge by
/// it, so late or repeated ones change nothing.
#[server(endpoint = "progress")]
pub async fn report_progress(
    slug: String,
    lesson: LessonId,
    kind: String,
    #[server(default)] position_ms: u64,
    #[server(default)] duration_ms: u64,
    #[server(default)] done: bool,
    #[server(default)] at: Option<i64>,
) -> Result<(), AppError> {
    use domain::progress::Report;
    let me = crate::auth::require_session()?;
    let report = match kind.as_str() {
        "played" => Report::Played {
            position_ms,
            duration_ms,
        },
        "read" => Report::ReadToEnd,
        "manual" => Report::Manual { done },
        _ => {
            crate::error::set_status(http::StatusCode::BAD_REQUEST);
            return Err(AppError::BadRequest);
        }
    };
    super::super::services()?
        .report_progress(&me.actor, &slug, lesson, report, at.unwrap_or(i64::MAX))
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}
