//! The store suite: every test runs against SQLite and, when reachable, PostgreSQL, so both
//! backends keep one behaviour. One test binary, so the generic code both halves share is
//! compiled once.

mod accounts;
mod catalog;
mod commerce;
mod learning;
