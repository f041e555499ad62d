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
source bench/lib.sh
bench_setup

LORE_BIND=127.0.0.1:3201 start_server 3201 target/server-release/lore serve
measure lore http://127.0.0.1:3201/
stop_server
BENCH_BIND=127.0.0.1:3202 start_server 3202 target/server-release/handwritten-home
measure handwritten http://127.0.0.1:3202/
stop_server
BENCH_BIND=127.0.0.1:3203 start_server 3203 target/server-release/hello
measure hello http://127.0.0.1:3203/
stop_server

python3 - "$(results_json)" "$DURATION" "$CONNECTIONS" <<'PY'
import json, sys
servers = json.loads(sys.argv[1])
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
