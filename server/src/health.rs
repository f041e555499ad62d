//! Health checks for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use services::Services;
use std::time::Duration;

/// `GET /healthz`: the process is up and answering. Touches nothing else, so a slow database never
/// gets a healthy process restarted.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers within two seconds and every migration is applied; only then
/// should traffic come here.
pub async fn readyz(State(services): State<Services>) -> (StatusCode, &'static str) {
    let check = tokio::time::timeout(Duration::from_secs(2), services.store().is_ready()).await;
    match check {
        Ok(Ok(true)) => (StatusCode::OK, "ready"),
        Ok(Ok(false)) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Ok(Err(err)) => {
            tracing::warn!(error = %services::cause_chain(&err), "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timed out"),
    }
}
