#!/usr/bin/env bash
# The resource bars of the security probe's fixes (issue 6), against the release server as deployed
# (all cores, default settings), measured from outside the process:
# - a 1x6000 PNG avatar (about 100 bytes): time, and the server's peak RSS growth; then ten at once;
# - 200 made-up reset tokens at once, each from its own address (through a trusted proxy header, so
#   the per-address limit does not help): the server's peak RSS growth, and how long a normal
#   sign-in takes meanwhile.
# Peak RSS is the kernel's high-water mark (VmHWM), reset through /proc/PID/clear_refs before each
# step (needs the same user as the server, or root). The last line is one JSON object.
#
#   bench/abuse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup
unset TOKIO_WORKER_THREADS

port=3213
base=http://127.0.0.1:$port
LORE_BIND=127.0.0.1:$port LORE_PUBLIC_URL=$base LORE_TRUSTED_PROXIES=127.0.0.1/32 \
  start_server $port target/server-release/lore serve

python3 - "$base" "$server_pid" <<'PY'
import json, struct, sys, time, urllib.error, urllib.parse, urllib.request, uuid, zlib
from concurrent.futures import ThreadPoolExecutor

base, pid = sys.argv[1], sys.argv[2]
MIB = 1024 * 1024

def status(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise SystemExit(f"{field} missing")

def growth(work):
    """Runs work(); returns (its result, seconds, the server's peak RSS growth in bytes)."""
    before = status("VmRSS:")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    started = time.monotonic()
    result = work()
    took = time.monotonic() - started
    return result, took, max(0, status("VmHWM:") - before)

def post(path, fields=None, body=None, headers=None):
    data = body if body is not None else urllib.parse.urlencode(fields or {}).encode()
    request = urllib.request.Request(base + path, data=data, method="POST")
    request.add_header("Origin", base)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()

def png(width, height):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

password = "a long benchmark passphrase"
_, headers, _ = post("/api/register", {"email": "bomb@example.com", "display_name": "Bench",
                                       "password": password})
cookie = next(v.split(";")[0] for k, v in headers.items() if k.lower() == "set-cookie")

def upload(image):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; "
            f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + image \
        + f"\r\n--{boundary}--\r\n".encode()
    code, _, _ = post("/account/avatar", body=body, headers={
        "Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return code

bomb = png(1, 6000)
upload(png(64, 64))  # warm up
one_code, one_s, one_growth = growth(lambda: upload(bomb))
with ThreadPoolExecutor(10) as pool:
    ten_codes, ten_s, ten_growth = growth(lambda: list(pool.map(lambda _: upload(bomb), range(10))))

def flood():
    def reset(i):
        return post("/api/reset_password", {"token": f"{i:064x}",
                                            "new_password": "a fine new passphrase"},
                    headers={"X-Forwarded-For": f"10.{i // 250}.{i % 250}.7"})[0]
    def sign_in():
        time.sleep(0.05)
        started = time.monotonic()
        code = post("/api/login", {"email": "bomb@example.com", "password": password})[0]
        return code, time.monotonic() - started
    with ThreadPoolExecutor(201) as pool:
        resets = [pool.submit(reset, i) for i in range(200)]
        login = pool.submit(sign_in)
        return [r.result() for r in resets], login.result()

(codes, (login_code, login_s)), flood_s, flood_growth = growth(flood)

summary = {
    "bench": "abuse",
    "avatar_bomb_bytes": len(bomb),
    "avatar_bomb_status": one_code,
    "avatar_bomb_s": round(one_s, 3),
    "avatar_bomb_rss_growth_mib": round(one_growth / MIB, 1),
    "avatar_bomb_x10_statuses": sorted(set(ten_codes)),
    "avatar_bomb_x10_s": round(ten_s, 3),
    "avatar_bomb_x10_rss_growth_mib": round(ten_growth / MIB, 1),
    "reset_flood_requests": len(codes),
    "reset_flood_statuses": {str(c): codes.count(c) for c in sorted(set(codes))},
    "reset_flood_s": round(flood_s, 3),
    "reset_flood_rss_growth_mib": round(flood_growth / MIB, 1),
    "sign_in_during_flood_status": login_code,
    "sign_in_during_flood_s": round(login_s, 3),
    "bars": {"avatar_bomb_s": 1, "avatar_bomb_rss_growth_mib": 50,
             "avatar_bomb_x10_rss_growth_mib": 200, "reset_flood_rss_growth_mib": 100,
             "sign_in_during_flood_s": 2},
}
print(json.dumps(summary, indent=1), file=sys.stderr)
print(json.dumps(summary))
PY
stop_server
