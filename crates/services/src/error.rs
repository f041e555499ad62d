//! The services' boundary error.

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
    /// The platform failed; not the user's fault.
    #[error("store unavailable")]
    Unavailable(#[source] StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => ServiceError::Conflict(what),
            other => ServiceError::Unavailable(other),
        }
    }
}
