//! The Lore server: configuration, the HTTP application and its operational endpoints.
//!
//! Error policy: start-up and command-line paths use `anyhow` with context, because their only
//! audience is the operator reading the message; request paths never fail with `anyhow` (the app
//! crate maps service errors to user-safe ones).

mod auth;
pub mod client_ip;
pub mod config;
mod course_archive;
mod covers;
mod dev_mail;
mod health;
mod lang;
pub mod mailer;
mod media;
mod metrics;
mod notifications;
mod payouts;
mod security;
mod seo;
mod serve;
pub mod startup;
pub mod telemetry;
mod uploads;
mod webhooks;

pub use startup::{Application, shutdown_signal};
