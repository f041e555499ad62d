#!/usr/bin/env bash
# Builds Lore in release mode and runs it on embedded SQLite under ./data, with the demo catalog on
# first start. Open http://127.0.0.1:3000 (LORE_BIND changes it). Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
cargo leptos build --release --split
export LORE_SITE_ROOT="${LORE_SITE_ROOT:-target/site}"
# On a laptop, reset links are read at /dev/mail (this machine only; refused on a public address).
export LORE_DEV_MAIL="${LORE_DEV_MAIL:-true}"
# Buying works with the built-in sandbox's test money (this machine only; refused on a public
# address). Set Stripe's keys instead to take real money.
export LORE_SANDBOX_PAYMENTS="${LORE_SANDBOX_PAYMENTS:-true}"
target/server-release/lore seed-demo
exec target/server-release/lore serve
