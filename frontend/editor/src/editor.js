// The studio's rich editor: Tiptap (ProseMirror) mounted into markup the Leptos lesson page renders,
// with autosave and pasted or dropped images uploaded with progress.
//
// Only studio lesson pages load this file (public/studio/editor.js); learner pages never do. The page
// renders everything a reader sees translated (toolbar titles, status words, prompts) as data
// attributes, so no text is written here. The page's wasm calls `LoreEditor.mount(root)` once it has
// hydrated, and `handle.destroy()` when the page goes away; `lore-editor-ready` tells it the module
// has loaded if it was not yet.
//
// Saving: a save names the version it was typed from. The server (one sanitiser, one unit of work)
// answers the new version, or 409 with the stored version when another tab saved first; then the
// editor stops saving and says so, instead of writing over the other tab's text.

import { Editor } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Image from "@tiptap/extension-image";
import { TableKit } from "@tiptap/extension-table";
import * as tus from "tus-js-client";

/** Quiet time after the last keystroke before a save starts. */
const SAVE_AFTER_MS = 1500;
/** First and longest wait before a failed save is tried again. */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 30000;

const SAVE_URL = "/api/studio_save_lesson";

/** The commands the toolbar's `data-cmd` buttons run, and how each shows it is active. */
const COMMANDS = {
  bold: { run: (c) => c.toggleBold(), active: (e) => e.isActive("bold") },
  italic: { run: (c) => c.toggleItalic(), active: (e) => e.isActive("italic") },
  underline: { run: (c) => c.toggleUnderline(), active: (e) => e.isActive("underline") },
  strike: { run: (c) => c.toggleStrike(), active: (e) => e.isActive("strike") },
  h2: { run: (c) => c.toggleHeading({ level: 2 }), active: (e) => e.isActive("heading", { level: 2 }) },
  h3: { run: (c) => c.toggleHeading({ level: 3 }), active: (e) => e.isActive("heading", { level: 3 }) },
  bullets: { run: (c) => c.toggleBulletList(), active: (e) => e.isActive("bulletList") },
  numbers: { run: (c) => c.toggleOrderedList(), active: (e) => e.isActive("orderedList") },
  quote: { run: (c) => c.toggleBlockquote(), active: (e) => e.isActive("blockquote") },
  code: { run: (c) => c.toggleCodeBlock(), active: (e) => e.isActive("codeBlock") },
  rule: { run: (c) => c.setHorizontalRule() },
  table: { run: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }) },
  undo: { run: (c) => c.undo() },
  redo: { run: (c) => c.redo() },
};

function mount(root) {
  const body = root.querySelector("[data-editor-body]");
  const status = root.querySelector("[data-editor-status]");
  const counts = root.querySelector("[data-editor-counts]");
  const progress = root.querySelector("[data-editor-progress]");
  // A form field (a course description) is saved with its form, not by itself.
  const input = root.querySelector("[data-editor-input]");
  const labels = root.dataset;
  const lesson = labels.lesson;
  let version = Number(labels.version);

  // What the server holds, what is waiting to go, and whether a save is on its way.
  let saved = body.innerHTML;
  let timer = 0;
  let inFlight = null;
  let retryMs = RETRY_FIRST_MS;
  let stopped = false;

  const say = (state, extra = "") => {
    root.dataset.state = state;
    status.textContent = (labels[`say${state[0].toUpperCase()}${state.slice(1)}`] || state) + extra;
  };

  const initial = body.innerHTML;
  body.innerHTML = "";
  const editor = new Editor({
    element: body,
    content: initial,
    // The CSP allows no inline styles: the few rules ProseMirror needs are in style/main.scss.
    injectCSS: false,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        link: { openOnClick: false, autolink: true, protocols: ["http", "https", "mailto"] },
      }),
      Image.configure({ inline: false, allowBase64: false }),
      TableKit.configure({ table: { resizable: false } }),
    ],
    editorProps: {
      attributes: {
        class: "editor-content prose",
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": labels.label || "",
        "data-testid": "editor-content",
      },
      handlePaste: (_view, event) => takeImages(event.clipboardData),
      handleDrop: (_view, event) => takeImages(event.dataTransfer),
    },
    onUpdate: () => schedule(),
    onSelectionUpdate: () => markActive(),
    onTransaction: () => markActive(),
    onBlur: () => flush(),
  });

  // A Chinese IME composes a character through several key presses; nothing is saved or redrawn
  // until the character is chosen.
  const composing = () => editor.view.composing;
  editor.view.dom.addEventListener("compositionend", () => schedule());

  function schedule() {
    if (input) {
      input.value = editor.getHTML();
      return;
    }
    if (stopped || composing()) return;
    clearTimeout(timer);
    if (editor.getHTML() === saved) return;
    say("dirty");
    timer = setTimeout(save, SAVE_AFTER_MS);
  }

  // `text` is given when the editor is going away and cannot be read after the wait.
  async function save(text) {
    clearTimeout(timer);
    if (input || stopped || (text === undefined && composing())) return;
    if (inFlight) {
      // One save at a time: the next starts from the version this one returns.
      await inFlight;
    }
    const html = text ?? editor.getHTML();
    if (html === saved) return;
    say("saving");
    inFlight = post(html).finally(() => {
      inFlight = null;
    });
    await inFlight;
  }

  async function post(html) {
    const body = JSON.stringify({ lesson: Number(lesson), html, version });
    let response;
    try {
      response = await fetch(SAVE_URL, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "Content-Type": "application/json" },
        credentials: "same-origin",
        // Browsers let a request outlive its page only up to 64 KiB.
        keepalive: body.length < 60000,
      });
    } catch {
      return retry();
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer) {
      version = answer.version;
      saved = html;
      retryMs = RETRY_FIRST_MS;
      showCounts(answer);
      if (editor.isDestroyed || editor.getHTML() === saved) say("saved");
      else schedule();
      return;
    }
    if (response.status === 409 && answer && "EditConflict" in answer) {
      stopped = true;
      root.dataset.conflict = String(answer.EditConflict);
      say("conflict");
      return;
    }
    if (response.status === 400 && answer?.Invalid === "body") {
      stopped = true;
      say("tooLong");
      return;
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      stopped = true;
      say("refused");
      return;
    }
    // Busy (429, 503) or failing: the text stays here and is sent again.
    retry();
  }

  function retry() {
    say("offline");
    clearTimeout(timer);
    timer = setTimeout(save, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }

  function showCounts(answer) {
    if (!counts) return;
    counts.textContent = (labels.countsTemplate || "{chars} · {words}")
      .replace("{chars}", answer.chars)
      .replace("{words}", answer.words)
      .replace("{minutes}", Math.max(1, Math.round(answer.duration_seconds / 60)));
  }

  // Leaving: save now. `keepalive` lets the request outlive the page.
  const flush = () => {
    if (input || stopped || editor.isDestroyed) return;
    const html = editor.getHTML();
    if (html !== saved) save(html);
  };
  const onHide = () => {
    if (document.visibilityState === "hidden") flush();
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", flush);
  window.addEventListener("online", () => {
    if (root.dataset.state === "offline") save();
  });

  // Pictures pasted or dropped are uploaded as the author's images, then placed where the cursor is.
  function takeImages(data) {
    const files = [...(data?.files || [])].filter((f) => f.type.startsWith("image/"));
    if (files.length === 0) return false;
    files.forEach(upload);
    return true;
  }

  function upload(file) {
    const request = new XMLHttpRequest();
    request.open("POST", `/media?kind=image&name=${encodeURIComponent(file.name || "image")}`);
    request.setRequestHeader("Accept", "application/json");
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
    }
    say("uploading");
    request.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((100 * event.loaded) / event.total);
      if (progress) progress.value = percent;
      say("uploading", ` ${percent}%`);
    };
    request.onload = () => {
      if (progress) progress.hidden = true;
      let answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        answer = null;
      }
      if (request.status === 201 && answer?.url) {
        editor.chain().focus().setImage({ src: answer.url, alt: file.name || "" }).run();
        return;
      }
      say("uploadFailed", answer?.message ? `: ${answer.message}` : "");
    };
    request.onerror = () => {
      if (progress) progress.hidden = true;
      say("uploadFailed");
    };
    request.send(file);
  }

  // The toolbar: buttons name their command; pressed state follows the selection.
  const buttons = [...root.querySelectorAll("[data-cmd]")];
  function markActive() {
    for (const button of buttons) {
      const command = COMMANDS[button.dataset.cmd];
      if (command?.active) button.setAttribute("aria-pressed", String(command.active(editor)));
    }
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-cmd]");
    if (!button || !root.contains(button)) return;
    event.preventDefault();
    const name = button.dataset.cmd;
    if (name === "link") return link();
    if (name === "image") return pickImage();
    const command = COMMANDS[name];
    if (command) command.run(editor.chain().focus()).run();
  });
  const language = root.querySelector("[data-code-language]");
  language?.addEventListener("change", () => {
    const value = language.value;
    if (!editor.isActive("codeBlock")) editor.chain().focus().setCodeBlock({ language: value }).run();
    else editor.chain().focus().updateAttributes("codeBlock", { language: value }).run();
  });

  function link() {
    const current = editor.getAttributes("link").href || "https://";
    const href = window.prompt(labels.promptLink || "URL", current);
    if (href === null) return;
    if (href.trim() === "") editor.chain().focus().unsetLink().run();
    else editor.chain().focus().extendMarkRange("link").setLink({ href: href.trim() }).run();
  }

  function pickImage() {
    const picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/png,image/jpeg,image/webp,image/gif";
    picker.onchange = () => [...(picker.files || [])].forEach(upload);
    picker.click();
  }

  root.dataset.mounted = "true";
  if (!input) say("saved");
  markActive();

  return {
    /** Saves what is unsaved, then takes the editor down (the page is going away). */
    destroy() {
      flush();
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", flush);
      editor.destroy();
    },
  };
}

// Lesson files are sent resumably (tus 1.0, `POST /media/uploads`, then the bytes in 8 MiB
// requests): a dropped connection is retried from the last byte the server confirmed, and
// choosing the same file again after closing the tab continues it.
const CHUNK_BYTES = 8 * 1024 * 1024;

/** The translated reason in a refusal's JSON body, if there is one. */
function reason(error) {
  try {
    const answer = JSON.parse(error?.originalResponse?.getBody() || "null");
    return answer?.message ? `: ${answer.message}` : "";
  } catch {
    return "";
  }
}

/**
 * Sends `file` as a file of `kind`; calls `progress(percent)` as bytes go, then `done(media)`
 * with the stored file's `{id, url}`, or `failed(reasonText)`. Answers the tus upload (to abort).
 */
function sendResumably(file, kind, { progress, done, failed }) {
  let media = null;
  const upload = new tus.Upload(file, {
    endpoint: "/media/uploads",
    chunkSize: CHUNK_BYTES,
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
    metadata: { kind, filename: file.name },
    headers: { Accept: "application/json" },
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => progress(Math.round((100 * sent) / total)),
    onAfterResponse(_request, response) {
      const id = response.getHeader("Lore-Media-Id");
      if (id) media = { id: Number(id), url: response.getHeader("Lore-Media-Url") };
    },
    onSuccess: () => (media ? done(media) : failed("")),
    onError: (error) => failed(reason(error)),
  });
  upload
    .findPreviousUploads()
    .catch(() => [])
    .then((earlier) => {
      if (earlier.length > 0) upload.resumeFromPreviousUpload(earlier[0]);
      upload.start();
    });
  return upload;
}

// A video or audio lesson's file: a progress bar and a cancel button (which deletes what
// arrived); once complete, a server function puts the file in the lesson.
function mountUpload(root) {
  const input = root.querySelector("[data-media-file]");
  const progress = root.querySelector("[data-media-progress]");
  const cancel = root.querySelector("[data-media-cancel]");
  const status = root.querySelector("[data-media-status]");
  const preview = root.querySelector("[data-media-preview]");
  const empty = root.querySelector("[data-media-empty]");
  const labels = root.dataset;
  let upload = null;

  const finish = (text) => {
    progress.hidden = true;
    cancel.hidden = true;
    status.textContent = text;
    upload = null;
  };

  async function attach(media) {
    const body = new URLSearchParams({ lesson: labels.lesson, media: String(media.id) });
    const response = await fetch("/api/studio_lesson_media", {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).catch(() => null);
    if (!response?.ok) return finish(labels.sayFailed);
    preview.src = media.url;
    preview.hidden = false;
    if (empty) empty.hidden = true;
    finish(labels.sayDone);
  }

  function start() {
    const file = input.files?.[0];
    if (!file) return;
    upload?.abort(false);
    progress.hidden = false;
    progress.value = 0;
    cancel.hidden = false;
    status.textContent = labels.sayUploading;
    input.value = "";
    upload = sendResumably(file, labels.kind, {
      progress(percent) {
        progress.value = percent;
        status.textContent = `${labels.sayUploading} ${percent}%`;
      },
      done: attach,
      failed: (why) => finish(`${labels.sayFailed}${why}`),
    });
  }

  /** Cancels the upload under way and deletes what the server has of it. */
  const stop = () => {
    if (!upload) return;
    upload.abort(true).catch(() => {});
    finish(labels.sayCancelled);
  };
  input.addEventListener("change", start);
  cancel.addEventListener("click", stop);
  root.dataset.mounted = "true";
  return {
    /** Leaving the page pauses the upload: choosing the file again later continues it. */
    destroy() {
      upload?.abort(false);
      input.removeEventListener("change", start);
      cancel.removeEventListener("click", stop);
    },
  };
}

/** What a file is for Lore's media kinds, by the type the browser guesses (the server checks). */
function kindOf(file) {
  const type = file.type || "";
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("video/")) return "video";
  if (type.startsWith("audio/")) return "audio";
  return "document";
}

// A lesson's attached files: each chosen file is sent resumably, then attached to the lesson
// (`studio_lesson_files`), one after another; the page's list reloads when they are in.
function mountFiles(root) {
  const input = root.querySelector("[data-file-input]");
  const progress = root.querySelector("[data-file-progress]");
  const status = root.querySelector("[data-file-status]");
  const refresh = root.querySelector("[data-files-refresh]");
  const labels = root.dataset;
  let upload = null;

  const attach = async (media) => {
    const response = await fetch("/api/studio_lesson_files", {
      method: "POST",
      body: JSON.stringify({ lesson: Number(labels.lesson), edit: { Attach: { media: media.id } } }),
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
    }).catch(() => null);
    return Boolean(response?.ok);
  };

  const send = (file) =>
    new Promise((resolve) => {
      upload = sendResumably(file, kindOf(file), {
        progress(percent) {
          progress.value = percent;
          status.textContent = `${labels.sayUploading} ${file.name} ${percent}%`;
        },
        done: async (media) => resolve((await attach(media)) ? "" : `${labels.sayFailed} (${file.name})`),
        failed: (why) => resolve(`${labels.sayFailed} (${file.name})${why}`),
      });
    });

  async function start() {
    const files = [...(input.files || [])];
    input.value = "";
    if (files.length === 0) return;
    progress.hidden = false;
    const problems = [];
    for (const file of files) {
      progress.value = 0;
      const problem = await send(file);
      if (problem) problems.push(problem);
    }
    upload = null;
    progress.hidden = true;
    status.textContent = problems.length ? problems.join("; ") : labels.sayDone;
    refresh.click();
  }

  input.addEventListener("change", start);
  root.dataset.mounted = "true";
  return {
    /** Leaving the page pauses an upload under way: choosing the file again continues it. */
    destroy() {
      upload?.abort(false);
      input.removeEventListener("change", start);
    },
  };
}

window.LoreEditor = { mount, mountUpload, mountFiles };
window.dispatchEvent(new Event("lore-editor-ready"));
