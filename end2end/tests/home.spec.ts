import { test, expect, hydrated } from "./fixtures";

test("the home page lists courses and filters by category without a reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const grid = page.getByTestId("course-grid");
  await expect(grid.locator("article")).toHaveCount(20);

  // A marker on window survives client-side navigation but not a reload.
  await page.evaluate(() => ((window as any).__loreMarker = "still here"));
  await page.locator('.chips a[data-category="design"]').click();
  await expect(page).toHaveURL(/\?category=design$/);
  const cards = grid.locator("article");
  await expect(cards.first()).toHaveAttribute("data-category", "design");
  const categories = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-category")));
  expect(new Set(categories)).toEqual(new Set(["design"]));
  expect(await page.evaluate(() => (window as any).__loreMarker)).toBe("still here");
  await expect(page.locator('.chips a[data-category="design"]')).toHaveAttribute("aria-current", "page");
});

test("a course page shows its outline and opens a free preview", async ({ page }) => {
  await page.goto("/courses/rust-from-zero");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rust 从零到实战");
  await page.locator(".buy-box a.button").click();
  await expect(page).toHaveURL(/\/courses\/rust-from-zero\/lessons\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("为什么要学Rust");
});
