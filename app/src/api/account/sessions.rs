use crate::AppError;
use crate::api::types::SessionView;
use leptos::prelude::*;

/// The signed-in person's browsers, the current one marked.
#[server(endpoint = "sessions")]
pub async fn sessions() -> Result<Vec<SessionView>, AppError> {
    let me = crate::auth::require_session()?;
    let sessions = super::super::services()?
        .sessions(&me)
        .await
        .map_err(AppError::from_service)?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionView {
            current: s.id == me.session_id,
            id: s.id,
            device: s.user_agent,
            ip: s.ip,
            last_seen: domain::time::format_utc(s.last_seen_at),
        })
        .collect())
}
