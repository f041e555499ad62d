use crate::AppError;
use crate::api::types::Me;
use leptos::prelude::*;

/// The signed-in person, with their unread notification count, or `None`.
#[server(endpoint = "me")]
pub async fn who_am_i() -> Result<Option<Me>, AppError> {
    let Some(session) = crate::auth::current_session() else {
        return Ok(None);
    };
    let unread = super::super::services()?
        .unread_count(&session)
        .await
        .map_err(AppError::from_service)?;
    Ok(Some(Me {
        id: session.actor.id,
        display_name: session.display_name,
        role: session.actor.role,
        unread,
    }))
}
