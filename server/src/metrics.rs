//! Prometheus metrics: request counts and latency by route pattern and method.
//!
//! `/metrics` is never on the public port: it is served on its own listener (`LORE_METRICS_BIND`),
//! which an operator keeps on a private address. Every label has a bounded set of values (route
//! patterns, the standard methods or `other`, status codes), so no request can grow the registry:
//! a probe once made 100 labels of 60 KB each out of made-up method names.

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// The route pattern a request matched, passed from the routing layer out to [`track`].
#[derive(Clone, Debug)]
pub struct RoutePattern(pub Arc<str>);

/// This process's metrics. One per application, so tests can run several apps side by side.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl Metrics {
    /// Registers the HTTP metrics.
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("lore");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
        });
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to produce the response head, by method and route pattern",
            latency.clone(),
        );
        Arc::new(Self {
            registry,
            requests,
            latency,
        })
    }
}

/// Route-level middleware: records the matched pattern in the request span and hands it outwards.
pub async fn record_route(request: Request, next: Next) -> Response {
    let pattern: Option<Arc<str>> = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| Arc::from(path.as_str()));
    if let Some(pattern) = &pattern {
        tracing::Span::current().record("route", pattern.as_ref());
    }
    let mut response = next.run(request).await;
    if let Some(pattern) = pattern {
        response.extensions_mut().insert(RoutePattern(pattern));
    }
    response
}

/// Outer middleware: counts and times every request. Requests no route matched (static files,
/// unknown addresses) are labelled `fallback`, which keeps label cardinality bounded.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = method_label(request.method()).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RoutePattern>()
        .map_or_else(|| "fallback".to_owned(), |p| p.0.to_string());
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The method as a label: one of the standard methods, or `other`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

/// The metrics listener's routes: `/metrics` only.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new().route("/metrics", get(serve).with_state(metrics))
}

/// `GET /metrics` in the Prometheus text format.
async fn serve(State(metrics): State<Arc<Metrics>>) -> Response {
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, &metrics.registry) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
            )],
            body,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(%err, "encoding metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes("X".repeat(60_000).as_bytes()).unwrap();
        assert_eq!(method_label(&invented), "other");
        assert_eq!(
            method_label(&Method::from_bytes(b"get").unwrap()),
            "other",
            "methods are case-sensitive"
        );
    }
}
