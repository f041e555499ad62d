#!/usr/bin/env bash
# Publishing an update to a course owned by 100,000 learners: the time until every owner's
# notification is written, on SQLite and PostgreSQL, and how long another writer waited meanwhile
# (release build). The bar: <= 5 s, no other write waiting more than 100 ms. The last line is one
# JSON object.
#
#   bench/fanout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile server-release -p bench --bin fanout --locked >&2
target/server-release/fanout
