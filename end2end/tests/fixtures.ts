import { test as base, expect, Page } from "@playwright/test";

type Options = {
  /// HTTP error statuses a test provokes on purpose (a wrong password's 401). Chromium logs every
  /// failed response as a console error; only these are tolerated, and only as network logs.
  allowedStatuses: number[];
  /// Network failures a test provokes on purpose (a connection it cuts), tolerated likewise.
  allowedNetworkErrors: string[];
};

/// Every test fails on a console error, an uncaught exception or a hydration warning.
export const test = base.extend<Options & { page: Page }>({
  allowedStatuses: [[], { option: true }],
  allowedNetworkErrors: [[], { option: true }],
  page: async ({ page, allowedStatuses, allowedNetworkErrors }, use) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      const text = message.text();
      const expected =
        allowedStatuses.some((status) =>
          text.startsWith(`Failed to load resource: the server responded with a status of ${status} `),
        ) || allowedNetworkErrors.some((error) => text === `Failed to load resource: ${error}`);
      if (expected) return;
      if (message.type() === "error" || (message.type() === "warning" && /hydrat/i.test(text))) {
        problems.push(`${message.type()}: ${text}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    await use(page);
    expect(problems, "console errors or hydration warnings").toEqual([]);
  },
});

export { expect };

/// Waits until the WASM bundle has hydrated the page. The frontend marks <body> when it is done.
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}
