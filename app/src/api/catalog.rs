use crate::AppError;
use domain::CatalogPage;
use domain::browse::CatalogQuery;
use leptos::prelude::*;

/// One page of the published catalog for `query` (its filters, order and cursor, as read from
/// the page's URL).
#[server(endpoint = "browse", input = leptos::server_fn::codec::Json)]
pub async fn browse(query: CatalogQuery) -> Result<CatalogPage, AppError> {
    super::services()?
        .browse(&query)
        .await
        .map_err(AppError::from_service)
}
