import { test, expect, hydrated } from "./fixtures";
import type { Page } from "@playwright/test";

const PASSWORD = "a long and unusual passphrase";
/** A 2×2 PNG, pasted into the editor as a picture. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8AARAxg8j8AG/ID/fPnS7EAAAAASUVORK5CYII=";

const LANGS = [
  {
    lang: "en",
    course: "Rust for beginners",
    chapter: "Getting started",
    lessons: ["Installing Rust", "Hello, world"],
    saved: "All changes saved",
    conflict: "changed in another tab",
    inReview: "In review",
  },
  {
    lang: "zh-CN",
    course: "机器学习入门",
    chapter: "第一章 基础",
    lessons: ["安装环境", "第一个模型"],
    saved: "所有更改已保存",
    conflict: "已在其他标签页或窗口中修改",
    inReview: "审核中",
  },
] as const;

async function becomeAuthor(page: Page, email: string) {
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

/**
 * Types `text` as an IME would: a composition of pinyin that becomes the characters. Halfway
 * through, the writer pauses longer than the autosave delay, as people do while choosing a
 * candidate.
 */
async function compose(page: Page, pinyin: string, text: string) {
  const cdp = await page.context().newCDPSession(page);
  for (let i = 1; i <= pinyin.length; i++) {
    const partial = pinyin.slice(0, i);
    await cdp.send("Input.imeSetComposition", {
      text: partial,
      selectionStart: partial.length,
      selectionEnd: partial.length,
    });
    if (i === Math.ceil(pinyin.length / 2)) {
      await page.waitForTimeout(AUTOSAVE_MS + 1500);
    }
  }
  await cdp.send("Input.insertText", { text });
  await cdp.detach();
}

/** The editor's autosave delay after typing stops (SAVE_AFTER_MS in frontend/editor/src/editor.js). */
const AUTOSAVE_MS = 1500;

async function pasteImage(page: Page) {
  await page.getByTestId("editor-content").evaluate((element, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "diagram.png", { type: "image/png" }));
    element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, PNG_BASE64);
}

for (const t of LANGS) {
  test.describe(() => {
    test.use({ allowedStatuses: [409] });
    test(`[${t.lang}] an author writes a course: structure by keyboard, rich text with IME and a pasted picture, autosave, a second tab's conflict, submit`, async ({
      page,
      baseURL,
    }) => {
      test.setTimeout(90_000);
      await page.context().addCookies([{ name: "lore_lang", value: t.lang, url: baseURL! }]);
      await becomeAuthor(page, `studio-${t.lang}-${Date.now()}@example.com`);

      // A new course opens in its editor.
      await page.goto("/studio");
      await hydrated(page);
      const create = page.getByTestId("new-course");
      await create.locator('input[name="title"]').fill(t.course);
      await create.locator('button[type="submit"]').click();
      await expect(page).toHaveURL(/\/studio\/courses\/\d+$/);
      await expect(page.getByTestId("course-title")).toHaveText(t.course);
      await hydrated(page);

      // A chapter with two lessons.
      await page.locator("#new-chapter").fill(t.chapter);
      await page.getByTestId("add-chapter").locator('button[type="submit"]').click();
      const chapter = page.getByTestId("chapter");
      await expect(chapter).toHaveCount(1);
      for (const title of t.lessons) {
        const form = chapter.getByTestId("add-lesson");
        await form.locator('input[type="text"]').fill(title);
        await form.locator('button[type="submit"]').click();
        await expect(chapter.getByTestId("lesson-title").last()).toHaveText(title);
      }

      // The second lesson moves up with the keyboard; the move is announced and stored.
      const second = chapter.getByTestId("lesson-title").nth(1);
      await second.focus();
      await page.keyboard.press("Alt+ArrowUp");
      await expect(chapter.getByTestId("lesson-title")).toHaveText([t.lessons[1], t.lessons[0]]);
      await expect(page.getByTestId("announce")).toContainText("1");
      await expect(chapter.getByTestId("lesson-title").first()).toBeFocused();
      const courseUrl = page.url();
      await page.reload();
      await hydrated(page);
      await expect(page.getByTestId("lesson-title")).toHaveText([t.lessons[1], t.lessons[0]]);

      // The lesson editor: English typed, Chinese composed through an IME, a picture pasted.
      await page.getByTestId("lesson-title").first().click();
      await expect(page).toHaveURL(/\/studio\/lessons\/\d+$/);
      const editor = page.getByTestId("editor");
      await expect(editor).toHaveAttribute("data-mounted", "true");
      const content = page.getByTestId("editor-content");
      await content.click();
      await page.keyboard.type("Ownership in Rust. ");
      await expect(page.getByTestId("editor-status")).toHaveText(t.saved);
      const saves: string[] = [];
      const recordSave = (request: { url(): string; postData(): string | null }) => {
        if (request.url().endsWith("/api/studio_save_lesson")) saves.push(request.postData() ?? "");
      };
      page.on("request", recordSave);
      await compose(page, "nihao", "你好世界");
      // Nothing is saved mid-composition, and the composed text arrives whole.
      await expect(content).toContainText("Ownership in Rust. 你好世界");
      await expect(page.getByTestId("editor-status")).toHaveText(t.saved);
      page.off("request", recordSave);
      expect(saves.length).toBeGreaterThan(0);
      for (const body of saves) {
        expect(body, "a save sent mid-composition").not.toContain("nih");
      }
      await pasteImage(page);
      await expect(content.locator('img[src^="/media/"]')).toHaveCount(1);
      await expect(page.getByTestId("editor-status")).toHaveText(t.saved);
      await expect(page.getByTestId("editor-counts")).toContainText(/\d/);

      // Everything is there after a reload.
      const lessonUrl = page.url();
      await page.reload();
      await expect(page.getByTestId("editor")).toHaveAttribute("data-mounted", "true");
      await expect(page.getByTestId("editor-content")).toContainText("Ownership in Rust. 你好世界");
      await expect(page.getByTestId("editor-content").locator('img[src^="/media/"]')).toHaveCount(1);

      // A second tab saves first; this tab's next save is refused and says so.
      const other = await page.context().newPage();
      await other.goto(lessonUrl);
      await expect(other.getByTestId("editor")).toHaveAttribute("data-mounted", "true");
      await other.getByTestId("editor-content").click();
      await other.keyboard.press("End");
      await other.keyboard.type(" From the other tab.");
      await expect(other.getByTestId("editor-status")).toHaveText(t.saved);
      await other.close();
      await page.getByTestId("editor-content").click();
      await page.keyboard.press("End");
      await page.keyboard.type(" From this tab.");
      await expect(page.getByTestId("editor-status")).toContainText(t.conflict);
      await page.reload();
      await expect(page.getByTestId("editor-content")).toContainText("From the other tab.");
      await expect(page.getByTestId("editor-content")).not.toContainText("From this tab.");

      // Submitted for review.
      await page.goto(courseUrl);
      await hydrated(page);
      await page.getByTestId("submit-review").locator('button[type="submit"]').click();
      await expect(page.getByTestId("course-state")).toHaveText(t.inReview);
      await expect(page.getByTestId("revision")).toHaveCount(1);
    });
  });
}

test.describe("resumable upload", () => {
  // The test cuts one request's connection on purpose.
  test.use({ allowedNetworkErrors: ["net::ERR_CONNECTION_RESET"] });

  test("a video lesson's file uploads with progress, resumes after a dropped connection, and is placed in the lesson", async ({ page, baseURL }) => {
    await page.context().addCookies([{ name: "lore_lang", value: "en", url: baseURL! }]);
    await becomeAuthor(page, `video-${Date.now()}@example.com`);
    await page.goto("/studio");
    await hydrated(page);
    const create = page.getByTestId("new-course");
    await create.locator('input[name="title"]').fill("Filming at home");
    await create.locator('button[type="submit"]').click();
    await expect(page).toHaveURL(/\/studio\/courses\/\d+$/);
    await hydrated(page);
    await page.locator("#new-chapter").fill("Gear");
    await page.getByTestId("add-chapter").locator('button[type="submit"]').click();
    const form = page.getByTestId("chapter").getByTestId("add-lesson");
    await form.locator('input[type="text"]').fill("Cameras");
    await form.locator("select").selectOption("video");
    await form.locator('button[type="submit"]').click();
    await page.getByTestId("lesson-title").first().click();
    await expect(page).toHaveURL(/\/studio\/lessons\/\d+$/);
    await expect(page.locator(".media-upload[data-mounted]")).toBeAttached();

    // The connection drops during the second 8 MiB request: the upload carries on from the last
    // byte the server confirmed, not from the start.
    const offsets: number[] = [];
    let dropped = false;
    await page.route("**/media/uploads/*", async (route) => {
      const request = route.request();
      if (request.method() !== "PATCH") return route.continue();
      const offset = Number(request.headers()["upload-offset"]);
      offsets.push(offset);
      if (offset > 0 && !dropped) {
        dropped = true;
        return route.abort("connectionreset");
      }
      return route.continue();
    });

    // An MP4 by its first bytes (an ftyp box), 12 MiB, so the progress bar has something to show.
    const head = Buffer.from("000000186674797069736f6d0000020069736f6d69736f32", "hex");
    const file = Buffer.concat([head, Buffer.alloc(12 * 1024 * 1024 - head.length, 7)]);
    await page.getByTestId("media-file").setInputFiles({ name: "cameras.mp4", mimeType: "video/mp4", buffer: file });
    await expect(page.getByTestId("media-status")).toHaveText("Uploaded and placed in the lesson.", { timeout: 20_000 });
    expect(dropped).toBe(true);
    expect(offsets).toEqual([0, 8 * 1024 * 1024, 8 * 1024 * 1024]);
    await expect(page.getByTestId("media-preview")).toHaveAttribute("src", /^\/media\/\d+$/);
    await page.reload();
    await expect(page.getByTestId("media-preview")).toHaveAttribute("src", /^\/media\/\d+$/);

    // Slides for learners, attached and then made view-only.
    await hydrated(page);
    await expect(page.locator(".file-upload[data-mounted]")).toBeAttached();
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(2048, 32)]);
    await page.getByTestId("files-input").setInputFiles({ name: "slides.pdf", mimeType: "application/pdf", buffer: pdf });
    await expect(page.getByTestId("file-row")).toHaveCount(1);
    await expect(page.getByTestId("file-row")).toContainText("slides.pdf");
    await expect(page.getByTestId("file-downloadable")).toBeChecked();
    const saved = page.waitForResponse((r) => r.url().endsWith("/api/studio_lesson_files") && r.request().method() === "POST");
    await page.getByTestId("file-downloadable").uncheck();
    await saved;
    await page.reload();
    await expect(page.getByTestId("file-downloadable")).not.toBeChecked();
  });
});

test("learner pages do not load the editor's script", async ({ page }) => {
  const scripts: string[] = [];
  page.on("request", (request) => {
    if (request.resourceType() === "script") scripts.push(request.url());
  });
  await page.goto("/");
  await hydrated(page);
  await page.goto("/courses");
  await hydrated(page);
  expect(scripts.filter((url) => url.includes("/studio/"))).toEqual([]);
});
