use crate::AppError;
use leptos::prelude::*;

/// Signs one of the person's browsers out.
#[server(endpoint = "end_session")]
pub async fn end_session(id: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .end_session(&me, id, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}
