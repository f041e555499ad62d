#!/usr/bin/env bash
# Complete purchases per second over real HTTP: checkout (order + provider session), the
# provider's signed webhook (paid, course granted, ledger booked), and the first paid lesson read
# (it must be open), sent on an open-loop schedule by `bench/src/checkout_flows.rs`. The server is
# a release build pinned to CPU 0 with one tokio worker; the driver runs on CPU 1. The bar, on
# SQLite: >= 200 flows/s, p99 <= 100 ms, every flow completed and no broken invariant after the
# run. The same run on PostgreSQL is reported. The last line is one JSON object.
#
#   bench/checkout.sh
#   RATE=250 DURATION=20 bench/checkout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DURATION="${DURATION:-20}"
source bench/lib.sh
ulimit -n 16384
bench_setup

rate="${RATE:-200}"
learners=$(python3 -c "import math; print(math.ceil($rate * $DURATION))")
base=http://127.0.0.1:3216

# run_on NAME DATABASE_URL : prepares the learners, serves, drives, checks; prints one fragment.
run_on() {
  local name=$1 url=$2
  target/server-release/checkout-flows prepare "$url" "$learners" >"$data_dir/plan-$name"
  LORE_DATABASE_URL=$url LORE_BIND=127.0.0.1:3216 LORE_PUBLIC_URL=$base LORE_SANDBOX_PAYMENTS=true \
    start_server 3216 target/server-release/lore serve
  taskset -c 1 target/server-release/checkout-flows run "$base" "$data_dir/plan-$name" "$rate" \
    "$DURATION" >"$data_dir/run-$name"
  stop_server
  target/server-release/checkout-flows check "$url" >"$data_dir/check-$name"
  echo "$name: $(cat "$data_dir/run-$name") $(cat "$data_dir/check-$name")" >&2
  printf '"%s":{"run":%s,"books":%s}' "$name" "$(cat "$data_dir/run-$name")" \
    "$(cat "$data_dir/check-$name")"
}

sqlite=$(run_on sqlite "$LORE_DATABASE_URL")
postgres=""
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_name="lore_bench_checkout_$$"
if psql "$pg_admin" -qc "CREATE DATABASE $pg_name" 2>/dev/null; then
  pg_url="${pg_admin%/*}/$pg_name"
  trap 'psql "$pg_admin" -qc "DROP DATABASE IF EXISTS '"$pg_name"' WITH (FORCE)" >/dev/null 2>&1 || true; for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$data_dir"' EXIT
  LORE_DATABASE_URL=$pg_url target/server-release/lore seed-demo >&2
  postgres=",$(run_on postgres "$pg_url")"
else
  echo "PostgreSQL unreachable at $pg_admin: SQLite only" >&2
fi
echo "{\"bench\":\"checkout\",\"rate\":$rate,\"seconds\":$DURATION,$sqlite$postgres}"
