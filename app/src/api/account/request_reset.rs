use crate::AppError;
use leptos::prelude::*;

/// Mails a password-reset link (the answer is the same whether the address has an account).
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    super::super::services()?
        .request_password_reset(&email, crate::auth::request_lang(), &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
