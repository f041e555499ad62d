//! Building and running the application: open the store, migrate, wire the routes and layers, bind.

use crate::config::{Environment, Settings};
use crate::{health, metrics};
use anyhow::Context;
use app::{App, shell};
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use secrecy::ExposeSecret;
use services::Services;
use std::future::Future;
use std::path::{Path, PathBuf};
use store::Store;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted anywhere (uploads will get their own, larger limit).
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// A built application: bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    services: Services,
}

impl Application {
    /// Connects to the database, applies migrations, seeds the demo catalog if configured, builds the
    /// router and binds the listener (port 0 picks a free port, for tests).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = Store::connect(settings.database_url.expose_secret())
            .await
            .context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let services = Services::new(store);
        if settings.seed_demo
            && let Some(report) = services::demo::seed_if_empty(&services).await?
        {
            tracing::info!(?report, "seeded the demo catalog into an empty database");
        }
        let router = router(settings, services.clone());
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("binding {}", settings.bind))?;
        Ok(Self {
            listener,
            router,
            services,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |addr| addr.port())
    }

    /// The services, for tests that need to reach behind the HTTP surface.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.listener.local_addr()?, "Lore is listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.services.store().close().await;
        tracing::info!("Lore stopped");
        Ok(())
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// The Leptos options for this build: where the site is, and whether cargo-leptos hashed the asset
/// names (it leaves `hash.txt` beside the binary when it did).
fn leptos_options(settings: &Settings) -> LeptosOptions {
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.exists());
    LeptosOptions::builder()
        .output_name("lore")
        .site_root(settings.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(settings.bind)
        .env(match settings.env {
            Environment::Development => leptos::config::Env::DEV,
            Environment::Production => leptos::config::Env::PROD,
        })
        .hash_files(hashed)
        .build()
}

fn router(settings: &Settings, services: Services) -> Router {
    let options = leptos_options(settings);
    let metrics = metrics::Metrics::new();
    let routes = generate_route_list(App);
    let context = {
        let services = services.clone();
        move || provide_context(services.clone())
    };
    let system = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(services)
        .route("/metrics", get(metrics::serve).with_state(metrics.clone()));
    let site = Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .with_state(options.clone());
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(system)
        .merge(site)
        .nest_service("/pkg", assets(&options))
        .route_layer(axum::middleware::from_fn(metrics::record_route))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(axum::middleware::from_fn_with_state(
                    metrics,
                    metrics::track,
                ))
                .layer(CompressionLayer::new().br(true).gzip(true))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES)),
        )
}

/// The built JS, WASM and CSS. Their names carry a content hash in release builds, so browsers may
/// keep them for a year; without hashes they must be revalidated.
fn assets(options: &LeptosOptions) -> Router {
    let dir: PathBuf = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new().fallback_service(
        ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache),
            ))
            .service(ServeDir::new(dir).precompressed_br().precompressed_gzip()),
    )
}

/// The span every request runs in, named by route pattern rather than raw URL so that logs and
/// traces group by page. `route` is filled in once routing has matched (see `metrics::record_route`).
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = route,
        request_id,
    )
}
