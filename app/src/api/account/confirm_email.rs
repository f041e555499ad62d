use crate::AppError;
use leptos::prelude::*;

/// Confirms a new email address with the mailed token.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    super::super::services()?
        .confirm_email_change(&token, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
