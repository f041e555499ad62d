//! Lore over real HTTP: each test spawns the whole application (a real database, media store and
//! mail server) and talks to it as a browser or an attacker would. One test binary for all of
//! them, so the generic code they share is compiled once (five binaries took five times as long).

mod abuse;
mod archives;
mod commerce;
mod commerce_faults;
mod covers;
mod http;
mod learning;
mod media;
mod notifications;
mod security;
mod studio;
mod support;
mod uploads;
#[path = "../../../crates/richtext/tests/xss/check.rs"]
mod xss;
