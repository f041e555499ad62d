#!/usr/bin/env bash
# The catalog page with filters on a catalog of 10,000 published courses: the whole page (Leptos
# SSR, 20 cards, the filtered count), uncached, on SQLite and on PostgreSQL. Bar: p99 ≤ 20 ms at
# 16 connections on SQLite. The server runs alone pinned to CPU 0 with one tokio worker; wrk runs
# pinned to CPU 1. Prints a human summary, then one JSON object as the last line.
#
#   bench/catalog.sh                       # 10 s per backend, 16 connections
#   DURATION=30 bench/catalog.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup

# Paid courses taught in Chinese, for beginners, rated 3 stars or more, best rated first.
path="/courses?price=paid&lang=zh-CN&level=beginner&rating=3&sort=rating"
seed=target/server-release/catalog-seed

db=$("$seed" sqlite "$data_dir/catalog.db")
LORE_DATABASE_URL="$db" LORE_BIND=127.0.0.1:3211 start_server 3211 target/server-release/lore serve
cards=$(curl -fsS "http://127.0.0.1:3211$path" | grep -o '<article' | wc -l)
echo "sqlite: the page shows $cards cards" >&2
measure sqlite "http://127.0.0.1:3211$path"
stop_server

if db=$("$seed" postgres lore_bench_catalog); then
  LORE_DATABASE_URL="$db" LORE_BIND=127.0.0.1:3212 start_server 3212 target/server-release/lore serve
  measure postgres "http://127.0.0.1:3212$path"
  stop_server
  "$seed" drop lore_bench_catalog
else
  echo "PostgreSQL unreachable: SQLite only" >&2
fi

python3 - "$(results_json)" "$DURATION" "$CONNECTIONS" "$cards" <<'PY'
import json, sys
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * factor, 2)
    return None
backends = json.loads(sys.argv[1])
for figures in backends.values():
    figures["p50_ms"], figures["p99_ms"] = ms(figures.pop("p50")), ms(figures.pop("p99"))
summary = {
    "bench": "catalog",
    "courses": 10000,
    "cards": int(sys.argv[4]),
    "duration_s": int(sys.argv[2]),
    "connections": int(sys.argv[3]),
    "backends": backends,
    "sqlite_p99_bar_ms": 20,
    "sqlite_p99_met": backends["sqlite"]["p99_ms"] <= 20,
}
print(json.dumps(summary))
PY
