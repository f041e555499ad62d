//! Building and running the application: open the store, migrate, wire the routes and layers, bind.

use crate::auth::{SessionLayerState, session_layer};
use crate::config::{Connections, Environment, Settings};
use crate::mailer::{self, Delivery};
use crate::security::{self, SecurityPolicy};
use crate::{
    course_archive, covers, dev_mail, health, lang, media, metrics, notifications, payouts, seo,
    uploads, webhooks,
};
use anyhow::Context;
use app::auth::SessionCookie;
use app::{app_view, document};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use lettre::message::Mailbox;
use secrecy::ExposeSecret;
use services::Services;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::Store;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted by pages and server functions (avatar uploads have their own).
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// A built application: bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    metrics: Option<(TcpListener, Router)>,
    connections: Connections,
    services: Services,
    delivery: Delivery,
    mail_from: Mailbox,
}

impl Application {
    /// Connects to the database, applies migrations, seeds the demo catalog if configured, builds the
    /// router and binds the listener (port 0 picks a free port, for tests).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = Store::connect(settings.database_url.expose_secret())
            .await
            .context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let services = Services::new(
            store,
            settings.media.open()?.with_limits(settings.media_limits),
            &settings.public_url,
        )
        .with_payments(settings.payments.clone(), settings.platform_share);
        let moved = services
            .move_legacy_avatars()
            .await
            .context("moving avatars from the database to the media store")?;
        if moved > 0 {
            tracing::info!(moved, "moved avatars from the database to the media store");
        }
        let delivery = Delivery::from_settings(settings)?;
        let mail_from: Mailbox = settings
            .mail_from
            .parse()
            .context("LORE_MAIL_FROM must be an address like `Lore <no-reply@example.com>`")?;
        if settings.seed_demo
            && let Some(report) =
                services::demo::seed_if_empty(&services, &settings.demo_dir).await?
        {
            tracing::info!(
                courses = report.courses,
                "seeded the demo catalog into an empty database"
            );
            if let Some((email, password)) = &report.admin {
                // Printed, not logged: the operator needs it once, log collectors never.
                println!("demo admin login: {email} / {password}");
            }
            if let Some((email, password)) = &report.author {
                println!("demo author login (for /studio): {email} / {password}");
            }
        }
        let metrics = metrics::Metrics::new();
        let router = router(settings, services.clone(), metrics.clone());
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("binding {}", settings.bind))?;
        if let (Some(sandbox), Ok(bound)) = (&services.payments().sandbox, listener.local_addr()) {
            sandbox.deliver_to(format!(
                "http://127.0.0.1:{}/webhooks/sandbox",
                bound.port()
            ));
        }
        let metrics = match settings.metrics_bind {
            Some(address) => Some((
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("binding LORE_METRICS_BIND {address}"))?,
                metrics::router(metrics),
            )),
            None => None,
        };
        Ok(Self {
            listener,
            router,
            metrics,
            connections: settings.connections,
            services,
            delivery,
            mail_from,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |addr| addr.port())
    }

    /// The port `/metrics` is served on, if `LORE_METRICS_BIND` set one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
            .map(|addr| addr.port())
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
        let sender = tokio::spawn(mailer::run(
            self.services.clone(),
            self.delivery,
            self.mail_from,
        ));
        let services = self.services.clone();
        let follower = tokio::spawn(async move { services.follow_changes().await });
        let jobs = [
            tokio::spawn({
                let services = self.services.clone();
                async move { services.run_bell().await }
            }),
            tokio::spawn({
                let services = self.services.clone();
                async move { services.run_fanouts().await }
            }),
            tokio::spawn({
                let services = self.services.clone();
                async move { services.run_digests().await }
            }),
            tokio::spawn({
                let services = self.services.clone();
                async move { services.run_reconciler().await }
            }),
        ];
        // Live streams never end by themselves: close them when shutdown begins, so open
        // connections can finish.
        let bell = self.services.clone();
        let shutdown = async move {
            shutdown.await;
            bell.bell().close();
        };
        let metrics = self.metrics.map(|(listener, router)| {
            tracing::info!(address = ?listener.local_addr().ok(), "metrics are served");
            tokio::spawn(async move { axum::serve(listener, router).await })
        });
        let served =
            crate::serve::serve(self.listener, self.router, self.connections, shutdown).await;
        sender.abort();
        follower.abort();
        for job in jobs {
            job.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        served?;
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

fn router(settings: &Settings, services: Services, metrics: Arc<metrics::Metrics>) -> Router {
    let options = leptos_options(settings);
    let cookie = SessionCookie {
        secure: settings.tls(),
    };
    let policy = Arc::new(SecurityPolicy {
        public_origin: security::origin_of(&settings.public_url),
        tls: settings.tls(),
    });
    let routes = generate_route_list(app_view);
    let context = {
        let services = services.clone();
        move || {
            provide_context(services.clone());
            provide_context(cookie);
            if let (Some(nonce), Some(response)) = (
                leptos::nonce::use_nonce(),
                use_context::<leptos_axum::ResponseOptions>(),
            ) && let Ok(csp) = HeaderValue::from_str(&security::page_csp(&nonce.to_string()))
            {
                response.insert_header(header::CONTENT_SECURITY_POLICY, csp);
            }
        }
    };
    let mut system = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/lang/{tag}", get(lang::switch))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/notifications/stream", get(notifications::stream))
        .route("/webhooks/{provider}", post(webhooks::webhook))
        .route("/admin/payouts.csv", get(payouts::export))
        .route(
            "/notifications/unsubscribe",
            get(notifications::unsubscribe),
        )
        .with_state(services.clone());
    if settings.dev_mail {
        let mail_dir = mailer::mail_dir(&settings.data_dir);
        system = system.route("/dev/mail", get(dev_mail::dev_mail).with_state(mail_dir));
    }
    let media_state = media::MediaState {
        services: services.clone(),
        images: services.images().clone(),
    };
    let media = Router::new()
        .route(
            "/account/avatar",
            post(media::upload_avatar)
                .layer(DefaultBodyLimit::max(media::AVATAR_MAX_BYTES + 64 * 1024)),
        )
        .route("/media/avatars/{file}", get(media::avatar))
        // No body limit: uploads stream to the media store and each kind has its own size limit.
        .route("/media", post(media::upload))
        .route("/media/{id}", get(media::file).delete(media::delete))
        .route(
            "/media/uploads",
            post(uploads::create).options(uploads::options),
        )
        .route(
            "/media/uploads/{id}",
            axum::routing::head(uploads::head)
                .patch(uploads::patch)
                .delete(uploads::delete),
        )
        .route("/studio/courses/{id}/export", get(course_archive::export))
        .route("/media/covers/{file}", get(covers::cover))
        .route(
            "/studio/courses/{id}/cover",
            post(covers::set_cover).layer(DefaultBodyLimit::max(
                usize::try_from(services.media().max_bytes(domain::MediaKind::Image))
                    .unwrap_or(usize::MAX)
                    .saturating_add(64 * 1024),
            )),
        )
        // The archive streams to a temporary file under its own limit.
        .route(
            "/studio/import",
            post(course_archive::import).layer(DefaultBodyLimit::disable()),
        )
        .with_state(media_state);
    let site = Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || document(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, document))
        .with_state(options.clone())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES));
    let sessions = SessionLayerState {
        services,
        cookie,
        proxies: Arc::new(settings.trusted_proxies.clone()),
    };
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(system)
        .merge(media)
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
                .layer(axum::middleware::from_fn_with_state(
                    policy.clone(),
                    security::headers,
                ))
                .layer(
                    CompressionLayer::new()
                        .br(true)
                        .gzip(true)
                        .compress_when(compressible()),
                )
                .layer(axum::middleware::from_fn_with_state(
                    policy,
                    security::refuse_cross_site,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    sessions,
                    session_layer,
                )),
        )
}

/// What is worth compressing: not media and archives, which are compressed already and which
/// players read in ranges (a compressed body cannot be cut at byte offsets).
fn compressible() -> impl Predicate {
    DefaultPredicate::new()
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/epub"))
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
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
            // No index pages and no directory redirects: nested under /pkg, a redirect to `dir/`
            // would lose the prefix (`/pkg/.` went to `/./`).
            .service(
                ServeDir::new(dir)
                    .append_index_html_on_directories(false)
                    .precompressed_br()
                    .precompressed_gzip(),
            ),
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
