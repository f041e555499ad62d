use crate::api::learning::{Enroll, ReportProgress};
use crate::components::{ActionError, ErrorPanel, Price};
use crate::i18n::*;
use crate::pages::NotFoundContent;
use crate::pages::course::KindLabel;
#[cfg(feature = "hydrate")]
use crate::pages::player;
use crate::{AppError, api};
use domain::learning::PrimaryAction;
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
    let slug = course.slug.to_string();
    let course_href = format!("/courses/{slug}");
    let lesson_href = {
        let slug = slug.clone();
        move |id: LessonId| format!("/courses/{slug}/lessons/{id}")
    };
    let lesson = view.lesson.clone();
    // Reports are stored for signed-in readers only; everyone else is offered sign-in.
    let signed_in = !matches!(view.unlock, PrimaryAction::SignIn);
    let readable = !view.locked;
    let body = match view.content.clone() {
        Some(content) => view! { <LessonContentView content/> }.into_any(),
        None if readable => view! {
            <section class="panel">
                <p>{t!(i18n, lesson_empty)}</p>
            </section>
        }
        .into_any(),
        None => view! { <Locked view=view.clone()/> }.into_any(),
    };
    // The end of the lesson; once it is in the document, so is the player above it.
    let end = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    if readable {
        let setup = player::Setup {
            slug: slug.clone(),
            lesson: lesson.id,
            resume_ms: view.resume_ms,
            signed_in,
        };
        let started = StoredValue::new(false);
        Effect::new(move |_| {
            if end.get().is_some() && !started.get_value() {
                started.set_value(true);
                player::track(setup.clone());
            }
        });
    }
    view! {
        <Title text=format!("{} · {}", lesson.title, course.title)/>
        <div class="container section lesson-layout">
            <article class="lesson">
                <p class="eyebrow">
                    <a href=course_href.clone()>{course.title.clone()}</a>
                    " / "
                    <span lang=lang_tag>{view.chapter_title.clone()}</span>
                </p>
                <h1 lang=lang_tag>{lesson.title.clone()}</h1>
                <p class="course-meta">
                    <KindLabel kind=lesson.kind/>
                    {lesson.is_preview.then(|| view! { <span class="badge badge-accent">{t!(i18n, free_preview)}</span> })}
                    {view.done.then(|| view! { <span class="badge badge-done">{t!(i18n, lesson_done)}</span> })}
                </p>
                {body}
                <div id="lesson-end" node_ref=end></div>
                {(readable && signed_in).then(|| view! { <DoneToggle slug=slug.clone() lesson=lesson.id done=view.done/> })}
                <nav class="pager" aria-label=move || t_string!(i18n, lesson_pager)>
                    {view.previous.map(|id| view! {
                        <a class="button button-quiet" href=lesson_href(id) rel="prev">{t!(i18n, previous_lesson)}</a>
                    })}
                    <a class="button button-quiet" href=course_href>{t!(i18n, back_to_course)}</a>
                    {view.next.map(|id| view! {
                        <a class="button button-quiet" href=lesson_href(id) rel="next">{t!(i18n, next_lesson)}</a>
                    })}
                </nav>
            </article>
            <Syllabus view=view.clone()/>
        </div>
    }
    .into_any()
}

/// The course's lessons beside the lesson, with the current one and the finished ones marked.
#[component]
fn Syllabus(view: LessonView) -> impl IntoView {
    let i18n = use_i18n();
    let slug = view.course.card.slug.to_string();
    let lang_tag = view.course.card.language.tag();
    let current = view.lesson.id;
    let done = view.done_lessons.clone();
    view! {
        <nav class="lesson-sidebar" aria-label=move || t_string!(i18n, course_outline) data-testid="lesson-syllabus">
            <h2 class="sidebar-title">{t!(i18n, course_outline)}</h2>
            {view
                .course
                .chapters
                .into_iter()
                .map(|chapter| {
                    let slug = slug.clone();
                    let done = done.clone();
                    view! {
                        <h3 lang=lang_tag>{chapter.title}</h3>
                        <ol>
                            {chapter
                                .lessons
                                .into_iter()
                                .map(|l| {
                                    let finished = done.contains(&l.id);
                                    let here = l.id == current;
                                    view! {
                                        <li data-done=finished.to_string()>
                                            <a href=format!("/courses/{slug}/lessons/{}", l.id) aria-current=here.then_some("page") lang=lang_tag>
                                                <span class="mark" aria-hidden="true">{if finished { "✓" } else { "○" }}</span>
                                                {finished.then(|| view! { <span class="visually-hidden">{t!(i18n, lesson_done)}</span> })}
                                                {l.title}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// "Mark as done" / "Mark as not done": works as a plain form too.
#[component]
fn DoneToggle(slug: String, lesson: LessonId, done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ReportProgress>::new();
    let is_done = RwSignal::new(done);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            is_done.update(|d| *d = !*d);
        }
    });
    view! {
        <ActionForm action attr:class="inline-form done-toggle">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="lesson" value=lesson.to_string()/>
            <input type="hidden" name="kind" value="manual"/>
            <input type="hidden" name="done" value=move || (!is_done.get()).to_string()/>
            <button class="button button-quiet" type="submit" data-testid="done-toggle" aria-pressed=move || is_done.get().to_string()>
                {move || if is_done.get() { t!(i18n, mark_not_done).into_any() } else { t!(i18n, mark_done).into_any() }}
            </button>
        </ActionForm>
        <ActionError result=action.value().into()/>
    }
}

/// A locked lesson: why, and the way in (sign in, enroll, buy).
#[component]
fn Locked(view: LessonView) -> impl IntoView {
    let i18n = use_i18n();
    let slug = view.course.card.slug.to_string();
    let here = format!("/courses/{slug}/lessons/{}", view.lesson.id);
    let price = view.course.card.price;
    let enroll = ServerAction::<Enroll>::new();
    let reload = here.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = enroll.value().get() {
            // Now enrolled: load the lesson with its content.
            leptos_router::hooks::use_navigate()(&reload, Default::default());
        }
    });
    let way_in = match view.unlock {
        PrimaryAction::SignIn => view! {
            <a class="button" href=format!("/login?next={here}") data-testid="unlock">{t!(i18n, sign_in_to_continue)}</a>
        }
        .into_any(),
        PrimaryAction::Enroll => view! {
            <ActionForm action=enroll>
                <input type="hidden" name="slug" value=slug.clone()/>
                <button class="button" type="submit" data-testid="unlock">{t!(i18n, enroll_free)}</button>
            </ActionForm>
            <ActionError result=enroll.value().into()/>
        }
        .into_any(),
        PrimaryAction::Buy => view! {
            <a class="button" href=format!("/courses/{slug}") data-testid="unlock">{t!(i18n, see_course_to_buy)}</a>
        }
        .into_any(),
        _ => view! { <a class="button" href=format!("/courses/{slug}")>{t!(i18n, back_to_course)}</a> }.into_any(),
    };
    view! {
        <section class="panel panel-locked" data-testid="lesson-locked">
            <h2>{t!(i18n, lesson_locked_title)}</h2>
            <p>{t!(i18n, lesson_locked_body)}</p>
            <p class="buy-price"><Price price/></p>
            {way_in}
        </section>
    }
}

/// A readable lesson: its player, if it has a video or recording, then its body.
#[component]
fn LessonContentView(content: LessonContent) -> impl IntoView {
    let i18n = use_i18n();
    let player = content.media.map(|media| {
        let element = match media.kind {
            MediaKind::Audio => view! {
                <audio id="lesson-player" class="lesson-player" controls preload="metadata" data-testid="lesson-audio">
                    <source src=media.url type=media.content_type/>
                </audio>
            }
            .into_any(),
            _ => view! {
                <video id="lesson-player" class="lesson-player" controls preload="metadata" data-testid="lesson-video">
                    <source src=media.url type=media.content_type/>
                </video>
            }
            .into_any(),
        };
        view! {
            <div class="player" role="group" aria-label=move || t_string!(i18n, player_label)>
                {element}
                <p class="player-tools">
                    <label id="lesson-speed-label" for="lesson-speed" hidden>{t!(i18n, playback_speed)}</label>
                    <select id="lesson-speed" hidden>
                        {["0.75", "1", "1.25", "1.5", "1.75", "2"]
                            .into_iter()
                            .map(|s| view! { <option value=s selected=s == "1">{format!("{s}×")}</option> })
                            .collect_view()}
                    </select>
                    <span class="muted small">{t!(i18n, player_keys)}</span>
                </p>
            </div>
        }
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
