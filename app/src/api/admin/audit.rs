use crate::AppError;
use crate::api::types::{AuditPage, AuditQuery};
use leptos::prelude::*;

/// A page of security events, filtered (admins only). Malformed filters are refused with 400.
#[server(endpoint = "admin_audit")]
pub async fn admin_audit(#[server(default)] query: AuditQuery) -> Result<AuditPage, AppError> {
    let me = crate::auth::require_session()?;
    let filter = audit_filter(&query)?;
    let (records, next_before) = super::super::services()?
        .audit_log(&me, &filter)
        .await
        .map_err(AppError::from_service)?;
    Ok(AuditPage {
        entries: records
            .into_iter()
            .map(|r| crate::api::types::AuditView {
                at: domain::time::format_utc(r.at),
                event: r.event,
                actor: r.actor,
                subject: r.subject,
                ip: r.ip,
                detail: r.detail,
            })
            .collect(),
        next_before,
    })
}

/// The store's filter for what the form sent; empty fields filter nothing.
#[cfg(feature = "ssr")]
fn audit_filter(query: &AuditQuery) -> Result<services::AuditFilter, AppError> {
    let text = |value: &str| {
        let value = value.trim();
        (!value.is_empty()).then(|| value.chars().take(200).collect::<String>())
    };
    let invalid = |field: &str| {
        crate::error::set_status(http::StatusCode::BAD_REQUEST);
        AppError::Invalid(field.to_owned())
    };
    let date = |value: &str, field: &str| match text(value) {
        None => Ok(None),
        Some(day) => domain::time::parse_date_utc(&day)
            .map(Some)
            .ok_or_else(|| invalid(field)),
    };
    let user = match text(&query.user) {
        None => None,
        Some(id) => Some(domain::UserId::new(
            id.parse().map_err(|_| invalid("user"))?,
        )),
    };
    Ok(services::AuditFilter {
        event: text(&query.event),
        user,
        ip: text(&query.ip),
        from: date(&query.from, "date")?,
        // The whole of the last day counts.
        until: date(&query.until, "date")?.map(|start| start + 86_400_000),
        before: query.before,
    })
}
