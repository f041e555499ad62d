//! The studio's rich editor. This module renders its markup (toolbar, text, status), translated and
//! readable without JavaScript; `/studio/editor.js` (Tiptap, bundled from `frontend/editor/`) brings
//! it to life once the page has hydrated. Only studio pages render [`RichEditor`], so only they load
//! that script: learner pages never download it.

use crate::i18n::*;
use leptos::html::Div;
use leptos::prelude::*;

/// Where the editor's text goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditorTarget {
    /// A lesson body, autosaved a moment after typing stops, from this version on.
    Lesson {
        /// The lesson.
        lesson: domain::LessonId,
        /// The stored body's version.
        version: i64,
    },
    /// A field of a form (a course description): the HTML goes into a hidden input of this name,
    /// saved with the form.
    Field {
        /// The input's name.
        name: &'static str,
    },
}

/// A Tiptap editor holding `html` (already sanitised by the server).
#[component]
pub fn RichEditor(
    /// Where the text goes.
    target: EditorTarget,
    /// The stored HTML.
    html: String,
    /// What screen readers call the text box.
    label: Signal<String>,
    /// The counts line under the text, for lesson bodies.
    #[prop(optional)]
    counts: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let root = NodeRef::<Div>::new();
    mount_when_ready(root, Widget::Editor);
    let (lesson, version, field) = match &target {
        EditorTarget::Lesson { lesson, version } => (
            Some(lesson.get().to_string()),
            Some(version.to_string()),
            None,
        ),
        EditorTarget::Field { name } => (None, None, Some(*name)),
    };
    let autosaves = lesson.is_some();
    // Lessons get the blocks a course description has no use for (code, tables, pictures, rules).
    let mut marks = vec![
        ("bold", t_string!(i18n, editor_bold).to_owned(), "B"),
        ("italic", t_string!(i18n, editor_italic).to_owned(), "I"),
        (
            "underline",
            t_string!(i18n, editor_underline).to_owned(),
            "U",
        ),
        ("strike", t_string!(i18n, editor_strike).to_owned(), "S"),
        ("h2", t_string!(i18n, editor_heading).to_owned(), "H2"),
        ("h3", t_string!(i18n, editor_subheading).to_owned(), "H3"),
        ("bullets", t_string!(i18n, editor_bullets).to_owned(), "•"),
        ("numbers", t_string!(i18n, editor_numbers).to_owned(), "1."),
        ("quote", t_string!(i18n, editor_quote).to_owned(), "❝"),
        ("link", t_string!(i18n, editor_link).to_owned(), "🔗"),
    ];
    if autosaves {
        marks.extend([
            ("code", t_string!(i18n, editor_code).to_owned(), "</>"),
            ("table", t_string!(i18n, editor_table).to_owned(), "▦"),
            ("image", t_string!(i18n, editor_image).to_owned(), "🖼"),
            ("rule", t_string!(i18n, editor_rule).to_owned(), "―"),
        ]);
    }
    marks.extend([
        ("undo", t_string!(i18n, editor_undo).to_owned(), "↶"),
        ("redo", t_string!(i18n, editor_redo).to_owned(), "↷"),
    ]);
    let button = |cmd: &'static str, title: String, text: &'static str| {
        view! {
            <button type="button" class="editor-button" data-cmd=cmd title=title.clone() aria-label=title>
                {text}
            </button>
        }
    };
    view! {
        <script type="module" src="/studio/editor.js"></script>
        <div
            class="editor"
            node_ref=root
            data-testid="editor"
            data-lesson=lesson
            data-version=version
            data-field=field
            data-label=move || label.get()
            data-say-saved=move || t_string!(i18n, editor_saved)
            data-say-dirty=move || t_string!(i18n, editor_dirty)
            data-say-saving=move || t_string!(i18n, editor_saving)
            data-say-offline=move || t_string!(i18n, editor_offline)
            data-say-conflict=move || t_string!(i18n, editor_conflict)
            data-say-refused=move || t_string!(i18n, editor_refused)
            data-say-too-long=move || t_string!(i18n, editor_too_long)
            data-say-uploading=move || t_string!(i18n, editor_uploading)
            data-say-upload-failed=move || t_string!(i18n, editor_upload_failed)
            data-prompt-link=move || t_string!(i18n, editor_prompt_link)
            data-counts-template=move || t_string!(i18n, editor_counts)
        >
            <div class="editor-toolbar" role="toolbar" aria-label=move || t_string!(i18n, editor_toolbar)>
                {marks.into_iter().map(|(cmd, title, text)| button(cmd, title, text)).collect_view()}
                {autosaves.then(|| view! {
                    <select class="editor-language" data-code-language="" aria-label=move || t_string!(i18n, editor_code_language)>
                        <option value="">{move || t_string!(i18n, editor_code_plain)}</option>
                        {CODE_LANGUAGES.iter().map(|(value, name)| view! { <option value=*value>{*name}</option> }).collect_view()}
                    </select>
                })}
            </div>
            <div class="editor-body prose" data-editor-body="" inner_html=html.clone()></div>
            {field.map(|name| view! { <input type="hidden" name=name value=html.clone() data-editor-input=""/> })}
            <div class="editor-footer">
                <span class="editor-status" data-editor-status="" role="status" aria-live="polite" data-testid="editor-status"></span>
                <progress class="editor-progress" data-editor-progress="" max="100" value="0" hidden></progress>
                {counts.map(|counts| view! { <span class="editor-counts muted" data-editor-counts="" data-testid="editor-counts">{counts}</span> })}
            </div>
        </div>
    }
    .into_any()
}

/// Languages offered for code blocks: the class the sanitiser keeps (`language-…`) and a name.
const CODE_LANGUAGES: &[(&str, &str)] = &[
    ("rust", "Rust"),
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("go", "Go"),
    ("java", "Java"),
    ("c", "C"),
    ("cpp", "C++"),
    ("sql", "SQL"),
    ("bash", "Shell"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("json", "JSON"),
];

/// What `/studio/editor.js` brings to life in a root element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widget {
    /// The rich editor ([`RichEditor`]).
    Editor,
    /// A lesson's video or recording, uploaded with progress and a cancel button.
    MediaUpload,
    /// A lesson's attached files, uploaded and attached one after another.
    FileUpload,
}

/// Mounts `widget` on `root` once both the page has hydrated and the script has loaded (in
/// either order), and takes it down, saving what is unsaved, when the page goes away.
#[cfg(feature = "hydrate")]
pub fn mount_when_ready(root: NodeRef<Div>, widget: Widget) {
    use bridge::WidgetHandle;
    let handle = StoredValue::new_local(None::<WidgetHandle>);
    let try_mount = move || {
        let Some(element) = root.get_untracked() else {
            return;
        };
        if handle.with_value(Option::is_some) {
            return;
        }
        let mounted = match widget {
            Widget::Editor => bridge::mount(&element),
            Widget::MediaUpload => bridge::mount_upload(&element),
            Widget::FileUpload => bridge::mount_files(&element),
        };
        if let Ok(mounted) = mounted {
            handle.set_value(Some(mounted));
        }
    };
    let ready = window_event_listener_untyped("lore-editor-ready", move |_| try_mount());
    Effect::new(move |_| {
        if root.get().is_some() {
            try_mount();
        }
    });
    on_cleanup(move || {
        ready.remove();
        if let Some(mounted) = handle.try_update_value(Option::take).flatten() {
            mounted.destroy();
        }
    });
}

/// On the server nothing is mounted: the markup is all there is.
#[cfg(not(feature = "hydrate"))]
pub fn mount_when_ready(_root: NodeRef<Div>, _widget: Widget) {}

/// The calls the page makes into `/studio/editor.js`.
#[cfg(feature = "hydrate")]
mod bridge {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// A mounted widget.
        pub type WidgetHandle;

        /// `LoreEditor.mount(root)`; an error while the script has not loaded yet.
        #[wasm_bindgen(catch, js_namespace = LoreEditor, js_name = mount)]
        pub fn mount(root: &leptos::web_sys::HtmlElement) -> Result<WidgetHandle, JsValue>;

        /// `LoreEditor.mountUpload(root)`; an error while the script has not loaded yet.
        #[wasm_bindgen(catch, js_namespace = LoreEditor, js_name = mountUpload)]
        pub fn mount_upload(root: &leptos::web_sys::HtmlElement) -> Result<WidgetHandle, JsValue>;

        /// `LoreEditor.mountFiles(root)`; an error while the script has not loaded yet.
        #[wasm_bindgen(catch, js_namespace = LoreEditor, js_name = mountFiles)]
        pub fn mount_files(root: &leptos::web_sys::HtmlElement) -> Result<WidgetHandle, JsValue>;

        /// Saves what is unsaved (the editor) or stops an upload, and takes the widget down.
        #[wasm_bindgen(method)]
        pub fn destroy(this: &WidgetHandle);
    }
}
