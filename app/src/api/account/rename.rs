use crate::AppError;
use leptos::prelude::*;

/// Changes the name shown to others.
#[server(endpoint = "rename")]
pub async fn rename(display_name: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .rename(&me, &display_name)
        .await
        .map_err(AppError::from_service)
}
