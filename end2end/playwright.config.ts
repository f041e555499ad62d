import { defineConfig } from "@playwright/test";

// The server under test: the release build, on a fresh temporary database seeded with the demo
// catalog. scripts/test.sh builds it and passes the data folder and port.
const port = Number(process.env.LORE_E2E_PORT ?? 3917);
const dataDir = process.env.LORE_E2E_DATA_DIR ?? "/tmp/lore-e2e";
const binary = process.env.LORE_E2E_BINARY ?? "target/server-release/lore";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: process.env.LORE_CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `${binary} serve`,
    cwd: "..",
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      LORE_BIND: `127.0.0.1:${port}`,
      LORE_DATA_DIR: dataDir,
      LORE_SEED_DEMO: "true",
      LORE_SITE_ROOT: "target/site",
      LORE_ENV: "production",
      // The built-in sandbox provider takes the browser tests' (test) money.
      LORE_SANDBOX_PAYMENTS: "true",
      // The browser is the "load balancer": a test whose people must not share one address (the
      // sign-up limit is per address) sends X-Forwarded-For, as a proxy in front of Lore would.
      LORE_TRUSTED_PROXIES: "127.0.0.1",
      RUST_LOG: "warn",
    },
  },
});
