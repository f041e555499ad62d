use crate::AppError;
use domain::{LessonId, LessonView};
use leptos::prelude::*;

/// A lesson of a published course, placed in its course.
#[server(endpoint = "lesson")]
pub async fn lesson(slug: String, lesson: LessonId) -> Result<LessonView, AppError> {
    super::services()?
        .lesson(&slug, lesson)
        .await
        .map_err(AppError::from_service)
}
