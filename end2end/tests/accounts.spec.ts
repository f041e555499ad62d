import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./authoring";
import type { Browser, BrowserContext } from "@playwright/test";

const PASSWORD = "a long and unusual passphrase";
const NEW_PASSWORD = "another unusual passphrase";

const LANGS = [
  { lang: "en", wrong: "Wrong email or password.", signIn: "Sign in", changed: "Password changed" },
  { lang: "zh-CN", wrong: "邮箱或密码不正确。", signIn: "登录", changed: "密码已修改" },
] as const;

async function newContext(browser: Browser, lang: string, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addCookies([{ name: "lore_lang", value: lang, url: baseURL }]);
  return context;
}

for (const { lang, wrong, changed } of LANGS) {
  test(`[${lang}] sign up, out, in, change password: the other browser is signed out`, async ({ page, browser, baseURL }) => {
    const email = `journey-${lang}-${Date.now()}@example.com`;
    await page.context().addCookies([{ name: "lore_lang", value: lang, url: baseURL! }]);

    await page.goto("/register");
    await hydrated(page);
    const form = page.getByTestId("register-form");
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="display_name"]').fill("Journey");
    await form.locator('input[name="password"]').fill(PASSWORD);
    await form.locator('button[type="submit"]').click();
    await expect(page.getByTestId("account-link")).toHaveText("Journey");

    await page.getByTestId("sign-out").click();
    await expect(page.getByTestId("sign-in-link")).toBeVisible();

    await signIn(page, email, PASSWORD);
    await expect(page.getByTestId("account-link")).toHaveText("Journey");

    // A second browser signs in too.
    const other = await newContext(browser, lang, baseURL!);
    const otherPage = await other.newPage();
    await signIn(otherPage, email, PASSWORD);
    await expect(otherPage.getByTestId("account-link")).toHaveText("Journey");

    // The first browser changes the password.
    await page.goto("/account");
    await hydrated(page);
    await expect(page.getByTestId("sessions").locator("li")).toHaveCount(2);
    const passwordForm = page.getByTestId("password-form");
    await passwordForm.locator('input[name="current"]').fill(PASSWORD);
    await passwordForm.locator('input[name="new_password"]').fill(NEW_PASSWORD);
    await passwordForm.locator('button[type="submit"]').click();
    await expect(page.getByRole("status")).toContainText(changed);

    // The second browser is signed out on its next page.
    await otherPage.goto("/account");
    await expect(otherPage.getByTestId("sign-in-link")).toBeVisible();
    await other.close();

    // The first stays signed in, and the new password works.
    await page.goto("/");
    await expect(page.getByTestId("account-link")).toHaveText("Journey");
  });

  test.describe(() => {
    test.use({ allowedStatuses: [401] });
    test(`[${lang}] a wrong password shows the translated error`, async ({ page, baseURL }) => {
    await page.context().addCookies([{ name: "lore_lang", value: lang, url: baseURL! }]);
      await signIn(page, `nobody-${Date.now()}@example.com`, "not the password");
      await expect(page.getByRole("alert")).toHaveText(wrong);
    });
  });
}

test("signing in works with the keyboard alone", async ({ page }) => {
  const email = `keys-${Date.now()}@example.com`;
  const response = await page.request.post("/api/register", {
    form: { email, display_name: "Keys", password: PASSWORD },
    maxRedirects: 0,
  });
  expect(response.status()).toBeLessThan(400);
  await page.context().clearCookies();

  await page.goto("/login");
  await hydrated(page);
  // Tab from the top of the page until the email field has focus.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === "email")) break;
  }
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("account-link")).toHaveText("Keys");
});
