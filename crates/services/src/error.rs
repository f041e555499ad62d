//! The services' boundary error.

use domain::PasswordError;
use store::StoreError;

/// Why a use case did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist or is not visible to the asker. Deliberately the same
    /// answer for both, so ids cannot be probed.
    #[error("not found")]
    NotFound,
    /// The input broke a rule; the string names the field for the message.
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// The input collides with something that exists (an email, a slug).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The request needs a signed-in person and there is none.
    #[error("not signed in")]
    Unauthorized,
    /// The signed-in person may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Email and password do not match an enabled account (the same answer for unknown emails).
    #[error("wrong email or password")]
    WrongCredentials,
    /// The account exists and the password matched, but an admin disabled it.
    #[error("account disabled")]
    AccountDisabled,
    /// A new password broke the password rules.
    #[error("password refused: {0}")]
    Password(#[from] PasswordError),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    Throttled {
        /// When a new attempt will be accepted.
        retry_after_secs: u64,
    },
    /// The server is at capacity for this kind of work (password hashing); try again shortly.
    #[error("busy; retry after {retry_after_secs} s")]
    Busy {
        /// When to try again.
        retry_after_secs: u64,
    },
    /// A one-time link was wrong, used or expired.
    #[error("invalid or expired link")]
    InvalidToken,
    /// An uploaded file was refused; the uploader can fix it.
    #[error("file refused: {0}")]
    File(#[from] crate::media::FileProblem),
    /// The part of a file asked for starts past its end (HTTP 416).
    #[error("range not satisfiable")]
    RangeNotSatisfiable {
        /// The file's length, for the `Content-Range` answer.
        size: u64,
    },
    /// Course settings broke rules; every field's problem, for showing beside it.
    #[error("invalid fields")]
    Fields(Vec<domain::authoring::FieldError>),
    /// Someone saved the same thing from another tab or device since this edit began.
    #[error("edited elsewhere; now at version {version}")]
    EditConflict {
        /// The version now stored.
        version: i64,
    },
    /// A resumable upload's bytes were sent for another offset than where it stands.
    #[error("upload stands at {offset}")]
    UploadOffset {
        /// Where it stands: the offset the next bytes must start at.
        offset: u64,
    },
    /// A course archive could not be imported; boxed, as it is rare and large.
    #[error("import refused: {0}")]
    Import(Box<crate::course_archive::ImportProblem>),
    /// The course is not in a state that allows this step.
    #[error("not now: {0}")]
    Transition(domain::authoring::TransitionError),
    /// A review, publishing or listing step was refused.
    #[error("review: {0}")]
    Review(domain::review::ReviewProblem),
    /// A learner's step (enrolling, reviewing, progress, following) was refused.
    #[error("learning: {0}")]
    Learning(domain::learning::LearningProblem),
    /// The batch a progress report was written in failed; the cause, shared by the batch.
    #[error("progress batch failed: {0}")]
    BatchFailed(#[source] std::sync::Arc<ServiceError>),
    /// A purchase step was refused: the course, the coupon or the checkout form.
    #[error("checkout: {0}")]
    Checkout(domain::order::CheckoutProblem),
    /// The payment provider failed or refused; nothing was charged by this request.
    #[error("payment provider: {0}")]
    Payment(#[source] payments::provider::ProviderError),
    /// A provider event's signature or body was refused (answered 400, nothing written).
    #[error("payment event refused: {0}")]
    Webhook(#[source] payments::provider::WebhookError),
    /// A provider event cannot apply to its order (a refund above the amount, say).
    #[error("payment event does not fit its order: {0}")]
    Order(#[source] domain::order::OrderError),
    /// The platform failed; not the user's fault.
    #[error("store unavailable")]
    Unavailable(#[source] StoreError),
    /// The media store (folder or bucket) failed; not the user's fault.
    #[error("media store unavailable")]
    MediaUnavailable(#[source] media::MediaError),
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => ServiceError::Conflict(what),
            other => ServiceError::Unavailable(other),
        }
    }
}

/// `err` and every error behind it, "outer: inner: root", for logs: a store failure's `Display`
/// alone says "database error" and hides what the database said.
pub fn cause_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
