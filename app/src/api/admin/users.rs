use crate::AppError;
use crate::api::types::UserView;
use leptos::prelude::*;

/// Accounts matching a search, for admins.
#[server(endpoint = "admin_users")]
pub async fn admin_users(query: String) -> Result<Vec<UserView>, AppError> {
    let me = crate::auth::require_session()?;
    let users = super::super::services()?
        .find_users(&me, &query)
        .await
        .map_err(AppError::from_service)?;
    Ok(users
        .into_iter()
        .map(|u| UserView {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            disabled: u.disabled,
            created: domain::time::format_utc(u.created_at),
        })
        .collect())
}
