use crate::AppError;
use leptos::prelude::*;

/// Signs out everywhere, this browser included.
#[server(endpoint = "end_all_sessions")]
pub async fn end_all_sessions() -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .end_all_sessions(&me, &crate::auth::client())
        .await
        .map_err(AppError::from_service)?;
    crate::auth::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}
