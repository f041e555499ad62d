import { test, expect, hydrated } from "./fixtures";
import { becomeAuthor, courseWithALesson, newCourse } from "./authoring";
import type { Page } from "@playwright/test";

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
      await newCourse(page, t.course);

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
    await courseWithALesson(page, baseURL!, {
      email: "video",
      course: "Filming at home",
      chapter: "Gear",
      lesson: "Cameras",
      kind: "video",
    });
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

test("learner pages load neither the editor's script nor the studio's, staff or account code", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto("/");
  await hydrated(page);
  await page.goto("/courses");
  await hydrated(page);
  expect(fetched.filter((path) => path.startsWith("/studio/"))).toEqual([]);
  // Pages outside the catalogue come as WASM chunks of their own (app/src/pages/lazy.rs).
  expect(fetched.filter((path) => path.includes("/pkg/split_"))).toEqual([]);

  // Following a link into such a page fetches its chunk, and the page works.
  await page.getByTestId("sign-in-link").click();
  await expect(page).toHaveURL(/\/login$/);
  const form = page.getByTestId("login-form");
  await form.locator('input[name="email"]').fill("nobody@example.com");
  await expect(form.locator('input[name="email"]')).toHaveValue("nobody@example.com");
  expect(fetched.filter((path) => path.includes("/pkg/split___login_route"))).toHaveLength(1);
  expect(fetched.filter((path) => path.includes("/pkg/split___studio"))).toEqual([]);
});

test("a course exported from the studio comes back through the import button as a new draft", async ({ page, baseURL }, testInfo) => {
  await courseWithALesson(page, baseURL!, {
    email: "archive",
    course: "Bread at home",
    chapter: "Sourdough",
    lesson: "Feeding the starter",
    kind: "text",
  });

  const download = page.waitForEvent("download");
  await page.getByTestId("export-course").getByRole("link").click();
  const archive = testInfo.outputPath("bread.zip");
  await (await download).saveAs(archive);

  // Something that is not an archive is refused with the reason, and nothing is created.
  await page.goto("/studio");
  await hydrated(page);
  const upload = page.getByTestId("import-course");
  await upload.locator('input[type="file"]').setInputFiles({
    name: "notes.zip",
    mimeType: "application/zip",
    buffer: Buffer.from("just some notes"),
  });
  await upload.locator('button[type="submit"]').click();
  await expect(page.getByTestId("import-error")).toContainText("not a Lore course archive");
  await expect(page.getByTestId("studio-course")).toHaveCount(1);

  await page.getByTestId("import-course").locator('input[type="file"]').setInputFiles(archive);
  await page.getByTestId("import-course").locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/studio\/courses\/\d+\?imported=1$/);
  await hydrated(page);
  await expect(page.getByTestId("imported")).toBeVisible();
  await expect(page.getByTestId("lesson-title")).toHaveText(["Feeding the starter"]);
  await expect(page.getByTestId("slug")).toHaveValue("bread-at-home-2");

  await page.goto("/studio");
  await hydrated(page);
  await expect(page.getByTestId("studio-course")).toHaveCount(2);
});
