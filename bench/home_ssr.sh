#!/usr/bin/env bash
# Home page server-side rendering throughput, against two references measured in the same run:
#   lore         the real home page (Leptos SSR, 20 course cards from SQLite)
#   handwritten  the same two queries with the HTML written by hand in plain axum (the ceiling for a
#                dynamic page)
#   hello        a bare axum hello-world (the floor: what HTTP alone costs)
# All three are release builds. Each server runs alone, pinned to CPU 0 with one tokio worker; wrk
# runs pinned to CPU 1. Prints a human summary, then one JSON object as the last line.
#
#   bench/home_ssr.sh                 # 10 s per server, 16 connections
#   DURATION=30 CONNECTIONS=32 bench/home_ssr.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT_LORE=3201 PORT_HAND=3202 PORT_HELLO=3203

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs: one for the server, one for the load" >&2; exit 1; }

echo "building (release)..." >&2
scripts/setup.sh >&2
cargo leptos build --release >&2
cargo build --profile server-release -p bench --locked >&2

data_dir=$(mktemp -d -t lore-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$data_dir"; }
trap cleanup EXIT

export LORE_DATA_DIR="$data_dir" LORE_SITE_ROOT=target/site LORE_ENV=production RUST_LOG=error
export LORE_DATABASE_URL="sqlite://$data_dir/lore.db"
export TOKIO_WORKER_THREADS=1
target/server-release/lore seed-demo >&2

wait_ready() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "server on port $1 did not come up" >&2
  exit 1
}

# run NAME PORT COMMAND... : start the server alone on CPU 0, warm up, measure, stop it.
run() {
  local name=$1 port=$2; shift 2
  taskset -c 0 "$@" >/dev/null 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_ready "$port"
  local bytes
  bytes=$(curl -fsS "http://127.0.0.1:$port/" | wc -c)
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/" >/dev/null
  local out
  out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  printf '%-12s %10s req/s   p50 %-8s p99 %-8s %6s bytes\n' "$name" "$rps" "$p50" "$p99" "$bytes" >&2
  printf '"%s":{"rps":%s,"p50":"%s","p99":"%s","bytes":%s,"non_2xx":%s}' \
    "$name" "$rps" "$p50" "$p99" "$bytes" "${errors:-0}" >>"$data_dir/results"
  printf ',' >>"$data_dir/results"
}

: >"$data_dir/results"
LORE_BIND="127.0.0.1:$PORT_LORE" run lore "$PORT_LORE" target/server-release/lore serve
BENCH_BIND="127.0.0.1:$PORT_HAND" run handwritten "$PORT_HAND" target/server-release/handwritten-home
BENCH_BIND="127.0.0.1:$PORT_HELLO" run hello "$PORT_HELLO" target/server-release/hello

python3 - "$data_dir/results" "$DURATION" "$CONNECTIONS" <<'PY'
import json, sys
raw = open(sys.argv[1]).read().rstrip(",")
servers = json.loads("{" + raw + "}")
lore, hand, hello = (servers[k]["rps"] for k in ("lore", "handwritten", "hello"))
summary = {
    "bench": "home_ssr",
    "duration_s": int(sys.argv[2]),
    "connections": int(sys.argv[3]),
    "servers": servers,
    "lore_vs_handwritten": round(lore / hand, 3),
    "lore_vs_hello": round(lore / hello, 4),
}
print(f"lore / handwritten = {summary['lore_vs_handwritten']}, lore / hello = {summary['lore_vs_hello']}", file=sys.stderr)
print(json.dumps(summary))
PY
