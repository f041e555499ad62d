//! Server functions of buying: the price with a coupon, checkout, the buyer's orders and receipts,
//! refunds, and the sandbox provider's pay page.

use crate::AppError;
use domain::order::{OrderView, Quote, Receipt, SandboxSession};
use leptos::prelude::*;

/// What the visitor would pay for course `slug` with coupon `coupon` (empty: none).
#[server(endpoint = "quote")]
pub async fn quote_price(
    slug: String,
    #[server(default)] coupon: String,
) -> Result<Quote, AppError> {
    let me = crate::auth::current_session();
    super::services()?
        .quote_for(me.as_ref().map(|me| &me.actor), &slug, Some(&coupon))
        .await
        .map_err(AppError::from_service)
}

/// Starts buying course `slug` and sends the buyer to the provider's page. `key` is made when
/// the Buy button is rendered, so a double click or a resent form returns the first order.
#[server(endpoint = "buy")]
pub async fn buy(
    slug: String,
    #[server(default)] coupon: String,
    key: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let checkout = super::services()?
        .checkout(
            &me.actor,
            &slug,
            Some(&coupon),
            &key,
            crate::auth::request_lang(),
        )
        .await
        .map_err(AppError::from_service)?;
    leptos_axum::redirect(&checkout.pay_url);
    Ok(())
}

/// The signed-in buyer's orders, newest first.
#[server(endpoint = "orders")]
pub async fn my_orders() -> Result<Vec<OrderView>, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .my_orders(&me.actor)
        .await
        .map_err(AppError::from_service)
}

/// One of the buyer's orders, settled with the provider first while it waits for payment.
#[server(endpoint = "order")]
pub async fn my_order(id: i64) -> Result<OrderView, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .my_order(&me.actor, domain::OrderId::new(id))
        .await
        .map_err(AppError::from_service)
}

/// The receipt of one of the buyer's paid orders.
#[server(endpoint = "receipt")]
pub async fn order_receipt(id: i64) -> Result<Receipt, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .receipt(&me.actor, domain::OrderId::new(id))
        .await
        .map_err(AppError::from_service)
}

/// Refunds the buyer's order `order` in full, when the course's refund rules allow it; access
/// ends at once.
#[server(endpoint = "refund")]
pub async fn request_refund(order: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .request_refund(&me.actor, domain::OrderId::new(order))
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}

/// The sandbox provider's pay page of session `id`.
#[server(endpoint = "sandbox_session")]
pub async fn sandbox_page(id: String) -> Result<SandboxSession, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .sandbox_session(&me.actor, &crate::auth::client(), &id)
        .await
        .map_err(AppError::from_service)
}

/// The tester's choice on the sandbox pay page (`pay`, `fail` or `cancel`); sends the buyer
/// back to Lore as the provider would.
#[server(endpoint = "sandbox_choose")]
pub async fn sandbox_choose(session: String, choice: String) -> Result<(), AppError> {
    use services::sandbox::Outcome;
    let me = crate::auth::require_session()?;
    let outcome = match choice.as_str() {
        "pay" => Outcome::Pay,
        "fail" => Outcome::Fail,
        "cancel" => Outcome::Cancel,
        _ => {
            crate::error::set_status(http::StatusCode::BAD_REQUEST);
            return Err(AppError::Invalid("choice".to_owned()));
        }
    };
    let next = super::services()?
        .sandbox_choose(&me.actor, &crate::auth::client(), &session, outcome)
        .await
        .map_err(AppError::from_service)?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// The signed-in author's (or, for an admin, the platform's) coupons.
#[server(endpoint = "coupons")]
pub async fn coupons() -> Result<domain::coupon::CouponsPage, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .coupons_page(&me.actor)
        .await
        .map_err(AppError::from_service)
}

/// Makes a coupon from the coupon form; `course` empty: all the author's courses (or, for an
/// admin, every course).
#[server(endpoint = "create_coupon")]
pub async fn create_coupon(
    code: String,
    kind: String,
    amount: String,
    #[server(default)] currency: String,
    #[server(default)] until: String,
    #[server(default)] max_redemptions: String,
    #[server(default)] course: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let course = match course.trim() {
        "" => None,
        id => Some(domain::CourseId::new(id.parse().map_err(|_| {
            crate::error::set_status(http::StatusCode::BAD_REQUEST);
            AppError::Invalid("course".to_owned())
        })?)),
    };
    let form = domain::coupon::CouponForm {
        code,
        kind,
        amount,
        currency,
        until,
        max_redemptions,
    };
    super::services()?
        .create_coupon(&me.actor, &form, course)
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}

/// Ends one of the maker's coupons now.
#[server(endpoint = "end_coupon")]
pub async fn end_coupon(id: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .end_coupon(&me.actor, domain::CouponId::new(id))
        .await
        .map_err(AppError::from_service)
}

/// The signed-in author's earnings: totals per currency and the last 90 days.
#[server(endpoint = "earnings")]
pub async fn earnings() -> Result<domain::earnings::Earnings, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .earnings(&me.actor)
        .await
        .map_err(AppError::from_service)
}
