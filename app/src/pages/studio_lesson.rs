//! `/studio/lessons/{id}`: one draft lesson, its title and preview flag, and its body in the rich
//! editor, saved as the author types.

use crate::AppError;
use crate::api::types::{BodyCounts, LessonEditorView};
use crate::api::{StudioLessonDetails, studio_lesson};
use crate::components::{ActionDone, ActionError, EditorTarget, ErrorPanel, RichEditor};
use crate::i18n::*;
use crate::pages::SignInPrompt;
use crate::pages::course::KindLabel;
use domain::LessonId;
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
        <Title text=move || t_string!(i18n, studio_title)/>
        <section class="container section studio">
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(lesson) => view! { <LessonEditor lesson/> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <SignInPrompt next="/studio"/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "1234 characters · 456 words · 3 min read", in the reader's language. The editor script fills
/// the same template (`{chars}`, `{words}`, `{minutes}`) after each save.
fn counts_line(i18n: leptos_i18n::I18nContext<Locale>, counts: BodyCounts) -> String {
    let minutes = ((counts.duration_seconds + 59) / 60).max(1);
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
