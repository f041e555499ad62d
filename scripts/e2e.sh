#!/usr/bin/env bash
# Runs only the Playwright tests against the current release build (`cargo leptos build --release --split`)
# on a fresh temporary database. Extra arguments go to Playwright, e.g. `scripts/e2e.sh -g language`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x target/server-release/lore ] || { echo "build first: cargo leptos build --release --split" >&2; exit 1; }
data_dir=$(mktemp -d -t lore-e2e.XXXXXX)
trap 'rm -rf "$data_dir"' EXIT
export LORE_E2E_DATA_DIR="$data_dir"
export LORE_E2E_PORT="${LORE_E2E_PORT:-3917}"
cd end2end
npx playwright test "$@"
