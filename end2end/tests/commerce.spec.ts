// Buying, as a new learner does it: Buy on the course page → the sandbox provider's pay page →
// back on Lore, "you own this course" → the paid lesson opens → a refund from the order page →
// the lesson is locked at once. A declined card leaves no access and says so. In English on a
// desktop and in Chinese on a phone. An admin's coupon lowers the price shown and charged.
import type { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { PASSWORD, signedInAdmin } from "./authoring";

const COURSE = "/courses/web-performance";

const RUNS = [
  {
    lang: "en",
    viewport: { width: 1280, height: 800 },
    buy: "Buy for $19.00",
    pay: "Pay $19.00",
    owned: "You own this course.",
    declined: "The payment did not go through, and nothing was charged.",
    refunded: "$19.00 was refunded. The course is no longer yours.",
  },
  {
    lang: "zh-CN",
    viewport: { width: 390, height: 844 },
    buy: "购买 US$19.00",
    pay: "支付 US$19.00",
    owned: "你已拥有这门课程。",
    declined: "付款未成功，未扣除任何款项。",
    refunded: "已退款 US$19.00，你已不再拥有这门课程。",
  },
] as const;

let learners = 0;

/**
 * Signs up a new learner in `lang`. Each comes from an address of its own (sign-ups are limited
 * per address, and the other specs sign people up too), a loopback one: the sandbox's pay page
 * answers only this machine.
 */
async function newLearner(page: Page, lang: string, baseURL: string) {
  learners += 1;
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `127.0.3.${learners}` });
  await page.context().addCookies([{ name: "lore_lang", value: lang, url: baseURL }]);
  await page.goto("/register");
  await hydrated(page);
  const form = page.getByTestId("register-form");
  await form.locator('input[name="email"]').fill(`buyer-${lang}-${Date.now()}@example.com`);
  await form.locator('input[name="display_name"]').fill("Buyer");
  await form.locator('input[name="password"]').fill(PASSWORD);
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId("account-link")).toBeAttached();
}

/** The course's first lesson that is not a free preview. */
async function paidLesson(page: Page) {
  await page.goto(COURSE);
  await hydrated(page);
  const row = page.locator(".lesson-row").filter({ hasNot: page.locator(".badge-accent") }).first();
  return (await row.locator("a").getAttribute("href"))!;
}

for (const run of RUNS) {
  test(`[${run.lang}] a learner buys a course, learns, asks for a refund and is locked out at once`, async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(run.viewport);
    await newLearner(page, run.lang, baseURL!);
    const lesson = await paidLesson(page);
    await page.goto(lesson);
    await hydrated(page);
    await expect(page.getByTestId("lesson-locked")).toBeVisible();

    await page.goto(COURSE);
    await hydrated(page);
    await expect(page.getByTestId("test-mode").first()).toBeVisible();
    const buy = page.getByTestId("primary-action");
    await expect(buy).toHaveText(run.buy);
    await buy.click();
    await expect(page).toHaveURL(/\/sandbox\/pay\/cs_sandbox_\d+$/);
    await hydrated(page);
    await expect(page.getByTestId("sandbox-pay")).toHaveText(run.pay);
    await page.getByTestId("sandbox-pay").click();
    await expect(page).toHaveURL(/\/orders\/\d+\?paid=1$/);
    await expect(page.getByTestId("order-outcome")).toHaveText(run.owned);

    await page.goto(lesson);
    await hydrated(page);
    await expect(page.getByTestId("lesson-body")).toBeVisible();

    await page.goto("/orders");
    await hydrated(page);
    await page.getByTestId("order-row").first().locator("a").click();
    await expect(page).toHaveURL(/\/orders\/\d+$/);
    await hydrated(page);
    await page.getByTestId("request-refund").click();
    await expect(page.getByTestId("order-outcome")).toHaveText(run.refunded);
    await expect(page.getByTestId("request-refund")).toHaveCount(0);

    await page.goto(lesson);
    await hydrated(page);
    await expect(page.getByTestId("lesson-locked")).toBeVisible();
  });

  test(`[${run.lang}] a declined card leaves no access and says so`, async ({ page, baseURL }) => {
    await page.setViewportSize(run.viewport);
    await newLearner(page, run.lang, baseURL!);
    await page.goto(COURSE);
    await hydrated(page);
    await page.getByTestId("primary-action").click();
    await expect(page).toHaveURL(/\/sandbox\/pay\//);
    await hydrated(page);
    await page.getByTestId("sandbox-fail").click();
    await expect(page).toHaveURL(/\/orders\/\d+\?cancelled=1$/);
    await expect(page.getByTestId("order-outcome")).toHaveText(run.declined);
    await page.getByTestId("try-again").click();
    await hydrated(page);
    await expect(page.getByTestId("primary-action")).toHaveText(run.buy);
  });
}

test("an admin's coupon lowers the price shown and the price charged", async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const admin = await signedInAdmin(browser, baseURL!);
  await admin.goto("/studio/coupons");
  await hydrated(admin);
  const code = `SPRING${Date.now() % 100000}`;
  const form = admin.getByTestId("new-coupon");
  await form.locator('input[name="code"]').fill(code);
  await form.locator('input[name="amount"]').fill("25");
  await form.locator('button[type="submit"]').click();
  await expect(admin.getByTestId("coupon").filter({ hasText: code })).toContainText("25% off");
  await admin.context().close();

  await newLearner(page, "en", baseURL!);
  await page.goto(COURSE);
  await hydrated(page);
  await page.getByTestId("coupon").fill(code.toLowerCase());
  await page.getByTestId("apply-coupon").click();
  await expect(page).toHaveURL(new RegExp(`coupon=${code.toLowerCase()}`));
  await expect(page.getByTestId("discount")).toHaveText("−$4.75");
  await expect(page.getByTestId("total")).toHaveText("$14.25");
  const buy = page.getByTestId("primary-action");
  await expect(buy).toHaveText("Buy for $14.25");
  await buy.click();
  await expect(page).toHaveURL(/\/sandbox\/pay\//);
  await hydrated(page);
  await expect(page.getByTestId("sandbox-pay")).toHaveText("Pay $14.25");
  await page.getByTestId("sandbox-pay").click();
  await expect(page.getByTestId("order-outcome")).toHaveText("You own this course.");
  await expect(page.getByTestId("total")).toHaveText("$14.25");

  // A code nobody made is refused in words, and the full price stays.
  await page.goto("/courses/figma-prototyping?coupon=NOPE-NOPE");
  await hydrated(page);
  await expect(page.getByTestId("coupon-error")).toHaveText("There is no coupon with this code.");
  await expect(page.getByTestId("primary-action")).toHaveText("Buy for $29.00");
});
