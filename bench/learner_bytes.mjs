// Opens pages in Debian's chromium and adds up the JS, WASM and CSS the browser fetched from /pkg/
// for each: as transferred (the encoded body, brotli from Lore's server) and as gzip -9 of the same
// bytes (the unit the bar was first measured in). Prints one JSON object.
//
//   node bench/learner_bytes.mjs BASE_URL PATH...
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.LORE_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"],
});
const pages = {};
for (const path of paths) {
  // A fresh context per page: nothing cached from the page before.
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  page.on("requestfinished", (request) => {
    if (new URL(request.url()).pathname.startsWith("/pkg/")) fetched.push(request);
  });
  await page.goto(base + path);
  await page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
  await page.waitForLoadState("networkidle");
  const files = [];
  for (const request of fetched) {
    const response = await request.response();
    const body = await response.body();
    const name = new URL(request.url()).pathname.replace("/pkg/", "");
    files.push({
      name,
      kind: name.endsWith(".wasm") ? "wasm" : name.endsWith(".css") ? "css" : "js",
      encoding: response.headers()["content-encoding"] ?? "identity",
      transferred: (await request.sizes()).responseBodySize,
      raw: body.length,
      gzip9: gzipSync(body, { level: 9 }).length,
    });
  }
  const sum = (key, kind) =>
    files.filter((f) => !kind || f.kind === kind).reduce((total, f) => total + f[key], 0);
  pages[path] = {
    files,
    transferred: sum("transferred"),
    gzip9: sum("gzip9"),
    wasm_gzip9: sum("gzip9", "wasm"),
    js_gzip9: sum("gzip9", "js"),
    css_gzip9: sum("gzip9", "css"),
  };
  await context.close();
}
await browser.close();
console.log(JSON.stringify(pages));
