use crate::components::ErrorPanel;
use crate::i18n::*;
use crate::pages::NotFoundContent;
use crate::pages::course::KindLabel;
use crate::{AppError, api};
use domain::{AttachedFile, LessonContent, LessonId, LessonView, MediaKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/courses/{slug}/lessons/{id}`: one lesson in its course, with the way back and onward.
///
/// The server decides whether the viewer may read the lesson (`domain::can_view_lesson`) and
/// sends a locked lesson without content; this page only shows what it was sent: the sanitised
/// body and a player, both pointing at signed media addresses.
#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        let slug = params.get("slug").unwrap_or_default();
        let id = params.get("id").and_then(|id| id.parse::<LessonId>().ok());
        (slug, id)
    };
    let data = Resource::new(key, |(slug, id)| async move {
        match id {
            Some(id) => api::lesson(slug, id).await,
            None => {
                #[cfg(feature = "ssr")]
                crate::error::set_status(http::StatusCode::NOT_FOUND);
                Err(AppError::NotFound)
            }
        }
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <LessonBody view/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LessonBody(view: LessonView) -> impl IntoView {
    let i18n = use_i18n();
    let course = view.course.card.clone();
    let lang_tag = course.language.tag();
    let course_href = format!("/courses/{}", course.slug);
    let lesson_href = move |id: LessonId| format!("/courses/{}/lessons/{id}", course.slug);
    let lesson = view.lesson.clone();
    view! {
        <Title text=format!("{} · {}", lesson.title, course.title)/>
        <article class="container section lesson">
            <p class="eyebrow">
                <a href=course_href.clone()>{course.title.clone()}</a>
                " / "
                <span lang=lang_tag>{view.chapter_title.clone()}</span>
            </p>
            <h1 lang=lang_tag>{lesson.title.clone()}</h1>
            <p class="course-meta">
                <KindLabel kind=lesson.kind/>
                {lesson.is_preview.then(|| view! { <span class="badge badge-accent">{t!(i18n, free_preview)}</span> })}
            </p>
            {match view.content.clone() {
                Some(content) => view! { <LessonContentView content/> }.into_any(),
                None if !view.locked => view! {
                    <section class="panel">
                        <p>{t!(i18n, lesson_empty)}</p>
                    </section>
                }
                    .into_any(),
                None => view! {
                    <section class="panel panel-locked" data-testid="lesson-locked">
                        <h2>{t!(i18n, lesson_locked_title)}</h2>
                        <p>{t!(i18n, lesson_locked_body)}</p>
                    </section>
                }
                    .into_any(),
            }}
            <nav class="pager">
                {view.previous.map(|id| view! {
                    <a class="button button-quiet" href=lesson_href(id)>{t!(i18n, previous_lesson)}</a>
                })}
                <a class="button button-quiet" href=course_href>{t!(i18n, back_to_course)}</a>
                {view.next.map(|id| view! {
                    <a class="button button-quiet" href=lesson_href(id)>{t!(i18n, next_lesson)}</a>
                })}
            </nav>
        </article>
    }
    .into_any()
}

/// A readable lesson: its player, if it has a video or recording, then its body.
#[component]
fn LessonContentView(content: LessonContent) -> impl IntoView {
    let i18n = use_i18n();
    let player = content.media.map(|media| match media.kind {
        MediaKind::Audio => view! {
            <audio class="lesson-player" controls preload="metadata" data-testid="lesson-audio">
                <source src=media.url type=media.content_type/>
            </audio>
        }
        .into_any(),
        _ => view! {
            <video class="lesson-player" controls preload="metadata" data-testid="lesson-video">
                <source src=media.url type=media.content_type/>
            </video>
        }
        .into_any(),
    });
    let empty = content.html.is_empty() && player.is_none() && content.files.is_empty();
    let files = (!content.files.is_empty()).then(|| {
        view! {
            <section class="panel lesson-files" data-testid="lesson-files">
                <h2>{t!(i18n, lesson_files_title)}</h2>
                <ul class="file-list">
                    {content.files.into_iter().map(|file| view! { <AttachedFileRow file/> }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        {player}
        {empty.then(|| view! { <section class="panel"><p>{t!(i18n, lesson_empty)}</p></section> })}
        // Sanitised by the server on save and again on the way out (`richtext::for_readers`).
        <div class="lesson-body prose" data-testid="lesson-body" inner_html=content.html></div>
        {files}
    }
}

/// One attached file for a reader: a download link when the author allows it; otherwise a
/// picture or player in the page, or (a document) its name only.
#[component]
fn AttachedFileRow(file: AttachedFile) -> impl IntoView {
    let i18n = use_i18n();
    let size = domain::media::size_label(file.size);
    let shown = match (&file.url, file.downloadable, file.kind) {
        (Some(url), true, _) => view! {
            <a class="button button-quiet small" href=url.clone() download=file.name.clone() data-testid="file-download">
                {t!(i18n, lesson_file_download)}
            </a>
        }
        .into_any(),
        (Some(url), false, MediaKind::Image) => view! {
            <img class="file-picture" src=url.clone() alt=file.name.clone()/>
        }
        .into_any(),
        (Some(url), false, MediaKind::Audio) => view! {
            <audio controls preload="metadata" src=url.clone()></audio>
        }
        .into_any(),
        (Some(url), false, _) => view! {
            <video class="lesson-player" controls preload="metadata" src=url.clone()></video>
        }
        .into_any(),
        (None, _, _) => view! { <span class="muted">{t!(i18n, lesson_file_in_class)}</span> }.into_any(),
    };
    view! {
        <li class="file-row" data-testid="attached-file">
            <span class="file-name">{file.name.clone()}</span>
            <span class="muted">{size}</span>
            {shown}
        </li>
    }
}
