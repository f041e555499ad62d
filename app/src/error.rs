//! The error every server function returns: safe to show, with a translated message per variant.
//!
//! The full cause chain of a failure is logged on the server when the error is made
//! ([`AppError::from_service`]); only the variant crosses to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What was wrong with a new password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    /// Fewer than 8 characters.
    Short,
    /// More than 128 characters.
    Long,
    /// One of the 10,000 most common passwords.
    Common,
}

/// A user-safe error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Nothing to show at this address (or nothing this visitor may see).
    #[error("not found")]
    NotFound,
    /// The request broke a rule; names the field.
    #[error("invalid {0}")]
    Invalid(String),
    /// The request collides with existing data; names the field (e.g. `email`).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Sign-in needed.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Email and password do not match.
    #[error("wrong email or password")]
    WrongCredentials,
    /// The account was disabled by an administrator.
    #[error("account disabled")]
    AccountDisabled,
    /// A new password broke the rules.
    #[error("password refused")]
    Password(PasswordProblem),
    /// Too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    Throttled(u64),
    /// A one-time link was wrong, used or expired.
    #[error("invalid or expired link")]
    InvalidToken,
    /// The server is at capacity for this work; retry after this many seconds.
    #[error("busy")]
    Busy(u64),
    /// The request's arguments could not be read (a tampered or outdated form). Carries no parser
    /// text: that goes to the debug log only.
    #[error("bad request")]
    BadRequest,
    /// Course settings broke rules: each field's problem, shown beside the field.
    #[error("invalid fields")]
    Fields(Vec<domain::authoring::FieldError>),
    /// Saved elsewhere (another tab) since this edit began; carries the stored version.
    #[error("edit conflict")]
    EditConflict(i64),
    /// The course is not in a state that allows this step.
    #[error("not now")]
    Transition(domain::authoring::TransitionError),
    /// A review, publishing or listing step was refused.
    #[error("review: {0}")]
    Review(domain::review::ReviewProblem),
    /// A learner's step (enrolling, reviewing, progress, following) was refused.
    #[error("learning: {0}")]
    Learning(domain::learning::LearningProblem),
    /// A purchase step was refused (the course, the coupon or the form).
    #[error("checkout: {0}")]
    Checkout(domain::order::CheckoutProblem),
    /// The payment provider could not be reached; nothing was charged.
    #[error("payment provider unavailable")]
    PaymentUnavailable,
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
        match value {
            // Arguments that do not parse are the caller's mistake, not the platform's: 400, and
            // the parser's words stay in the debug log.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                {
                    tracing::debug!(error = %value, "malformed server function arguments");
                    set_status(http::StatusCode::BAD_REQUEST);
                }
                AppError::BadRequest
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Turns a service error into what the user may see, logs what they may not, and sets the HTTP
    /// status (and `Retry-After` when throttled) of the response being built.
    pub fn from_service(err: services::ServiceError) -> Self {
        use domain::PasswordError;
        use http::StatusCode;
        use services::ServiceError;
        let (status, app_error) = match err {
            ServiceError::NotFound => (StatusCode::NOT_FOUND, AppError::NotFound),
            ServiceError::Invalid(field) => {
                (StatusCode::BAD_REQUEST, AppError::Invalid(field.to_owned()))
            }
            ServiceError::Conflict(field) => (StatusCode::CONFLICT, AppError::Conflict(field)),
            ServiceError::Unauthorized => (StatusCode::UNAUTHORIZED, AppError::Unauthorized),
            ServiceError::Forbidden => (StatusCode::FORBIDDEN, AppError::Forbidden),
            ServiceError::WrongCredentials => {
                (StatusCode::UNAUTHORIZED, AppError::WrongCredentials)
            }
            ServiceError::AccountDisabled => (StatusCode::FORBIDDEN, AppError::AccountDisabled),
            ServiceError::Password(problem) => (
                StatusCode::BAD_REQUEST,
                AppError::Password(match problem {
                    PasswordError::TooShort => PasswordProblem::Short,
                    PasswordError::TooLong => PasswordProblem::Long,
                    PasswordError::TooCommon => PasswordProblem::Common,
                }),
            ),
            ServiceError::Throttled { retry_after_secs } => {
                set_retry_after(retry_after_secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    AppError::Throttled(retry_after_secs),
                )
            }
            ServiceError::InvalidToken => (StatusCode::BAD_REQUEST, AppError::InvalidToken),
            ServiceError::Busy { retry_after_secs } => {
                set_retry_after(retry_after_secs);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    AppError::Busy(retry_after_secs),
                )
            }
            // Files and archives are sent and refused by their own handlers, never through server
            // functions.
            ServiceError::File(_)
            | ServiceError::Import(_)
            | ServiceError::RangeNotSatisfiable { .. }
            | ServiceError::UploadOffset { .. } => (StatusCode::BAD_REQUEST, AppError::BadRequest),
            ServiceError::Fields(errors) => (StatusCode::BAD_REQUEST, AppError::Fields(errors)),
            ServiceError::EditConflict { version } => {
                (StatusCode::CONFLICT, AppError::EditConflict(version))
            }
            ServiceError::Transition(problem) => {
                (StatusCode::CONFLICT, AppError::Transition(problem))
            }
            ServiceError::Review(problem) => {
                use domain::review::ReviewProblem;
                let status = match problem {
                    ReviewProblem::OwnCourse => StatusCode::FORBIDDEN,
                    ReviewProblem::Reason(_) => StatusCode::BAD_REQUEST,
                    ReviewProblem::Claimed(_)
                    | ReviewProblem::Decided
                    | ReviewProblem::Listing(_) => StatusCode::CONFLICT,
                };
                (status, AppError::Review(problem))
            }
            ServiceError::Learning(problem) => {
                use domain::learning::{EnrollError, LearningProblem, ReviewRuleError};
                let status = match problem {
                    LearningProblem::Enroll(EnrollError::SignedOut) => StatusCode::UNAUTHORIZED,
                    LearningProblem::Review(
                        ReviewRuleError::NotOwned
                        | ReviewRuleError::OwnCourse
                        | ReviewRuleError::NotTheAuthor,
                    ) => StatusCode::FORBIDDEN,
                    LearningProblem::Enroll(_)
                    | LearningProblem::Review(ReviewRuleError::AlreadyReplied)
                    | LearningProblem::Handle(domain::HandleError::Taken)
                    | LearningProblem::NotFinished => StatusCode::CONFLICT,
                    LearningProblem::Text(_)
                    | LearningProblem::Rating(_)
                    | LearningProblem::Progress(_)
                    | LearningProblem::Handle(_)
                    | LearningProblem::SelfFollow => StatusCode::BAD_REQUEST,
                };
                (status, AppError::Learning(problem))
            }
            ServiceError::Checkout(problem) => {
                use domain::order::{CheckoutProblem, PurchaseError, RefundRefusal};
                let status = match problem {
                    CheckoutProblem::Purchase(PurchaseError::SignedOut) => StatusCode::UNAUTHORIZED,
                    CheckoutProblem::Purchase(PurchaseError::OwnCourse) => StatusCode::FORBIDDEN,
                    CheckoutProblem::Purchase(_) => StatusCode::CONFLICT,
                    CheckoutProblem::Coupon(_)
                    | CheckoutProblem::Key
                    | CheckoutProblem::Refund(RefundRefusal::BadAmount) => StatusCode::BAD_REQUEST,
                    CheckoutProblem::Refund(_) => StatusCode::CONFLICT,
                };
                (status, AppError::Checkout(problem))
            }
            ServiceError::Payment(source) => {
                tracing::error!(error = %services::cause_chain(&source), "payment provider failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    AppError::PaymentUnavailable,
                )
            }
            // Provider events arrive at their own handler, never through server functions.
            ServiceError::Webhook(_) => (StatusCode::BAD_REQUEST, AppError::BadRequest),
            ServiceError::Order(problem) => {
                tracing::error!(error = %problem, "a payment event could not be applied");
                (StatusCode::CONFLICT, AppError::Conflict("orders".into()))
            }
            ServiceError::BatchFailed(source) => {
                tracing::error!(error = %services::cause_chain(&*source), "progress batch failed");
                (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable)
            }
            ServiceError::Unavailable(source) => {
                tracing::error!(error = %services::cause_chain(&source), "service unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable)
            }
            ServiceError::MediaUnavailable(source) => {
                tracing::error!(error = %services::cause_chain(&source), "media unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable)
            }
        };
        set_status(status);
        app_error
    }
}

/// Tells the client when to try again (429 and 503 answers).
#[cfg(feature = "ssr")]
fn set_retry_after(seconds: u64) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
}

/// Sets the status of the response being rendered, if there is one. A form posted without
/// JavaScript is left alone: server functions answer it with a redirect back to the form, carrying
/// the error in the URL, and a 4xx status would stop the browser from following it.
#[cfg(feature = "ssr")]
pub fn set_status(status: http::StatusCode) {
    use leptos::prelude::use_context;
    let plain_form = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    });
    if plain_form {
        return;
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
