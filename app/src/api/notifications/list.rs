use crate::AppError;
use crate::api::types::NotificationsView;
use leptos::prelude::*;

/// A page of the reader's notifications, newest first, with their delivery preferences.
#[server(endpoint = "notifications")]
pub async fn notifications(before: Option<i64>) -> Result<NotificationsView, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::super::services()?;
    let page = services
        .notifications(&me, before)
        .await
        .map_err(AppError::from_service)?;
    let prefs = services
        .delivery_prefs(&me)
        .await
        .map_err(AppError::from_service)?;
    Ok(NotificationsView {
        items: page
            .items
            .into_iter()
            .map(|n| crate::api::types::NotificationView {
                id: n.id,
                link: n.notice.link(),
                notice: n.notice,
                at: domain::time::format_utc(n.created_at),
                read: n.read,
            })
            .collect(),
        next_before: page.next_before,
        unread: page.unread,
        prefs,
    })
}
