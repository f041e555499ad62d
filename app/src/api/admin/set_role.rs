use crate::AppError;
use domain::UserId;
use leptos::prelude::*;

/// Gives an account a role (admins only).
#[server(endpoint = "admin_set_role")]
pub async fn admin_set_role(user: UserId, role: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let role = domain::Role::parse(&role)
        .ok_or_else(|| AppError::from_service(services::ServiceError::Invalid("role")))?;
    super::super::services()?
        .set_role(&me, user, role, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
