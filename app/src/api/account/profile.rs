use crate::AppError;
use crate::api::types::AccountView;
use leptos::prelude::*;

/// The signed-in person's profile.
#[server(endpoint = "account")]
pub async fn account() -> Result<AccountView, AppError> {
    let me = crate::auth::require_session()?;
    let record = super::super::services()?
        .account(&me)
        .await
        .map_err(AppError::from_service)?;
    Ok(AccountView {
        id: record.id,
        email: record.email,
        display_name: record.display_name,
        role: record.role,
        has_avatar: record.has_avatar,
    })
}
