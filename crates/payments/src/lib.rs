//! Payment providers: how Lore asks for money and hears back.
//!
//! Error policy: each module returns a small `thiserror` enum naming what failed; the services
//! crate decides what the learner or the provider is told. Nothing here touches the database: a
//! provider only talks to its service and checks what the service says.

pub mod event;
pub mod provider;
pub mod signature;
