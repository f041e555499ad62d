import { test, expect, hydrated } from "./fixtures";
import { courseWithALesson, signedInAdmin } from "./authoring";

test("review: changes requested with a reason, fixed, approved and live; the author's bell counts without a reload", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const title = `Knife skills ${Date.now()}`;
  await courseWithALesson(page, baseURL!, {
    email: "cook",
    course: title,
    chapter: "Basics",
    lesson: "Holding the knife",
    kind: "text",
  });
  const courseUrl = page.url();
  await page.getByTestId("submit-review").locator('button[type="submit"]').click();
  await expect(page.getByTestId("course-state")).toHaveText("In review");
  const bell = page.getByTestId("bell-count");
  await expect(bell).toHaveText("0");

  // The reviewer finds the new course in the queue, claims it and sends it back with a reason.
  const reviewer = await signedInAdmin(browser, baseURL!);
  await reviewer.goto("/review");
  await hydrated(reviewer);
  const item = reviewer.getByTestId("queue-item").filter({ hasText: title });
  await expect(item).toContainText("New course");
  await item.getByRole("link", { name: title }).click();
  await expect(reviewer.getByTestId("review-title")).toHaveText(title);
  await hydrated(reviewer);
  await expect(reviewer.getByTestId("diff")).toContainText("New lesson “Holding the knife” in “Basics”");
  await reviewer.getByTestId("claim-button").click();
  await expect(reviewer.getByTestId("claim")).toContainText("You are reviewing this");
  await reviewer.getByTestId("reason").fill("Add a lesson on sharpening.\n\nThe intro is too short.");
  await reviewer.getByTestId("request-changes").locator('button[type="submit"]').click();
  await expect(reviewer.getByTestId("decided")).toContainText("Changes requested");

  // The author's bell rose without a reload; the reason is in the studio beside the revision.
  await expect(bell).toHaveText("1");
  expect(page.url()).toBe(courseUrl);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("revision").first()).toContainText("Add a lesson on sharpening.");

  // The author adds the lesson and resubmits.
  const form = page.getByTestId("chapter").getByTestId("add-lesson");
  await form.locator('input[type="text"]').fill("Sharpening");
  await form.locator('button[type="submit"]').click();
  await expect(page.getByTestId("lesson-title")).toHaveText(["Holding the knife", "Sharpening"]);
  await page.getByTestId("submit-review").locator('button[type="submit"]').click();
  await expect(page.getByTestId("course-state")).toHaveText("In review");

  // The reviewer sees the new revision with both lessons, and approves it.
  await reviewer.goto("/review");
  await hydrated(reviewer);
  await reviewer.getByTestId("queue-item").filter({ hasText: title }).getByRole("link", { name: title }).click();
  await hydrated(reviewer);
  await expect(reviewer.getByTestId("diff")).toContainText("New lesson “Sharpening” in “Basics”");
  await reviewer.getByTestId("approve-button").click();
  await expect(reviewer.getByTestId("decided")).toContainText("Approved");

  // The course is in the catalog, and the author's bell counted the approval, still without a reload.
  await expect(bell).toHaveText("2");
  const catalog = await reviewer.context().newPage();
  await catalog.goto("/courses");
  await expect(catalog.getByText(title)).toBeVisible();

  // The bell leads to the notifications, newest first; marking all read clears the count.
  await page.getByTestId("bell").click();
  await expect(page).toHaveURL(/\/notifications$/);
  await hydrated(page);
  const items = page.getByTestId("notification");
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText(`Revision 2 of “${title}” was approved and is live.`);
  await page.getByTestId("mark-all-read").click();
  await expect(page.getByTestId("unread-total")).toHaveText("0 unread");
  await reviewer.context().close();
});
