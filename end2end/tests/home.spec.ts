import { test, expect, hydrated } from "./fixtures";

test("the home page shows featured, new and popular rows with links into the catalog", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 2, name: "Featured" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "New courses" })).toBeVisible();
  const design = page.locator('.chips a[data-category="design"]');
  await expect(design).toHaveAttribute("href", "/courses?category=design");
});

test("the catalog filters by category without a reload and says how many match", async ({ page }) => {
  await page.goto("/courses");
  await hydrated(page);
  const grid = page.getByTestId("course-grid");
  await expect(grid.locator("article")).toHaveCount(20);
  await expect(page.getByTestId("result-count")).toHaveText("Courses found: 42");

  // A marker on window survives client-side navigation but not a reload.
  await page.evaluate(() => ((window as any).__loreMarker = "still here"));
  await page.getByTestId("filter-category").selectOption("design");
  await page.getByTestId("apply-filters").click();
  await expect(page).toHaveURL(/category=design/);
  await expect(page.getByTestId("result-count")).toHaveText("Courses found: 7");
  const cards = grid.locator("article");
  const categories = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-category")));
  expect(new Set(categories)).toEqual(new Set(["design"]));
  expect(await page.evaluate(() => (window as any).__loreMarker)).toBe("still here");

  // The back button restores the unfiltered catalog.
  await page.goBack();
  await expect(page.getByTestId("result-count")).toHaveText("Courses found: 42");
});

test("a course page shows its outline and opens a free preview", async ({ page }) => {
  await page.goto("/courses/rust-from-zero");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rust 从零到实战");
  await page.getByTestId("preview-link").click();
  await expect(page).toHaveURL(/\/courses\/rust-from-zero\/lessons\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("为什么要学Rust");
});
