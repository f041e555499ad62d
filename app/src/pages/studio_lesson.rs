//! `/studio/lessons/{id}`: one draft lesson, its title and preview flag, and its body in the rich
//! editor, saved as the author types.

use crate::AppError;
use crate::api::types::{BodyCounts, LessonEditorView, LessonFileView};
use crate::api::{StudioLessonDetails, StudioLessonFiles, studio_lesson, studio_lesson_files};
use crate::components::{
    ActionDone, ActionError, EditorTarget, ErrorPanel, RichEditor, Widget, mount_when_ready,
};
use crate::i18n::*;
use crate::pages::PageError;
use crate::pages::course::KindLabel;
use domain::authoring::FileEdit;
use domain::{LessonId, MediaId, MediaKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The lesson editor.
#[component]
pub fn StudioLessonPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let lesson = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<LessonId>().ok())
    };
    let data = Resource::new(lesson, |lesson| async move {
        match lesson {
            Some(lesson) => studio_lesson(lesson).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, studio_title)/>
        <section class="container section studio">
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(lesson) => view! { <LessonEditor lesson/> }.into_any(),
                        Err(error) => view! { <PageError error next="/studio"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "1234 characters · 456 words · 3 min read", in the reader's language. The editor script fills
/// the same template (`{chars}`, `{words}`, `{minutes}`) after each save.
fn counts_line(i18n: leptos_i18n::I18nContext<Locale>, counts: BodyCounts) -> String {
    let minutes = domain::time::minutes_rounded_up(counts.duration_seconds).max(1);
    t_string!(i18n, editor_counts)
        .replace("{chars}", &counts.chars.to_string())
        .replace("{words}", &counts.words.to_string())
        .replace("{minutes}", &minutes.to_string())
}

#[component]
fn LessonEditor(lesson: LessonEditorView) -> impl IntoView {
    let i18n = use_i18n();
    let details = ServerAction::<StudioLessonDetails>::new();
    let back = format!("/studio/courses/{}", lesson.course);
    let title = lesson.title.clone();
    view! {
        <p><a href=back>{t!(i18n, studio_back_to, title = lesson.course_title.clone())}</a></p>
        <header class="studio-head">
            <h1 data-testid="lesson-heading">{lesson.title.clone()}</h1>
            <span class="badge"><KindLabel kind=lesson.kind/></span>
        </header>
        <section class="panel">
            <ActionForm action=details attr:class="inline-form" attr:data-testid="lesson-details">
                <input type="hidden" name="lesson" value=lesson.id.get().to_string()/>
                <label>
                    <span>{t!(i18n, studio_lesson_title)}</span>
                    <input type="text" name="title" value=title required maxlength="120"/>
                </label>
                <label class="checkbox">
                    <input type="checkbox" name="preview" value="on" checked=lesson.preview/>
                    <span>{t!(i18n, studio_preview_label)}</span>
                </label>
                <button type="submit" class="button button-quiet">{t!(i18n, studio_save_details)}</button>
            </ActionForm>
            <ActionDone result=details.value().into()>{t!(i18n, studio_saved)}</ActionDone>
            <ActionError result=details.value().into()/>
        </section>
        {domain::authoring::lesson_media_kind(lesson.kind).map(|kind| view! {
            <LessonMedia lesson=lesson.id kind media=lesson.media/>
        })}
        <LessonFiles lesson=lesson.id/>
        <section class="panel">
            <RichEditor
                target=EditorTarget::Lesson { lesson: lesson.id, version: lesson.version }
                html=lesson.html.clone()
                label=Signal::derive(move || t_string!(i18n, editor_label).to_owned())
                counts=counts_line(i18n, lesson.counts)
            />
            <p class="muted">{t!(i18n, editor_hint)}</p>
        </section>
    }
    .into_any()
}

/// A video or audio lesson's file: what plays now, and a file picker that uploads a new one
/// with a progress bar and a cancel button, then puts it in the lesson (`/studio/editor.js`).
#[component]
fn LessonMedia(lesson: LessonId, kind: MediaKind, media: Option<MediaId>) -> impl IntoView {
    let i18n = use_i18n();
    let root = NodeRef::<leptos::html::Div>::new();
    mount_when_ready(root, Widget::MediaUpload);
    let src = media.map(|m| format!("/media/{m}"));
    let accept = kind.accepted_types().join(",");
    let player = match kind {
        MediaKind::Audio => view! {
            <audio controls preload="metadata" src=src.clone() hidden=src.is_none() data-media-preview="" data-testid="media-preview"></audio>
        }
        .into_any(),
        _ => view! {
            <video controls preload="metadata" src=src.clone() hidden=src.is_none() data-media-preview="" data-testid="media-preview"></video>
        }
        .into_any(),
    };
    view! {
        <script type="module" src="/studio/editor.js"></script>
        <section class="panel">
            <div
                class="media-upload"
                node_ref=root
                data-lesson=lesson.get().to_string()
                data-kind=kind.as_str()
                data-say-uploading=move || t_string!(i18n, media_uploading)
                data-say-done=move || t_string!(i18n, media_done)
                data-say-failed=move || t_string!(i18n, media_failed)
                data-say-cancelled=move || t_string!(i18n, media_cancelled)
            >
                <h2>{t!(i18n, media_title)}</h2>
                {player}
                {src.is_none().then(|| view! { <p class="muted" data-media-empty="">{t!(i18n, media_none)}</p> })}
                <label class="button button-quiet">
                    <span>{t!(i18n, media_choose)}</span>
                    <input type="file" class="visually-hidden" accept=accept data-media-file="" data-testid="media-file"/>
                </label>
                <progress max="100" value="0" hidden data-media-progress="" data-testid="media-progress"></progress>
                <button type="button" class="button button-quiet small" hidden data-media-cancel="">{t!(i18n, studio_cancel)}</button>
                <span role="status" aria-live="polite" data-media-status="" data-testid="media-status"></span>
            </div>
        </section>
    }
    .into_any()
}

/// The files learners get with a lesson (slides, worksheets): each with a "downloadable" switch
/// and a remove button, and a picker that uploads new ones resumably and attaches them
/// (`/studio/editor.js`, then `studio_lesson_files`). The list reloads after each change.
#[component]
fn LessonFiles(lesson: LessonId) -> impl IntoView {
    let i18n = use_i18n();
    let edit = ServerAction::<StudioLessonFiles>::new();
    let uploaded = RwSignal::new(0u32);
    let files = Resource::new(
        move || (uploaded.get(), edit.version().get()),
        move |_| studio_lesson_files(lesson, None),
    );
    let root = NodeRef::<leptos::html::Div>::new();
    mount_when_ready(root, Widget::FileUpload);
    let change = move |edit_one: FileEdit| {
        edit.dispatch(StudioLessonFiles {
            lesson,
            edit: Some(edit_one),
        });
    };
    view! {
        <script type="module" src="/studio/editor.js"></script>
        <section class="panel">
            <div
                class="file-upload"
                node_ref=root
                data-testid="lesson-files"
                data-lesson=lesson.get().to_string()
                data-say-uploading=move || t_string!(i18n, files_uploading)
                data-say-done=move || t_string!(i18n, files_done)
                data-say-failed=move || t_string!(i18n, files_failed)
            >
                <h2>{t!(i18n, files_title)}</h2>
                <Transition>
                    {move || Suspend::new(async move {
                        match files.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">{t!(i18n, files_none)}</p>
                            }
                            .into_any(),
                            Ok(list) => view! {
                                <ul class="file-list">
                                    {list
                                        .into_iter()
                                        .map(|file| view! { <FileRow file change/> })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        }
                    })}
                </Transition>
                <ActionError result=Signal::derive(move || edit.value().get().map(|r| r.map(drop)))/>
                <label class="button button-quiet">
                    <span>{t!(i18n, files_choose)}</span>
                    <input type="file" multiple class="visually-hidden" data-file-input="" data-testid="files-input"/>
                </label>
                <progress max="100" value="0" hidden data-file-progress=""></progress>
                <span role="status" aria-live="polite" data-file-status="" data-testid="files-status"></span>
                // The script clicks this once files are attached, so the list reloads.
                <button type="button" hidden data-files-refresh="" on:click=move |_| uploaded.update(|n| *n += 1)></button>
            </div>
        </section>
    }
    .into_any()
}

/// One attached file in the studio: name, size, "downloadable", remove.
#[component]
fn FileRow(
    file: LessonFileView,
    change: impl Fn(FileEdit) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let media = file.media;
    view! {
        <li class="file-row" data-testid="file-row">
            <span class="file-name">{file.name.clone()}</span>
            <span class="muted">{domain::media::size_label(file.size)}</span>
            <label class="checkbox">
                <input
                    type="checkbox"
                    checked=file.downloadable
                    data-testid="file-downloadable"
                    on:change=move |ev| change(FileEdit::Downloadable { media, downloadable: event_target_checked(&ev) })
                />
                <span>{t!(i18n, files_downloadable)}</span>
            </label>
            <button
                type="button"
                class="button button-quiet small"
                data-testid="file-remove"
                on:click=move |_| change(FileEdit::Detach { media })
            >
                {t!(i18n, files_remove)}
            </button>
        </li>
    }
}
