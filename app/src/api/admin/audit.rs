use crate::AppError;
use crate::api::types::AuditView;
use leptos::prelude::*;

/// The newest security events (admins only).
#[server(endpoint = "admin_audit")]
pub async fn admin_audit() -> Result<Vec<AuditView>, AppError> {
    let me = crate::auth::require_session()?;
    let records = super::super::services()?
        .audit_log(&me)
        .await
        .map_err(AppError::from_service)?;
    Ok(records
        .into_iter()
        .map(|r| AuditView {
            at: domain::time::format_utc(r.at),
            event: r.event,
            actor: r.actor,
            subject: r.subject,
            ip: r.ip,
            detail: r.detail,
        })
        .collect())
}
