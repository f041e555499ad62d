use crate::AppError;
use leptos::prelude::*;

/// Signs out: deletes the session on the server and the cookie in the browser.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let services = super::super::services()?;
    if let Some(token) = crate::auth::session_token() {
        services
            .logout(&token, &crate::auth::client())
            .await
            .map_err(AppError::from_service)?;
    }
    crate::auth::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}
