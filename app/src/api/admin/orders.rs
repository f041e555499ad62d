use crate::AppError;
use domain::order::AdminOrders;
use leptos::prelude::*;

/// The newest orders (filtered by `q`, a buyer's address or a course title) and the provider
/// events that failed to apply (admins only).
#[server(endpoint = "admin_orders")]
pub async fn admin_order_list(#[server(default)] q: String) -> Result<AdminOrders, AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .admin_orders(&me.actor, &q)
        .await
        .map_err(AppError::from_service)
}

/// Refunds `amount` (in the order's currency) of order `order`: any part of what is left, at
/// any time (admins only). Access ends when nothing is left.
#[server(endpoint = "admin_refund")]
pub async fn admin_refund(order: i64, amount: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .refund_typed(&me.actor, domain::OrderId::new(order), &amount)
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}

/// Applies a failed provider event again now (admins only).
#[server(endpoint = "admin_retry_event")]
pub async fn admin_retry_event(id: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .retry_event_now(&me.actor, id)
        .await
        .map_err(AppError::from_service)
}
