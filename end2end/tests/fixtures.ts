import { test as base, expect, Page } from "@playwright/test";

/// Every test fails on a console error, an uncaught exception or a hydration warning.
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      const text = message.text();
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
