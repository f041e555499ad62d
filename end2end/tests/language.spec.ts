import { test, expect, hydrated } from "./fixtures";

test("the language switch turns the interface to Chinese and it stays after a reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 2, name: "New courses" })).toBeVisible();

  await page.getByTestId("lang-switch").click();
  await expect(page.getByRole("heading", { level: 2, name: "最新课程" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.locator('.chips a[data-category="design"]')).toHaveText("设计创意");

  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 2, name: "最新课程" })).toBeVisible();

  await page.getByTestId("lang-switch").click();
  await expect(page.getByRole("heading", { level: 2, name: "New courses" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the language switch is a link that works before any script runs", async ({ page }) => {
    await page.goto("/courses?category=design");
    await expect(page.getByTestId("result-count")).toHaveText("Courses found: 7");
    await page.getByTestId("lang-switch").click();
    await expect(page).toHaveURL(/\/courses\?category=design$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByTestId("result-count")).toHaveText("共找到 7 门课程");
  });
});
