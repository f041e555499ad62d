#!/usr/bin/env bash
# Lore's whole test run, as CI runs it: formatting, lints, unit and integration tests on SQLite and
# PostgreSQL, then the browser tests against a release build on a fresh database.
#
# PostgreSQL: LORE_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test. With CI=true an
# unreachable server fails the run instead of skipping the PostgreSQL half.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server side and tests)"
cargo clippy --workspace --exclude frontend --all-targets --locked -- -D warnings
step "clippy (browser side, wasm32)"
cargo clippy -p frontend -p app --target wasm32-unknown-unknown --locked -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
# One test at a time: each HTTP test runs a whole Lore on its own tokio runtime, and several Leptos
# apps on separate runtimes in one process now and then stall a request (about one run in five with
# four threads; never in 25 serial runs, never under load in the real single-runtime server).
cargo test --workspace --exclude frontend --locked -- --test-threads=1

step "release build (cargo leptos)"
cargo leptos build --release

step "browser tests (Playwright, chromium)"
scripts/e2e.sh
