#!/usr/bin/env bash
# The store's catalog query and a 100,000-row scan on SQLite and PostgreSQL (release build). Prints a
# human summary, then one JSON object as the last line.
#
#   bench/store_queries.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile server-release -p bench --bin store-queries --locked >&2
taskset -c 0 target/server-release/store-queries
