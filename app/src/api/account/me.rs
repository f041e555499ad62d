use crate::AppError;
use crate::api::types::Me;
use leptos::prelude::*;

/// The signed-in person, or `None`.
#[server(endpoint = "me")]
pub async fn who_am_i() -> Result<Option<Me>, AppError> {
    Ok(crate::auth::current_session().map(|session| Me {
        id: session.actor.id,
        display_name: session.display_name,
        role: session.actor.role,
    }))
}
