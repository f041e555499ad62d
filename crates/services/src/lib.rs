//! Lore's use cases. The web layer calls these and nothing else: each function takes plain inputs,
//! applies the domain rules and talks to the store, so a server function stays a thin adapter.
//!
//! Error policy: [`ServiceError`] says what the user did wrong (not found, invalid input, conflict,
//! wrong password, throttled) or that the platform failed (`Unavailable`, carrying the store error as
//! its source for the log). The web layer maps the first kind to translated messages and 4xx codes,
//! the second to a generic 503.

pub mod accounts;
mod admin;
mod catalog;
pub mod commerce;
mod coupons;
pub mod course_archive;
mod covers;
pub mod demo;
mod earnings;
mod error;
pub mod learning;
pub mod mail;
pub mod media;
pub mod notifications;
mod orders;
pub mod progress_batch;
mod review;
pub mod sandbox;
mod secrets;
mod session_cache;
pub mod stripe;
pub mod studio;
mod throttle;
pub mod uploads;

pub use accounts::{Client, CurrentSession, SignedIn};
pub use admin::{NewAdmin, create_admin};
pub use error::{ServiceError, cause_chain};
pub use notifications::NotificationsPage;
pub use review::{QueueItem, ReviewPage};
pub use secrets::{new_token, token_hash};
pub use store::AuditFilter;

use ::media::MediaStore;
use std::sync::Arc;
use store::Store;

/// Everything a request handler needs, shared by every request. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Services {
    store: Store,
    media: MediaStore,
    public_url: Arc<str>,
    sessions: Arc<session_cache::SessionCache>,
    /// Signs media addresses; its key comes from the database on first use (shared by all nodes).
    signer: Arc<tokio::sync::OnceCell<media::Signer>>,
    /// Checks and resizes uploaded pictures under one memory budget.
    images: images::ImagePipeline,
    bell: Arc<notifications::Bell>,
    /// Writes this node's progress reports in batches.
    progress: Arc<progress_batch::ProgressBatcher>,
    /// How money is taken: the built-in sandbox unless configured otherwise.
    payments: commerce::Payments,
}

impl Services {
    /// Wraps an open, migrated store and the media store. `public_url` is how people reach this
    /// Lore (for links in mails), without a trailing slash.
    pub fn new(store: Store, media: MediaStore, public_url: &str) -> Self {
        let sandbox = Arc::new(sandbox::Sandbox::new(store.clone(), public_url));
        let payments = commerce::Payments {
            provider: sandbox.clone(),
            open: true,
            sandbox: Some(sandbox),
            platform_share: commerce::DEFAULT_PLATFORM_SHARE,
        };
        Self {
            store,
            media,
            public_url: Arc::from(public_url.trim_end_matches('/')),
            sessions: Arc::default(),
            signer: Arc::default(),
            images: images::ImagePipeline::default(),
            bell: Arc::default(),
            progress: Arc::default(),
            payments,
        }
    }

    /// Takes money through `provider` (the built-in sandbox unless this is called), keeping
    /// `platform_share` of every sale.
    pub fn with_payments(
        mut self,
        provider: commerce::ProviderChoice,
        platform_share: domain::BasisPoints,
    ) -> Self {
        match provider {
            commerce::ProviderChoice::Sandbox => {}
            commerce::ProviderChoice::Stripe(config) => {
                self.payments.provider = Arc::new(stripe::Stripe::new(config));
                self.payments.sandbox = None;
            }
            commerce::ProviderChoice::Off => {
                self.payments.provider = Arc::new(commerce::NoProvider);
                self.payments.sandbox = None;
                self.payments.open = false;
            }
        }
        self.payments.platform_share = platform_share;
        self
    }

    /// The image pipeline, shared with the avatar upload so both draw on one memory budget.
    pub fn images(&self) -> &images::ImagePipeline {
        &self.images
    }

    /// The store, for health checks and start-up tasks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The address people reach this Lore at.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }
}
