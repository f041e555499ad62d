use crate::AppError;
use domain::{LessonId, LessonView};
use leptos::prelude::*;

/// A lesson of a published course, placed in its course and locked unless the signed-in person
/// (if any) may read it.
#[server(endpoint = "lesson")]
pub async fn lesson(slug: String, lesson: LessonId) -> Result<LessonView, AppError> {
    let me = crate::auth::current_session();
    super::services()?
        .lesson(me.as_ref().map(|me| &me.actor), &slug, lesson)
        .await
        .map_err(AppError::from_service)
}
