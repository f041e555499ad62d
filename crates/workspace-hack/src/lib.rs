//! Nothing to call: this crate exists for its `Cargo.toml`, which unifies dependency features
//! between the test build and the release server so that CI compiles shared dependencies once.
