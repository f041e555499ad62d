#!/usr/bin/env bash
# What being signed in costs: the home page rendered for an anonymous visitor and for a signed-in
# one (session cookie: one indexed session lookup per request, "last seen" written at most once a
# minute), same server, same run. The bar is signed_in / anonymous >= 0.90.
# Server pinned to CPU 0 with one tokio worker, wrk on CPU 1. The last line is one JSON object.
#
#   bench/signed_in_ssr.sh
#   DURATION=30 bench/signed_in_ssr.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup

base=http://127.0.0.1:3211
LORE_BIND=127.0.0.1:3211 LORE_PUBLIC_URL=$base start_server 3211 target/server-release/lore serve
cookie=$(curl -fsS -o /dev/null -D - -X POST "$base/api/register" \
  --data-urlencode email=bench@example.com --data-urlencode display_name=Bench \
  --data-urlencode "password=a long benchmark passphrase" \
  | awk -F'[:;]' 'tolower($1) == "set-cookie" && $2 ~ /lore_session=/ { gsub(/^ /, "", $2); print $2; exit }')
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
curl -fsS "$base/" -H "Cookie: $cookie" | grep -q 'data-testid="account-link"' \
  || { echo "the cookie does not sign the page in" >&2; exit 1; }

# Alternate, twice each, so drift on the machine hits both sides alike.
for round in 1 2; do
  measure "anonymous_$round" "$base/"
  measure "signed_in_$round" "$base/" "Cookie: $cookie"
done
stop_server

python3 - "$(results_json)" "$DURATION" "$CONNECTIONS" <<'PY'
import json, sys
runs = json.loads(sys.argv[1])
anon = sum(runs[f"anonymous_{i}"]["rps"] for i in (1, 2)) / 2
signed = sum(runs[f"signed_in_{i}"]["rps"] for i in (1, 2)) / 2
summary = {
    "bench": "signed_in_ssr",
    "duration_s": int(sys.argv[2]),
    "connections": int(sys.argv[3]),
    "runs": runs,
    "anonymous_rps": round(anon, 1),
    "signed_in_rps": round(signed, 1),
    "signed_in_vs_anonymous": round(signed / anon, 3),
    "bar": 0.90,
}
print(f"signed in / anonymous = {summary['signed_in_vs_anonymous']} (bar 0.90)", file=sys.stderr)
print(json.dumps(summary))
PY
