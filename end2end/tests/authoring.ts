// Steps several browser tests share: signing in, signing up as an author, making courses.
import { expect, hydrated } from "./fixtures";
import type { Browser, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";

export const PASSWORD = "a long and unusual passphrase";

/** Fills and sends the sign-in form. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  const form = page.getByTestId("login-form");
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
}

/** Signs up `email` and accepts the author terms; leaves the page on /account. */
export async function becomeAuthor(page: Page, email: string) {
  await page.goto("/register");
  await hydrated(page);
  const form = page.getByTestId("register-form");
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="display_name"]').fill("Writer");
  await form.locator('input[name="password"]').fill(PASSWORD);
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId("account-link")).toBeVisible();
  await page.goto("/account");
  await hydrated(page);
  const become = page.getByTestId("become-author");
  await become.locator('input[name="accept_terms"]').check();
  await become.locator('button[type="submit"]').click();
  await expect(become).toHaveCount(0);
}

/** Creates a course from the studio's home and waits for its editor to hydrate. */
export async function newCourse(page: Page, title: string) {
  await page.goto("/studio");
  await hydrated(page);
  const create = page.getByTestId("new-course");
  await create.locator('input[name="title"]').fill(title);
  await create.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/studio\/courses\/\d+$/);
  await expect(page.getByTestId("course-title")).toHaveText(title);
  await hydrated(page);
}

/**
 * Signs up a new author (English interface) and creates a course holding one chapter with one
 * lesson of `kind`; leaves the page on the course's editor.
 */
export async function courseWithALesson(
  page: Page,
  baseURL: string,
  names: { email: string; course: string; chapter: string; lesson: string; kind: string },
) {
  await page.context().addCookies([{ name: "lore_lang", value: "en", url: baseURL }]);
  await becomeAuthor(page, `${names.email}-${Date.now()}@example.com`);
  await newCourse(page, names.course);
  await page.locator("#new-chapter").fill(names.chapter);
  await page.getByTestId("add-chapter").locator('button[type="submit"]').click();
  const form = page.getByTestId("chapter").getByTestId("add-lesson");
  await form.locator('input[type="text"]').fill(names.lesson);
  await form.locator("select").selectOption(names.kind);
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId("lesson-title")).toHaveText([names.lesson]);
}

/** An administrator made with the `lore admin create` command, signed in in a browser of its own. */
export async function signedInAdmin(browser: Browser, baseURL: string): Promise<Page> {
  const email = `reviewer-${Date.now()}@example.com`;
  const printed = execFileSync(
    process.env.LORE_E2E_BINARY ?? "target/server-release/lore",
    ["admin", "create", "--email", email, "--name", "Rita Reviewer"],
    {
      cwd: "..",
      env: { ...process.env, LORE_DATA_DIR: process.env.LORE_E2E_DATA_DIR ?? "/tmp/lore-e2e", RUST_LOG: "warn" },
      encoding: "utf8",
    },
  );
  const password = printed.match(/with password: (\S+)/)![1];
  const context = await browser.newContext();
  await context.addCookies([{ name: "lore_lang", value: "en", url: baseURL }]);
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page.getByTestId("account-link")).toBeVisible();
  return page;
}
