#!/usr/bin/env bash
# What a learner's browser downloads to run Lore's home page: the JS, WASM and CSS under /pkg/,
# compressed, against the bar "no larger than before the studio" (the WASM was 658,165 B gzip -9
# then). The studio's page is measured too, to show its code comes as a chunk of its own. Real
# chromium loads each page from a release build (`--split`) and waits until it is hydrated. Prints
# a human summary, then one JSON object as the last line.
#
#   bench/learner_bytes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup
[ -d end2end/node_modules/@playwright/test ] || scripts/setup.sh --test >&2

LORE_BIND=127.0.0.1:3204 start_server 3204 target/server-release/lore serve
pages=$(node bench/learner_bytes.mjs http://127.0.0.1:3204 / /studio)
stop_server

python3 - "$pages" <<'PY'
import json, sys
pages = json.loads(sys.argv[1])
before_wasm_gzip9 = 658_165
home, studio = pages["/"], pages["/studio"]
home_names = {f["name"] for f in home["files"]}
studio_only = [f for f in studio["files"] if f["name"] not in home_names]
summary = {
    "bench": "learner_bytes",
    "home": {k: home[k] for k in ("transferred", "gzip9", "wasm_gzip9", "js_gzip9", "css_gzip9")},
    "home_files": home["files"],
    "studio_extra_files": studio_only,
    "studio_extra_gzip9": sum(f["gzip9"] for f in studio_only),
    "before_wasm_gzip9": before_wasm_gzip9,
    "home_wasm_vs_before": round(home["wasm_gzip9"] / before_wasm_gzip9, 3),
}
print(
    f"home: {home['transferred']} B transferred, {home['gzip9']} B gzip -9 "
    f"(WASM {home['wasm_gzip9']}, JS {home['js_gzip9']}, CSS {home['css_gzip9']}); "
    f"WASM before the studio {before_wasm_gzip9}; the studio adds {summary['studio_extra_gzip9']} B",
    file=sys.stderr,
)
print(json.dumps(summary))
PY
