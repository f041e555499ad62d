//! The error every server function returns: safe to show, with a translated message per variant.
//!
//! The full cause chain of a failure is logged on the server when the error is made
//! ([`AppError::from_service`]); only the variant crosses to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A user-safe error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Nothing to show at this address (or nothing this visitor may see).
    #[error("not found")]
    NotFound,
    /// The request broke a rule; names the field.
    #[error("invalid {0}")]
    Invalid(String),
    /// The request collides with existing data.
    #[error("conflict")]
    Conflict,
    /// The platform failed; try again later.
    #[error("service unavailable")]
    Unavailable,
    /// The request itself failed in transport (network, encoding).
    #[error("request failed: {0}")]
    Request(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Turns a service error into what the user may see, logs what they may not, and sets the HTTP
    /// status of the page or server-function response being built.
    pub fn from_service(err: services::ServiceError) -> Self {
        use http::StatusCode;
        use services::ServiceError;
        let (status, app_error) = match err {
            ServiceError::NotFound => (StatusCode::NOT_FOUND, AppError::NotFound),
            ServiceError::Invalid(field) => {
                (StatusCode::BAD_REQUEST, AppError::Invalid(field.to_owned()))
            }
            ServiceError::Conflict(_) => (StatusCode::CONFLICT, AppError::Conflict),
            ServiceError::Unavailable(source) => {
                tracing::error!(error = ?cause_chain(&source), "service unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable)
            }
        };
        set_status(status);
        app_error
    }
}

/// Sets the status of the response being rendered, if there is one.
#[cfg(feature = "ssr")]
pub fn set_status(status: http::StatusCode) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

#[cfg(feature = "ssr")]
fn cause_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
