//! The session layer: finds who a request comes from before any page or server function runs.

use crate::client_ip::TrustedProxies;
use app::auth::{SessionCookie, SessionToken};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use services::{Client, Services};
use std::net::SocketAddr;
use std::sync::Arc;

/// What the session layer needs.
#[derive(Clone)]
pub struct SessionLayerState {
    /// To look sessions up.
    pub services: Services,
    /// The cookie's name.
    pub cookie: SessionCookie,
    /// Whose forwarding headers name the client.
    pub proxies: Arc<TrustedProxies>,
}

/// Puts the [`Client`], the [`SessionToken`] and, when the session is live, the
/// [`services::CurrentSession`] into the request's extensions. Static assets skip the lookup.
pub async fn session_layer(
    State(state): State<SessionLayerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz" {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| {
            state
                .proxies
                .client_ip(info.0.ip(), request.headers())
                .to_string()
        })
        .unwrap_or_default();
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(256)
        .collect();
    let token = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookies| state.cookie.read(cookies).map(str::to_owned));
    if let Some(token) = token {
        match state.services.authenticate(&token).await {
            Ok(Some(session)) => {
                request.extensions_mut().insert(session);
            }
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(error = %services::cause_chain(&err), "session lookup failed; treating as signed out")
            }
        }
        request.extensions_mut().insert(SessionToken(token));
    }
    request.extensions_mut().insert(Client { ip, user_agent });
    next.run(request).await
}
