#!/usr/bin/env bash
# The bell's live stream at scale on one node: 1,000 Server-Sent-Events connections (250 learners,
# 4 tabs each) stay open on a release server (SQLite, one tokio worker pinned to CPU 0); a reviewer
# approves an update to a course they all own, and every connection must get its notification.
# Prints the server's RSS (before the connections, with them open, after the delivery) and the
# latency from the approval to the last connection's event. The bars: RSS <= 150 MB, all within 1 s.
# The last line is one JSON object.
#
#   bench/sse.sh
#   LEARNERS=250 TABS=4 bench/sse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
ulimit -n 8192
bench_setup

base=http://127.0.0.1:3214
password=$(target/server-release/lore admin create --email admin@bench.test --name Admin \
  | sed -n 's/.*with password: \([^ ]*\).*/\1/p')
# The learners register from addresses of their own (behind a trusted local proxy), as real ones
# would; from one address the sign-up limit stops them at ten.
LORE_BIND=127.0.0.1:3214 LORE_PUBLIC_URL=$base LORE_TRUSTED_PROXIES=127.0.0.1/32 start_server 3214 target/server-release/lore serve

taskset -c 1 python3 - "$base" "$data_dir/lore.db" "$server_pid" "$password" \
  "${LEARNERS:-250}" "${TABS:-4}" <<'PY'
import asyncio, json, sqlite3, sys, time, urllib.parse

base, db, pid, password, learners, tabs = sys.argv[1:7]
learners, tabs = int(learners), int(tabs)
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

async def post(name, fields, cookie="", client=""):
    reader, writer = await asyncio.open_connection(host, port)
    body = urllib.parse.urlencode(fields).encode()
    head = (f"POST /api/{name} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {base}\r\n"
            f"Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n")
    if cookie:
        head += f"Cookie: lore_session={cookie}\r\n"
    if client:
        head += f"X-Forwarded-For: {client}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    response = (await reader.read()).decode(errors="replace")
    writer.close()
    status = int(response.split(" ", 2)[1])
    head, _, body = response.partition("\r\n\r\n")
    session = ""
    for line in head.split("\r\n"):
        if line.lower().startswith("set-cookie: lore_session="):
            session = line.split("=", 1)[1].split(";", 1)[0]
    if "transfer-encoding: chunked" in head.lower():
        chunks, rest = [], body
        while rest:
            size, _, rest = rest.partition("\r\n")
            size = int(size.strip() or "0", 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2:]
        body = "".join(chunks)
    return status, session, body.strip()

async def register(i, gate):
    async with gate:
        status, cookie, _ = await post("register", {
            "email": f"sse{i}@bench.test", "display_name": f"Learner {i}",
            "password": "a long and unusual passphrase"}, client=f"10.9.{i // 250}.{i % 250 + 1}")
        assert status == 200 and cookie, status
        return cookie

async def stream(cookie, ready, arrived):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write((f"GET /notifications/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  f"Cookie: lore_session={cookie}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], head
    ready.release()
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b"event: notification"):
            arrived.append(time.monotonic())
            writer.close()
            return

async def main():
    t = time.monotonic()
    gate = asyncio.Semaphore(4)
    cookies = await asyncio.gather(*(register(i, gate) for i in range(learners)))
    print(f"registered {learners} learners in {time.monotonic() - t:.1f} s", file=sys.stderr)
    con = sqlite3.connect(db, timeout=30)
    course, = con.execute("SELECT id FROM courses WHERE status = 'published' ORDER BY id LIMIT 1").fetchone()
    con.execute("INSERT INTO entitlements (user_id, course_id, status, source, created_at) "
                "SELECT id, ?, 'active', 'grant', 0 FROM users WHERE email LIKE 'sse%@bench.test'", (course,))
    con.commit()
    con.close()
    status, admin, _ = await post("login", {"email": "admin@bench.test", "password": password})
    assert status == 200 and admin, status
    status, _, number = await post("studio_submit", {"course": course}, admin)
    assert status == 200, (status, number)

    rss_before = rss_mb()
    ready, arrived = asyncio.Semaphore(0), []
    tasks = [asyncio.create_task(stream(c, ready, arrived)) for c in cookies for _ in range(tabs)]
    for _ in tasks:
        await ready.acquire()
    await asyncio.sleep(1)
    rss_open = rss_mb()
    print(f"{len(tasks)} streams open; server RSS {rss_before:.1f} -> {rss_open:.1f} MB", file=sys.stderr)

    start = time.monotonic()
    status, _, body = await post("review_decide", {"course": course, "number": number, "decision": "approve"}, admin)
    assert status == 200, (status, body)
    await asyncio.wait(tasks, timeout=10)
    rss_after = rss_mb()
    latencies = sorted(a - start for a in arrived)
    got = len(latencies)
    print(f"{got}/{len(tasks)} connections got the notification; last after "
          f"{latencies[-1] * 1000 if latencies else float('nan'):.0f} ms; RSS {rss_after:.1f} MB", file=sys.stderr)
    print(json.dumps({
        "bench": "sse", "connections": len(tasks), "learners": learners, "received": got,
        "last_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "p50_ms": round(latencies[got // 2] * 1000, 1) if latencies else None,
        "rss_mb_before": round(rss_before, 1), "rss_mb_open": round(rss_open, 1),
        "rss_mb_after": round(rss_after, 1)}))

asyncio.run(main())
PY
