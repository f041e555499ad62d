//! Running the platform: creating the first administrator.

use crate::{ServiceError, Services};
use domain::{Email, Role, UserId};
use store::NewUser;

/// Makes `email` an administrator: creates the account, or promotes it if it exists.
/// Running it twice is harmless.
pub async fn create_admin(
    services: &Services,
    email: &str,
    display_name: &str,
) -> Result<UserId, ServiceError> {
    let email = Email::parse(email).map_err(|_| ServiceError::Invalid("email"))?;
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 64 {
        return Err(ServiceError::Invalid("display_name"));
    }
    let store = services.store();
    if let Some((id, _)) = store.user_by_email(&email).await? {
        store.set_user_role(id, Role::Admin).await?;
        return Ok(id);
    }
    Ok(store
        .create_user(&NewUser {
            email,
            display_name: display_name.to_owned(),
            role: Role::Admin,
        })
        .await?)
}
