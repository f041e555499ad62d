use crate::AppError;
use leptos::prelude::*;

/// Starts an email change: asks for the password, mails a link to the new address.
#[server(endpoint = "request_email_change")]
pub async fn request_email_change(password: String, new_email: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .request_email_change(
            &me,
            &password,
            &new_email,
            crate::auth::request_lang(),
            &crate::auth::client(),
        )
        .await
        .map_err(AppError::from_service)
}
