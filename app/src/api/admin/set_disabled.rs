use crate::AppError;
use domain::UserId;
use leptos::prelude::*;

/// Disables an account, signing it out everywhere at once, or enables it again (admins only).
#[server(endpoint = "admin_set_disabled")]
pub async fn admin_set_disabled(user: UserId, disabled: bool) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .set_disabled(&me, user, disabled, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
