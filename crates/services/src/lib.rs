//! Lore's use cases. The web layer calls these and nothing else: each function takes plain inputs,
//! applies the domain rules and talks to the store, so a server function stays a thin adapter.
//!
//! Error policy: [`ServiceError`] says what the user did wrong (not found, invalid input, conflict) or
//! that the platform failed (`Unavailable`, carrying the store error as its source for the log). The
//! web layer maps the first kind to translated messages and 4xx codes, the second to a generic 5xx.

mod admin;
mod catalog;
pub mod demo;
mod error;

pub use admin::create_admin;
pub use error::ServiceError;

use store::Store;

/// Everything a request handler needs, shared by every request. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Services {
    store: Store,
}

impl Services {
    /// Wraps an open, migrated store.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The store, for health checks and start-up tasks.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
