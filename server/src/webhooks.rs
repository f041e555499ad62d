//! `POST /webhooks/{provider}`: where payment providers deliver their signed events.
//!
//! A thin adapter: the raw body (the signature covers its exact bytes, so it is never parsed and
//! re-serialised first) and the signature header go to `Services::receive_payment_event`. The
//! answers follow what providers expect: 200 once the event is filed (a repeat too), 400 for a
//! signature or body Lore refuses (SECURITY-TESTS 16: nothing is written), 503 when Lore could
//! not file it, which makes the provider deliver it again later.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use services::{ServiceError, Services, cause_chain};

/// `POST /webhooks/{provider}`.
pub async fn webhook(
    State(services): State<Services>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if provider != services.payments().provider.name() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let signature = headers
        .get(payments::signature::HEADER)
        .and_then(|value| value.to_str().ok());
    match services.receive_payment_event(&body, signature).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(ServiceError::Webhook(err)) => {
            tracing::warn!(%provider, error = %err, "payment event refused");
            (StatusCode::BAD_REQUEST, "refused").into_response()
        }
        Err(err) => {
            tracing::error!(%provider, error = %cause_chain(&err), "payment event not filed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}
