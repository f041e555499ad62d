use crate::AppError;
use leptos::prelude::*;

/// Sets a new password with a mailed token, then goes to the sign-in page.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    super::super::services()?
        .reset_password(&token, &new_password, &crate::auth::client())
        .await
        .map_err(AppError::from_service)?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}
