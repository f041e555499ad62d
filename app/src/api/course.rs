use crate::AppError;
use domain::CourseDetail;
use leptos::prelude::*;

/// A published course with its outline.
#[server(endpoint = "course")]
pub async fn course(slug: String) -> Result<CourseDetail, AppError> {
    super::services()?
        .course(&slug)
        .await
        .map_err(AppError::from_service)
}
