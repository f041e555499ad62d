use crate::AppError;
use leptos::prelude::*;

/// Changes the password (asking for the current one) and signs out every other browser.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .change_password(&me, &current, &new_password, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
