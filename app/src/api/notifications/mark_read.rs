use crate::AppError;
use leptos::prelude::*;

/// Marks one notification read, or all of them (no `id`).
#[server(endpoint = "mark_read")]
pub async fn mark_read(#[server(default)] id: Option<i64>) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .mark_read(&me, id)
        .await
        .map_err(AppError::from_service)
}
