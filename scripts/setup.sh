#!/usr/bin/env bash
# Installs what building and testing Lore needs, skipping whatever is already there. Everything comes
# from the package registries (crates.io, npm, Debian): cargo-leptos would otherwise download
# wasm-bindgen, wasm-opt and sass from GitHub, which these machines cannot reach.
#
#   scripts/setup.sh          # build tools and the studio editor's bundle (what `make run` needs)
#   scripts/setup.sh --test   # also cargo-nextest, Playwright, Debian's chromium, aiosmtpd and moto
#                             # (what `make test` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11 needs a newer rustc than these machines have
# The CLI must equal the wasm-bindgen crate in Cargo.lock, or the generated JS does not match.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  # --debug: it only orchestrates cargo, wasm-bindgen and wasm-opt, so an unoptimised build runs
  # as fast where it matters and installs in about 11 minutes instead of 16.
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes on 2 cores, once)"
  cargo install --locked --debug cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if $want_test && ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest (the test runner; about 5 minutes on 2 cores, once)"
  cargo install --locked --debug cargo-nextest
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the CLI's own lock file pins crates that no longer build with this toolchain.
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v mold >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    step "installing Debian's mold (a fast linker; builds work without it, only slower)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mold || echo "mold unavailable: linking with the default linker" >&2
  else
    echo "tip: 'sudo apt-get install mold' makes linking several times faster" >&2
  fi
fi

if [ ! -x tools/node_modules/.bin/sass ] || [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  step "installing sass and wasm-opt from npm into tools/"
  npm ci --prefix tools --no-audit --no-fund
fi

if [ ! -x frontend/editor/node_modules/.bin/esbuild ]; then
  step "installing the studio editor's packages (Tiptap, esbuild) from npm into frontend/editor/"
  npm ci --prefix frontend/editor --no-audit --no-fund
fi
# The editor bundle is built, not committed; cargo-leptos copies it from public/ into the site.
# esbuild takes well under a second, so it simply runs every time.
npm run --silent --prefix frontend/editor build -- --log-level=warning

if $want_test; then
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    step "installing Playwright (no browser download: Debian's chromium is used)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund
  fi
  if [ ! -x tools/venv/bin/aiosmtpd ]; then
    step "installing aiosmtpd from PyPI into tools/venv (a real SMTP server for the mail tests)"
    python3 -m venv tools/venv
    tools/venv/bin/pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6
  fi
  if [ ! -x tools/venv/bin/moto_server ]; then
    step "installing moto from PyPI into tools/venv (a real S3-compatible server for the media tests)"
    [ -x tools/venv/bin/pip ] || python3 -m venv tools/venv
    tools/venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==5.1.18"
  fi
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      step "installing Debian's chromium"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    else
      echo "Playwright needs /usr/bin/chromium: run 'sudo apt-get install chromium' first" >&2
      exit 1
    fi
  fi
fi
