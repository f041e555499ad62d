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

step() { printf '\n==> [%ds] %s\n' "$SECONDS" "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

# Clippy rides along with the two builds the run needs anyway, instead of checking every dependency
# twice more: clippy-driver (what `cargo clippy` runs) compiles the workspace's own crates, linting
# them with -D warnings, while rustc compiles the dependencies once. The test build lints the server
# side and the tests; the release build lints the browser side (wasm32) and the server again.
# A run from a clean clone gains nothing from incremental compilation, which only writes gigabytes
# of caches beside the artifacts.
export CARGO_INCREMENTAL=0
export RUSTC_WORKSPACE_WRAPPER="$HOME/.cargo/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
[ -x "$RUSTC_WORKSPACE_WRAPPER" ] || RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver)

# The mail tests deliver through a real SMTP server (aiosmtpd, from PyPI).
export LORE_TEST_AIOSMTPD="$PWD/tools/venv/bin/aiosmtpd"
# The media tests store files in a real S3-compatible server too (moto in server mode, from PyPI).
export LORE_TEST_MOTO="$PWD/tools/venv/bin/moto_server"

step "unit and integration tests (SQLite and PostgreSQL), linted by clippy"
# cargo-nextest runs every test in a process of its own, two at a time (.config/nextest.toml). In
# one process, several Leptos apps on separate tokio runtimes now and then stall a request, which
# once forced cargo test down to one thread; a process per test removes the sharing itself.
# They are built in the release server's profile, so the release build below reuses every artifact
# but the browser bundle (Cargo.toml, [profile.server-release]; crates/workspace-hack). cargo-leptos
# sets LEPTOS_OUTPUT_NAME for its builds and leptos reads it at compile time (`option_env!`): set
# the same here, or the release build compiles leptos and all built on it again.
export LEPTOS_OUTPUT_NAME=lore
cargo nextest run --workspace --exclude frontend --locked --cargo-profile server-release

step "release build (cargo leptos), linted by clippy"
cargo leptos build --release --split

step "browser tests (Playwright, chromium)"
scripts/e2e.sh
step "all tests passed"
