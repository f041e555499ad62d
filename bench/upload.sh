#!/usr/bin/env bash
# A 1 GiB video uploaded to local storage (the media folder under the data directory), both ways
# the studio sends files: one streamed `POST /media`, and resumably (tus: `POST /media/uploads`,
# then 8 MiB `PATCH` requests, as the editor's client sends them, then the parts joined into one
# file). The server's resident memory is sampled every 50 ms throughout; the bar is >= 100 MB/s and
# <= 32 MiB of RSS growth. Release build, server pinned to CPU 0 with one tokio worker, the client
# on CPU 1. The last line is one JSON object.
#
#   bench/upload.sh
#   UPLOAD_MIB=256 bench/upload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup

base=http://127.0.0.1:3213
LORE_BIND=127.0.0.1:3213 LORE_PUBLIC_URL=$base start_server 3213 target/server-release/lore serve

taskset -c 1 python3 - "$base" "$server_pid" "${UPLOAD_MIB:-1024}" <<'PY'
import base64, http.client, json, sys, threading, time, urllib.parse

base, pid, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = urllib.parse.urlparse(base).netloc
total = mib * 1024 * 1024
piece = bytearray((i * 7) % 251 for i in range(1024 * 1024))
piece[:24] = bytes.fromhex("000000186674797069736f6d0000020069736f6d69736f32")  # an MP4 head
piece = bytes(piece)
cookie = ""

def rss():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0

def request(method, path, body=None, headers=None, chunked=False):
    global cookie
    conn = http.client.HTTPConnection(host, timeout=600)
    headers = {"Origin": base, "Accept": "application/json", **(headers or {})}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body, headers, encode_chunked=chunked)
    response = conn.getresponse()
    text = response.read()
    for key, value in response.getheaders():
        if key.lower() == "set-cookie" and value.startswith("lore_session="):
            cookie = value.split(";")[0]
    conn.close()
    return response, text

def form(name, fields):
    response, text = request("POST", f"/api/{name}", urllib.parse.urlencode(fields),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    if response.status != 200:
        sys.exit(f"{name}: {response.status} {text[:200]!r}")

def measured(send):
    """Runs `send`, sampling the server's RSS; (seconds, peak growth in bytes)."""
    before, peak, done = rss(), [0], threading.Event()
    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.05)
    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    send()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return elapsed, max(0, peak[0] - before)

def pieces(start, end):
    for at in range(start, end, len(piece)):
        yield piece[: min(len(piece), end - at)]

form("register", {"email": "bench-uploader@example.com", "display_name": "Bench", "password": "a long benchmark passphrase"})
form("become_author", {"accept_terms": "yes"})
request("POST", "/media?kind=video&name=warm.mp4", piece[:4096])  # first use: key, folders

def streamed():
    response, text = request("POST", "/media?kind=video&name=lecture.mp4", pieces(0, total), chunked=True)
    if response.status != 201:
        sys.exit(f"POST /media: {response.status} {text[:200]!r}")

def resumable():
    tus = {"Tus-Resumable": "1.0.0"}
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in {"kind": "video", "filename": "lecture.mp4"}.items())
    response, text = request("POST", "/media/uploads", None, {**tus, "Upload-Length": str(total), "Upload-Metadata": meta})
    if response.status != 201:
        sys.exit(f"POST /media/uploads: {response.status} {text[:200]!r}")
    at = response.getheader("Location")
    chunk = 8 * 1024 * 1024
    for offset in range(0, total, chunk):
        end = min(total, offset + chunk)
        response, text = request("PATCH", at, b"".join(pieces(offset, end)), {
            **tus, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
        if response.status != 204:
            sys.exit(f"PATCH at {offset}: {response.status} {text[:200]!r}")
    if not response.getheader("Lore-Media-Id"):
        sys.exit("the last PATCH named no file")

results = {}
for name, send in [("streamed", streamed), ("resumable", resumable)]:
    seconds, growth = measured(send)
    results[name] = (total / seconds / 1e6, growth / (1024 * 1024), seconds)
    print(f"{name}: {mib} MiB in {seconds:.2f} s = {results[name][0]:.0f} MB/s, RSS +{results[name][1]:.1f} MiB", file=sys.stderr)

summary = {"bench": "upload", "mib": mib, "storage": "local"}
for name, (rate, growth, seconds) in results.items():
    summary[f"{name}_mb_per_s"] = round(rate, 1)
    summary[f"{name}_rss_growth_mib"] = round(growth, 1)
    summary[f"{name}_seconds"] = round(seconds, 2)
summary["bar_mb_per_s"], summary["bar_rss_growth_mib"] = 100, 32
print(json.dumps(summary))
PY
stop_server
