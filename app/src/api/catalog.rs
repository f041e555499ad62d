use crate::AppError;
use domain::CatalogPage;
use leptos::prelude::*;

/// One page of the published catalog.
#[server(endpoint = "catalog")]
pub async fn catalog(category: Option<String>, page: u32) -> Result<CatalogPage, AppError> {
    super::services()?
        .catalog(category.as_deref(), page)
        .await
        .map_err(AppError::from_service)
}
