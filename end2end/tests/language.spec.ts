import { test, expect, hydrated } from "./fixtures";

test("the language switch turns the interface to Chinese and it stays after a reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator(".section-title")).toHaveText("New courses");

  await page.getByTestId("lang-switch").click();
  await expect(page.locator(".section-title")).toHaveText("最新课程");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.locator('.chips a[data-category="design"]')).toHaveText("设计创意");

  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.locator(".section-title")).toHaveText("最新课程");

  await page.getByTestId("lang-switch").click();
  await expect(page.locator(".section-title")).toHaveText("New courses");
});
