use crate::AppError;
use leptos::prelude::*;

/// Signs in with a new session (any session cookie sent along is replaced, never reused) and goes to
/// `next` (a local path) or the home page.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let services = super::super::services()?;
    let client = crate::auth::client();
    let signed_in = services
        .login(&email, &password, &client)
        .await
        .map_err(AppError::from_service)?;
    if let Some(old) = crate::auth::session_token() {
        services
            .logout(&old, &client)
            .await
            .map_err(AppError::from_service)?;
    }
    // The language they use now is the one later mail (digests) is written in. Only a
    // preference: failing to note it must not fail a sign-in that has happened.
    if let Err(err) = services
        .remember_lang(signed_in.user, crate::auth::request_lang())
        .await
    {
        tracing::warn!(error = %services::cause_chain(&err), "language not remembered");
    }
    crate::auth::set_session_cookie(&signed_in.token);
    leptos_axum::redirect(&crate::auth::safe_next(next.as_deref()));
    Ok(())
}
