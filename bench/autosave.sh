#!/usr/bin/env bash
# The lesson editor's autosave round trip: an author's browser POSTs a 20,000-character lesson body
# (Chinese and English paragraphs, a few marks, a table and a code block) to /api/studio_save_lesson;
# the server sanitises it, counts it, checks the version and commits it on SQLite, and answers the new
# version. Saves are sequential, each from the version the last one returned (as the editor does), a
# character added each time as if typing. Release build, server pinned to CPU 0 with one tokio
# worker, the client on CPU 1. The bar is p99 <= 50 ms. The last line is one JSON object.
#
#   bench/autosave.sh
#   SAVES=1000 bench/autosave.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source bench/lib.sh
bench_setup

base=http://127.0.0.1:3212
LORE_BIND=127.0.0.1:3212 LORE_PUBLIC_URL=$base start_server 3212 target/server-release/lore serve

taskset -c 1 python3 - "$base" "${SAVES:-500}" <<'PY'
import http.client, json, sys, time, urllib.parse

base, saves = sys.argv[1], int(sys.argv[2])
host = urllib.parse.urlparse(base).netloc
conn = http.client.HTTPConnection(host)
cookie = ""

def call(name, fields=None, body=None):
    global cookie
    headers = {"Origin": base, "Accept": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body, ensure_ascii=False).encode(), "application/json"
    else:
        data = urllib.parse.urlencode(fields or {})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("POST", f"/api/{name}", data, headers)
    response = conn.getresponse()
    text = response.read()
    for key, value in response.getheaders():
        if key.lower() == "set-cookie" and value.startswith("lore_session="):
            cookie = value.split(";")[0]
    if response.status != 200:
        sys.exit(f"{name}: {response.status} {text[:200]!r}")
    return json.loads(text) if text else None

call("register", {"email": "bench-author@example.com", "display_name": "Bench", "password": "a long benchmark passphrase"})
call("become_author", {"accept_terms": "yes"})
course = call("studio_create_course", {"title": "Autosave bench 自动保存", "category": "1", "language": "zh-CN", "price": "0", "currency": "CNY"})
chapter = call("studio_structure", body={"course": course, "edit": {"AddChapter": {"title": "One"}}})[0]["id"]
lesson = call("studio_structure", body={"course": course, "edit": {"AddLesson": {"chapter": chapter, "title": "Long", "kind": "Text"}}})[0]["lessons"][0]["id"]

zh = "机器学习是人工智能的一个分支，它让计算机从数据中学习规律，而不是依靠人写好的每一条规则。"
en = "Ownership is Rust's most distinctive feature, and it lets Rust make memory safety guarantees without a garbage collector. "
blocks = ["<h2>第一节 Section one</h2><ul><li>一</li><li>two</li></ul>"]
while sum(map(len, blocks)) < 19_700:
    text = zh if len(blocks) % 2 == 0 else en
    blocks.append(f"<p>{text}<strong>重点 key point</strong> <em>{text[:20]}</em></p>")
blocks.insert(9, "<pre><code class=\"language-rust\">fn main() { println!(\"你好\"); }</code></pre>")
blocks.insert(15, "<table><tbody><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>")
html = "".join(blocks)

version, times, chars = 1, [], 0
for i in range(saves + 20):
    html = html[:-4] + ("字" if i % 2 else "a") + "</p>"
    started = time.perf_counter()
    answer = call("studio_save_lesson", body={"lesson": lesson, "html": html, "version": version})
    elapsed = (time.perf_counter() - started) * 1000
    version, chars = answer["version"], answer["chars"]
    if i >= 20:  # the first saves warm caches and the connection
        times.append(elapsed)

times.sort()
pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 2)
summary = {
    "bench": "autosave",
    "saves": len(times),
    "request_bytes": len(json.dumps({"lesson": lesson, "html": html, "version": version}, ensure_ascii=False).encode()),
    "lesson_chars": len(html),
    "text_chars_counted": chars,
    "p50_ms": pick(0.50),
    "p95_ms": pick(0.95),
    "p99_ms": pick(0.99),
    "max_ms": round(times[-1], 2),
    "bar_p99_ms": 50,
}
print(f"autosave of a {len(html)}-character lesson: p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms (bar 50)", file=sys.stderr)
print(json.dumps(summary))
PY
stop_server
