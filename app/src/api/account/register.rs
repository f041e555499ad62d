use crate::AppError;
use leptos::prelude::*;

/// Creates an account, signs it in and goes to the home page.
#[server(endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    let services = super::super::services()?;
    let signed_in = services
        .register(&email, &display_name, &password, &crate::auth::client())
        .await
        .map_err(AppError::from_service)?;
    // The language they use now is the one later mail (digests) is written in. Only a
    // preference: failing to note it must not fail a sign-in that has happened.
    if let Err(err) = services
        .remember_lang(signed_in.user, crate::auth::request_lang())
        .await
    {
        tracing::warn!(error = %services::cause_chain(&err), "language not remembered");
    }
    crate::auth::set_session_cookie(&signed_in.token);
    leptos_axum::redirect("/");
    Ok(())
}
