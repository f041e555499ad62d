use crate::AppError;
use domain::HomePage;
use leptos::prelude::*;

/// The home page: categories and the newest courses, optionally of one category.
#[server(endpoint = "home")]
pub async fn home(category: Option<String>) -> Result<HomePage, AppError> {
    super::services()?
        .home(category.as_deref())
        .await
        .map_err(AppError::from_service)
}
