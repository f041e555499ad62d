use crate::components::{ErrorPanel, Price};
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::NotFoundContent;
use crate::{AppError, api};
use domain::{ChapterOutline, CourseDetail, Lang, LessonKind, LessonOutline};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// `/courses/{slug}`: what the course is, who teaches it, what it costs, and its outline.
#[component]
pub fn CoursePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, api::course);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(course) => view! { <CourseView course/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CourseView(course: CourseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let card = course.card.clone();
    let lang_tag = card.language.tag();
    let category = course.category.name.clone();
    let first_preview = course
        .lessons_in_order()
        .find(|lesson| lesson.is_preview)
        .map(|lesson| format!("/courses/{}/lessons/{}", card.slug, lesson.id));
    let slug = card.slug.to_string();
    view! {
        <Title text=card.title.clone()/>
        <Meta name="description" content=card.subtitle.clone()/>
        <section class="course-hero">
            <div class="container course-hero-grid">
                <div>
                    <p class="eyebrow">
                        <a href=format!("/?category={}", course.category.slug)>
                            {move || category.get(lang_of(i18n.get_locale())).to_owned()}
                        </a>
                    </p>
                    <h1 lang=lang_tag>{card.title.clone()}</h1>
                    <p class="lead" lang=lang_tag>{card.subtitle.clone()}</p>
                    <p class="course-meta">
                        <span>{t!(i18n, by_author, name = card.author_name.clone())}</span>
                        <span aria-hidden="true">" · "</span>
                        <span>{t!(i18n, lesson_count, count = card.lesson_count)}</span>
                        <span aria-hidden="true">" · "</span>
                        <span>
                            {match card.language {
                                Lang::En => t!(i18n, taught_in_en).into_any(),
                                Lang::ZhCn => t!(i18n, taught_in_zh).into_any(),
                            }}
                        </span>
                    </p>
                </div>
                <aside class="buy-box">
                    {card.cover.map(|cover| view! {
                        <img class="course-hero-cover" src=format!("/media/covers/{cover}-page.jpg") alt="" width="1280" height="720" data-testid="course-cover"/>
                    })}
                    <p class="muted">{t!(i18n, price_label)}</p>
                    <p class="buy-price">
                        <Price price=card.price/>
                    </p>
                    {first_preview
                        .map(|href| {
                            view! {
                                <a class="button" href=href>
                                    {t!(i18n, start_preview)}
                                </a>
                            }
                        })}
                </aside>
            </div>
        </section>
        <section class="container section course-content">
            // Sanitised by the server before it was stored (richtext), so it is rendered as is.
            <div class="description prose" lang=lang_tag data-testid="course-description" inner_html=course.description.clone()></div>
            <h2 class="section-title">{t!(i18n, course_outline)}</h2>
            <ol class="outline">
                {course
                    .chapters
                    .into_iter()
                    .map(|chapter| view! { <Chapter chapter slug=slug.clone() lang_tag/> })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

#[component]
fn Chapter(chapter: ChapterOutline, slug: String, lang_tag: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let count = chapter.lessons.len();
    view! {
        <li class="chapter">
            <h3 lang=lang_tag>
                {chapter.title.clone()} <span class="muted">{t!(i18n, chapter_lessons, count = count)}</span>
            </h3>
            <ol class="lessons">
                {chapter
                    .lessons
                    .into_iter()
                    .map(|lesson| view! { <LessonRow lesson slug=slug.clone() lang_tag/> })
                    .collect_view()}
            </ol>
        </li>
    }
}

#[component]
fn LessonRow(lesson: LessonOutline, slug: String, lang_tag: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let minutes = domain::time::minutes_rounded_up(lesson.duration_seconds);
    view! {
        <li class="lesson-row">
            <a href=format!("/courses/{slug}/lessons/{}", lesson.id)>
                <span class="lesson-kind">
                    <KindLabel kind=lesson.kind/>
                </span>
                <span class="lesson-title" lang=lang_tag>{lesson.title.clone()}</span>
                {lesson.is_preview.then(|| view! { <span class="badge badge-accent">{t!(i18n, free_preview)}</span> })}
                <span class="muted lesson-minutes">{t!(i18n, minutes, count = minutes)}</span>
            </a>
        </li>
    }
}

/// "Video", "Reading" or "Audio" in the reader's language.
#[component]
pub fn KindLabel(kind: LessonKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        LessonKind::Text => t!(i18n, kind_text).into_any(),
        LessonKind::Video => t!(i18n, kind_video).into_any(),
        LessonKind::Audio => t!(i18n, kind_audio).into_any(),
        LessonKind::Attachments => t!(i18n, kind_attachments).into_any(),
    }
}
