//! Logging: pretty lines while developing, one JSON object per line in production.

use crate::config::Environment;
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Installs the global subscriber. `RUST_LOG` overrides the default filter.
pub fn init(env: Environment) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match env {
        Environment::Development => registry.with(fmt::layer().pretty()).try_init(),
        Environment::Production => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
    };
    if let Err(err) = result {
        eprintln!("logging was already set up: {err}");
    }
}
