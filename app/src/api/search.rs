use crate::AppError;
use domain::CourseCard;
use leptos::prelude::*;

/// Published courses matching a query.
#[server(endpoint = "search")]
pub async fn search(query: String) -> Result<Vec<CourseCard>, AppError> {
    super::services()?
        .search(&query)
        .await
        .map_err(AppError::from_service)
}
