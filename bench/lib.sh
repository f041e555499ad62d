# Shared by the benchmark scripts: build, a fresh seeded database, servers pinned to CPU 0, wrk on
# CPU 1, and results collected as JSON fragments. Source it from the repository root.

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"

bench_setup() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
  [ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs: one for the server, one for the load" >&2; exit 1; }
  echo "building (release)..." >&2
  scripts/setup.sh >&2
  # The same compiler settings as scripts/test.sh's builds, so a benchmark and the tests reuse each
  # other's artifacts instead of compiling the workspace again (about 8 minutes on 2 cores).
  export CARGO_INCREMENTAL=0 LEPTOS_OUTPUT_NAME=lore
  export RUSTC_WORKSPACE_WRAPPER="$HOME/.cargo/bin/clippy-driver"
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
  [ -x "$RUSTC_WORKSPACE_WRAPPER" ] || RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver)
  cargo leptos build --release --split >&2
  cargo build --profile server-release -p bench --locked >&2

  data_dir=$(mktemp -d -t lore-bench.XXXXXX)
  pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$data_dir"' EXIT
  export LORE_DATA_DIR="$data_dir" LORE_SITE_ROOT=target/site LORE_ENV=production RUST_LOG=error
  export LORE_DATABASE_URL="sqlite://$data_dir/lore.db"
  export TOKIO_WORKER_THREADS=1
  target/server-release/lore seed-demo >&2
  : >"$data_dir/results"
}

# start_server PORT COMMAND... : runs the server on CPU 0 and waits until it answers.
start_server() {
  local port=$1; shift
  taskset -c 0 "$@" >/dev/null 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null \
      || curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $port did not come up" >&2
  exit 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

# measure NAME URL [CURL/WRK HEADER] : warms up, measures, appends a JSON fragment.
measure() {
  local name=$1 url=$2 header=${3:-}
  local hargs=()
  [ -n "$header" ] && hargs=(-H "$header")
  local bytes
  bytes=$(curl -fsS "${hargs[@]}" "$url" | wc -c)
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "${hargs[@]}" "$url" >/dev/null
  local out
  out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${hargs[@]}" "$url")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  printf '%-12s %10s req/s   p50 %-8s p99 %-8s %6s bytes\n' "$name" "$rps" "$p50" "$p99" "$bytes" >&2
  printf '"%s":{"rps":%s,"p50":"%s","p99":"%s","bytes":%s,"non_2xx":%s},' \
    "$name" "$rps" "$p50" "$p99" "$bytes" "${errors:-0}" >>"$data_dir/results"
}

# results_json : the collected fragments as one JSON object.
results_json() {
  printf '{%s}' "$(sed 's/,$//' "$data_dir/results")"
}
