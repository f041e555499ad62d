// The learner's journey, as a new learner takes it: catalog filters → course page → a free
// preview plays → enroll → watch → reload resumes where they stopped → finish every lesson →
// review → follow the author → certificate. In English on a desktop and in Chinese on a phone,
// with axe-core on every page the journey visits and a keyboard pass over the course page.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { PASSWORD, signedInAdmin } from "./authoring";

/** No serious or critical accessibility violations on the page as it is now. */
async function accessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, `axe on ${page.url()}`).toEqual([]);
}

/** Plays the lesson's video (muted, as autoplay rules require), then stops it at `seconds`. */
async function watchTo(page: Page, seconds: number) {
  const video = page.getByTestId("lesson-video");
  await expect(video).toBeVisible();
  await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);
  const reported = page.waitForResponse((r) => r.url().endsWith("/api/progress") && r.status() === 200);
  await video.evaluate((v: HTMLVideoElement, s: number) => {
    v.pause();
    v.currentTime = s;
  }, seconds);
  await reported;
}

const RUNS = [
  { lang: "en", viewport: { width: 1280, height: 800 }, found: "Courses found: 4", start: "Start learning" },
  { lang: "zh-CN", viewport: { width: 390, height: 844 }, found: "共找到 4 门课程", start: "开始学习" },
] as const;

for (const run of RUNS) {
  test(`[${run.lang} ${run.viewport.width}px] a learner finds, takes, finishes and reviews a free course`, async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(run.viewport);
    await page.context().addCookies([{ name: "lore_lang", value: run.lang, url: baseURL! }]);

    await page.goto("/register");
    await hydrated(page);
    const form = page.getByTestId("register-form");
    await form.locator('input[name="email"]').fill(`learner-${run.lang}-${Date.now()}@example.com`);
    await form.locator('input[name="display_name"]').fill("Learner");
    await form.locator('input[name="password"]').fill(PASSWORD);
    await form.locator('button[type="submit"]').click();
    // On a phone the account link is in the closed header menu: there, not shown.
    await expect(page.getByTestId("account-link")).toBeAttached();

    // The catalog, filtered to free courses taught in English.
    await page.goto("/courses");
    await hydrated(page);
    await page.getByTestId("filter-price").selectOption("free");
    await page.getByTestId("filter-lang").selectOption("en");
    await page.getByTestId("apply-filters").click();
    await expect(page.getByTestId("result-count")).toHaveText(run.found);
    await accessible(page);
    await page.locator('a[href="/courses/sql-for-everyone"]').first().click();
    await expect(page).toHaveURL(/\/courses\/sql-for-everyone$/);
    await hydrated(page);
    await accessible(page);

    // The free preview plays before enrolling.
    await page.getByTestId("preview-link").click();
    await hydrated(page);
    const preview = page.getByTestId("lesson-video");
    await preview.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
    });
    await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);
    await accessible(page);

    // Enroll (twice is once), then start.
    await page.goto("/courses/sql-for-everyone");
    await hydrated(page);
    await page.getByTestId("primary-action").click();
    await expect(page.getByTestId("primary-action")).toHaveText(run.start);
    await page.getByTestId("primary-action").click();
    await hydrated(page);

    // The demo clip is 4 s long: stop at 3 s, reload, and the player resumes there.
    await watchTo(page, 3);
    await page.reload();
    await hydrated(page);
    const video = page.getByTestId("lesson-video");
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(2.5);
    await accessible(page);

    // Finish every lesson by hand, through the syllabus beside the lesson.
    const lessons = await page
      .getByTestId("lesson-syllabus")
      .locator("a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    for (const href of lessons) {
      await page.goto(href);
      await hydrated(page);
      const toggle = page.getByTestId("done-toggle");
      if ((await toggle.getAttribute("aria-pressed")) !== "true") {
        await toggle.click();
        await expect(toggle).toHaveAttribute("aria-pressed", "true");
      }
    }

    // The course page: 100 %, a review, following the author, the certificate.
    await page.goto("/courses/sql-for-everyone");
    await hydrated(page);
    await expect(page.getByTestId("course-percent")).toContainText("100");
    const review = page.locator(".review-form");
    await review.locator('label[for="stars-5"]').click();
    // Words of this run's own: both runs review the same course.
    const words = `Clear and practical (${run.lang}).`;
    await review.locator("textarea").fill(words);
    await page.getByTestId("save-review").click();
    await expect(page.getByTestId("review").filter({ hasText: words })).toBeVisible();
    await page.getByTestId("follow").click();
    await expect(page.getByTestId("follow")).toHaveAttribute("aria-pressed", "true");
    await accessible(page);
    await page.getByTestId("certificate").click();
    await expect(page.getByTestId("certificate-page")).toBeVisible();
    await expect(page.getByTestId("certificate-page")).toContainText("Learner");
    await accessible(page);

    // "My learning" lists the course.
    await page.goto("/learning");
    await hydrated(page);
    await expect(page.getByTestId("learning-entry").filter({ hasText: "SQL" })).toBeVisible();
    await accessible(page);
  });
}

test("every control on the course page shows where the keyboard is", async ({ page }) => {
  await page.goto("/courses/sql-for-everyone");
  await hydrated(page);
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const card = el.closest(".course-card");
      const ring = (s: CSSStyleDeclaration) => s.outlineStyle !== "none" && s.outlineWidth !== "0px";
      return { tag: el.tagName, text: el.textContent?.trim().slice(0, 30), visible: ring(style) || (card !== null && ring(getComputedStyle(card))) };
    });
    if (focus === null) break;
    expect(focus.visible, `focus ring on ${focus.tag} "${focus.text}"`).toBe(true);
  }
});

/** Signs up a learner named `name` in `page`'s browser. */
async function register(page: Page, name: string) {
  await page.goto("/register");
  await hydrated(page);
  const form = page.getByTestId("register-form");
  await form.locator('input[name="email"]').fill(`${name.toLowerCase()}-${Date.now()}@example.com`);
  await form.locator('input[name="display_name"]').fill(name);
  await form.locator('input[name="password"]').fill(PASSWORD);
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId("account-link")).toBeVisible();
}

test("a reported review is hidden from the moderation page, and an admin picks a handle", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  // A learner enrolls in a free course and reviews it. The two learners sign up from addresses of
  // their own, as people behind a load balancer do (the suite's sign-ups from 127.0.0.1 would
  // otherwise reach the per-address limit).
  const rude = await (await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.7" } })).newPage();
  await rude.context().addCookies([{ name: "lore_lang", value: "en", url: baseURL! }]);
  await register(rude, "Rude");
  await rude.goto("/courses/sql-for-everyone");
  await hydrated(rude);
  await rude.getByTestId("primary-action").click();
  await expect(rude.getByTestId("primary-action")).toHaveText("Start learning");
  const words = `Worst course ever (${Date.now()}).`;
  const form = rude.locator(".review-form");
  await form.locator('label[for="stars-1"]').click();
  await form.locator("textarea").fill(words);
  await rude.getByTestId("save-review").click();
  await expect(rude.getByTestId("review").filter({ hasText: words })).toBeVisible();

  // Another learner reports it.
  const other = await (await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.8" } })).newPage();
  await other.context().addCookies([{ name: "lore_lang", value: "en", url: baseURL! }]);
  await register(other, "Fair");
  await other.goto("/courses/sql-for-everyone");
  await hydrated(other);
  await other.getByTestId("review").filter({ hasText: words }).getByRole("button", { name: "Report" }).click();
  await expect(other.getByText("Thank you: a moderator will look at it.")).toBeVisible();

  // An admin hides it from the moderation page; it leaves the course page.
  const admin = await signedInAdmin(browser, baseURL!);
  await admin.goto("/admin");
  await hydrated(admin);
  await admin.getByRole("link", { name: "Reported reviews" }).click();
  await expect(admin).toHaveURL(/\/admin\/reviews$/);
  await hydrated(admin);
  const waiting = admin.getByTestId("moderation-waiting").locator("li").filter({ hasText: words });
  await expect(waiting).toContainText("SQL");
  await accessible(admin);
  await waiting.getByRole("button", { name: "Hide review" }).click();
  await expect(admin.getByTestId("moderation-hidden")).toContainText(words);
  await accessible(admin);
  await other.reload();
  await expect(other.getByTestId("reviews")).toBeVisible();
  await expect(other.getByTestId("review").filter({ hasText: words })).toHaveCount(0);

  // The admin gives their author page a handle; the page answers at it.
  const handle = `rita-${Date.now()}`;
  await admin.goto("/account");
  await hydrated(admin);
  const profile = admin.getByTestId("bio-section");
  await profile.getByTestId("handle-input").fill(`@${handle}`);
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(profile).toContainText("Profile saved.");
  await accessible(admin);
  await profile.getByRole("link", { name: "View your author page" }).click();
  await expect(admin).toHaveURL(new RegExp(`/authors/${handle}$`));
  await expect(admin.getByTestId("author-page")).toContainText(`@${handle}`);
  await accessible(admin);
});
