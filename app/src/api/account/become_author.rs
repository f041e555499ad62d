use crate::AppError;
use leptos::prelude::*;

/// A learner accepts the author terms and becomes an author.
#[server(endpoint = "become_author")]
pub async fn become_author(accept_terms: Option<String>) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .become_author(&me, accept_terms.is_some(), &crate::auth::client())
        .await
        .map_err(AppError::from_service)?;
    leptos_axum::redirect("/account");
    Ok(())
}
