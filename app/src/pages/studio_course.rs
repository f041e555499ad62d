//! `/studio/courses/{id}`: one course's settings, its chapters and lessons, and its revisions.

use crate::AppError;
use crate::api::types::{ChapterView, CourseEditorView, LessonItemView, RevisionView};
use crate::api::{StructureEdit, StudioSaveSettings, StudioStructure, StudioSubmit, studio_course};
use crate::components::{ActionError, EditorTarget, RichEditor};
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::PageError;
use crate::pages::course::KindLabel;
use crate::pages::studio::{FieldProblems, StateLabel};
use domain::authoring::{Field, Level, ReviewState, SettingsForm};
use domain::{ChapterId, CourseId, LessonId, LessonKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The course editor.
#[component]
pub fn StudioCoursePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let course = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<CourseId>().ok())
    };
    let data = Resource::new(course, |course| async move {
        match course {
            Some(course) => studio_course(course).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, studio_title)/>
        <section class="container section studio">
            <p><a href="/studio">{t!(i18n, studio_back)}</a></p>
            {move || query.read().get("imported").map(|_| view! {
                <p class="form-done" role="status" data-testid="imported">{t!(i18n, studio_imported)}</p>
            })}
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(course) => view! { <CourseEditor course on_change=move || data.refetch()/> }.into_any(),
                        Err(error) => view! { <PageError error next="/studio"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CourseEditor(
    course: CourseEditorView,
    /// Reloads the page's data (after a submission or a publication changed the state).
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let CourseEditorView {
        id,
        form,
        version,
        state,
        live_slug,
        live_revision,
        outline,
        revisions,
        categories,
        can_review,
        unpublished_reason,
        cover,
    } = course;
    let live = live_slug.map(|slug| {
        let href = format!("/courses/{slug}");
        let revision = live_revision.unwrap_or_default();
        view! { <a href=href>{t!(i18n, studio_live, revision = revision)}</a> }
    });
    view! {
        <header class="studio-head">
            <h1 data-testid="course-title">{form.title.clone()}</h1>
            <span class="badge" data-state=state.as_str() data-testid="course-state"><StateLabel state/></span>
            {live}
        </header>
        <SettingsPanel course=id form version categories/>
        <CoverPanel course=id cover/>
        <StructurePanel course=id outline/>
        <RevisionsPanel course=id state revisions can_review unpublished_reason on_change/>
    }
    .into_any()
}

/// The course's cover: a plain form (works before the page hydrates), answered by
/// `POST /studio/courses/{id}/cover` with this page and `?cover=<outcome>`.
#[component]
fn CoverPanel(course: CourseId, cover: Option<domain::MediaId>) -> impl IntoView {
    let i18n = use_i18n();
    let action = format!("/studio/courses/{course}/cover");
    view! {
        <section class="panel" aria-labelledby="cover-heading" data-testid="cover-panel">
            <h2 id="cover-heading">{t!(i18n, studio_cover)}</h2>
            <CoverOutcome/>
            {cover.map(|cover| view! {
                <img class="cover-preview" src=format!("/media/covers/{cover}-card.jpg") alt="" width="320" height="180" data-testid="cover-preview"/>
            })}
            <form class="form" method="post" action=action.clone() enctype="multipart/form-data">
                <input type="file" name="cover" accept="image/png,image/jpeg,image/webp,image/gif" required/>
                <small class="muted">{t!(i18n, studio_cover_hint)}</small>
                <button type="submit" class="button button-quiet">{t!(i18n, studio_cover_upload)}</button>
            </form>
            {cover.is_some().then(|| view! {
                <form method="post" action=action enctype="multipart/form-data" class="inline-form">
                    <input type="hidden" name="remove" value="1"/>
                    <button type="submit" class="button button-quiet">{t!(i18n, studio_cover_remove)}</button>
                </form>
            })}
        </section>
    }
}

/// What happened to the last cover upload (`?cover=…`).
#[component]
fn CoverOutcome() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        let outcome = query.read().get("cover")?;
        Some(match outcome.as_str() {
            "saved" => view! { <p class="form-done" role="status">{t!(i18n, cover_saved)}</p> }.into_any(),
            "removed" => view! { <p class="form-done" role="status">{t!(i18n, cover_removed)}</p> }.into_any(),
            "too-large" => view! { <p class="form-error" role="alert">{t!(i18n, cover_too_large)}</p> }.into_any(),
            "missing" => view! { <p class="form-error" role="alert">{t!(i18n, cover_missing)}</p> }.into_any(),
            "throttled" => view! { <p class="form-error" role="alert">{t!(i18n, avatar_throttled)}</p> }.into_any(),
            _ => view! { <p class="form-error" role="alert" data-testid="cover-error">{t!(i18n, cover_not_image)}</p> }.into_any(),
        })
    }
}

#[component]
fn SettingsPanel(
    course: CourseId,
    form: SettingsForm,
    version: i64,
    categories: Vec<domain::Category>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<StudioSaveSettings>::new();
    let version = RwSignal::new(version);
    let slug_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
            if let Some(input) = slug_input.get_untracked() {
                input.set_value(&saved.slug);
            }
        }
    });
    let errors = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Fields(errors))) => errors,
        _ => Vec::new(),
    });
    let problems = move |field: Field| view! { <FieldProblems errors field/> };
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let result = Signal::derive(move || save.value().get().map(|r| r.map(drop)));
    let category = form.category.clone();
    let language = form.language.clone();
    let level = form.level.clone();
    let currency = form.currency.clone();
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t!(i18n, studio_settings)}</h2>
            <ActionForm action=save attr:class="form" attr:data-testid="settings">
                <input type="hidden" name="course" value=course.get().to_string()/>
                <input type="hidden" name="version" value=move || version.get().to_string()/>
                <label>
                    <span>{t!(i18n, field_title)}</span>
                    <input type="text" name="form[title]" value=form.title.clone() required maxlength="120"/>
                    {problems(Field::Title)}
                </label>
                <label>
                    <span>{t!(i18n, field_subtitle)}</span>
                    <input type="text" name="form[subtitle]" value=form.subtitle.clone() maxlength="200"/>
                    {problems(Field::Subtitle)}
                </label>
                <label>
                    <span>{t!(i18n, field_slug)}</span>
                    <input type="text" name="form[slug]" node_ref=slug_input value=form.slug.clone() maxlength="80" pattern="[a-z0-9]+(-[a-z0-9]+)*" data-testid="slug"/>
                    <small class="muted">{t!(i18n, studio_slug_hint)}</small>
                    {problems(Field::Slug)}
                </label>
                <div class="form-row">
                    <label>
                        <span>{t!(i18n, field_category_label)}</span>
                        <select name="form[category]">
                            {categories.into_iter().map(|c| {
                                let value = c.id.get().to_string();
                                let selected = value == category;
                                let name = c.name.clone();
                                view! {
                                    <option value=value selected=selected>
                                        {move || name.get(lang_of(i18n.get_locale())).to_owned()}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                        {problems(Field::Category)}
                    </label>
                    <label>
                        <span>{t!(i18n, field_language)}</span>
                        <select name="form[language]">
                            <option value="zh-CN" selected={language == "zh-CN"}>"中文"</option>
                            <option value="en" selected={language == "en"}>"English"</option>
                        </select>
                        {problems(Field::Language)}
                    </label>
                    <label>
                        <span>{t!(i18n, field_level)}</span>
                        <select name="form[level]">
                            {Level::ALL.into_iter().map(|l| view! {
                                <option value=l.as_str() selected={l.as_str() == level}><LevelLabel level=l/></option>
                            }).collect_view()}
                        </select>
                        {problems(Field::Level)}
                    </label>
                </div>
                <label>
                    <span>{t!(i18n, field_tags)}</span>
                    <input type="text" name="form[tags]" value=form.tags.clone() maxlength="300"/>
                    <small class="muted">{t!(i18n, studio_tags_hint)}</small>
                    {problems(Field::Tags)}
                </label>
                <div class="form-row">
                    <label>
                        <span>{t!(i18n, field_price)}</span>
                        <input type="text" name="form[price]" value=form.price.clone() inputmode="decimal" maxlength="12"/>
                        <small class="muted">{t!(i18n, studio_price_hint)}</small>
                        {problems(Field::Price)}
                    </label>
                    <label>
                        <span>{t!(i18n, field_currency)}</span>
                        <select name="form[currency]">
                            <option value="CNY" selected={currency == "CNY"}>"CNY ¥"</option>
                            <option value="USD" selected={currency == "USD"}>"USD $"</option>
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, field_refund_days)}</span>
                        <input type="number" name="form[refund_days]" value=form.refund_days.clone() min="0" max="30" step="1"/>
                        {problems(Field::RefundDays)}
                    </label>
                </div>
                <div class="field">
                    <span>{t!(i18n, field_description)}</span>
                    <RichEditor
                        target=EditorTarget::Field { name: "form[description_html]" }
                        html=form.description_html.clone()
                        label=Signal::derive(move || t_string!(i18n, field_description).to_owned())
                    />
                    {problems(Field::Description)}
                </div>
                <label>
                    <span>{t!(i18n, field_outcomes)}</span>
                    <textarea name="form[outcomes]" rows="4">{form.outcomes.clone()}</textarea>
                    <small class="muted">{t!(i18n, studio_outcomes_hint)}</small>
                    {problems(Field::Outcomes)}
                </label>
                <button type="submit" class="button">{t!(i18n, studio_save_settings)}</button>
                {move || saved().then(|| view! { <span class="form-done" role="status" data-testid="settings-saved">{t!(i18n, studio_saved)}</span> })}
            </ActionForm>
            <ActionError result/>
        </section>
    }
    .into_any()
}

/// A course level in the reader's language.
#[component]
fn LevelLabel(level: Level) -> impl IntoView {
    let i18n = use_i18n();
    match level {
        Level::Beginner => t!(i18n, level_beginner).into_any(),
        Level::Intermediate => t!(i18n, level_intermediate).into_any(),
        Level::Advanced => t!(i18n, level_advanced).into_any(),
        Level::AllLevels => t!(i18n, level_all).into_any(),
    }
}

/// What is being dragged in the structure editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dragged {
    Chapter(ChapterId),
    Lesson(ChapterId, LessonId),
}

/// What a delete button is waiting to have confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Chapter(ChapterId),
    Lesson(LessonId),
}

/// The structure editor's shared state: the outline as stored, and the edit on its way.
#[derive(Clone, Copy)]
struct Structure {
    course: CourseId,
    chapters: RwSignal<Vec<ChapterView>>,
    edit: ServerAction<StudioStructure>,
    announce: RwSignal<String>,
    dragged: RwSignal<Option<Dragged>>,
    pending: RwSignal<Option<Pending>>,
    /// The outline as the store last answered, to go back to when an edit is refused.
    stored: StoredValue<Vec<ChapterView>>,
    i18n: leptos_i18n::I18nContext<Locale>,
}

impl Structure {
    fn send(self, edit: StructureEdit) {
        self.edit.dispatch(StudioStructure {
            course: self.course,
            edit,
        });
    }

    fn chapter(self, id: ChapterId) -> Option<ChapterView> {
        self.chapters
            .with(|chapters| chapters.iter().find(|c| c.id == id).cloned())
    }

    /// Moves chapter `id` to `to` (0-based), on the page at once and then in the store.
    fn move_chapter(self, id: ChapterId, to: usize) {
        let Some((title, position, total)) = self
            .chapters
            .try_update(|chapters| {
                let from = chapters.iter().position(|c| c.id == id)?;
                let to = to.min(chapters.len() - 1);
                let chapter = chapters.remove(from);
                let title = chapter.title.clone();
                chapters.insert(to, chapter);
                Some((title, to + 1, chapters.len()))
            })
            .flatten()
        else {
            return;
        };
        let order = self
            .chapters
            .with_untracked(|chapters| chapters.iter().map(|c| c.id).collect());
        self.moved(&title, position, total);
        self.send(StructureEdit::OrderChapters { order });
    }

    /// Moves lesson `id` of `chapter` to `to` (0-based).
    fn move_lesson(self, chapter: ChapterId, id: LessonId, to: usize) {
        let Some((title, position, order)) = self
            .chapters
            .try_update(|chapters| {
                let lessons = &mut chapters.iter_mut().find(|c| c.id == chapter)?.lessons;
                let from = lessons.iter().position(|l| l.id == id)?;
                let to = to.min(lessons.len() - 1);
                let lesson = lessons.remove(from);
                let title = lesson.title.clone();
                lessons.insert(to, lesson);
                Some((
                    title,
                    to + 1,
                    lessons.iter().map(|l| l.id).collect::<Vec<_>>(),
                ))
            })
            .flatten()
        else {
            return;
        };
        self.moved(&title, position, order.len());
        self.send(StructureEdit::OrderLessons { chapter, order });
    }

    fn moved(self, title: &str, position: usize, total: usize) {
        let i18n = self.i18n;
        let said = t_string!(
            i18n,
            studio_moved,
            title = title,
            position = position,
            total = total
        )
        .to_string();
        self.announce.set(said);
    }
}

/// Puts keyboard focus back on `id` once the moved row is in its new place (moving a row takes
/// the focus from the button that moved it).
fn refocus(id: String) {
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

#[component]
fn StructurePanel(course: CourseId, outline: Vec<ChapterView>) -> impl IntoView {
    let i18n = use_i18n();
    let structure = Structure {
        course,
        stored: StoredValue::new(outline.clone()),
        i18n,
        chapters: RwSignal::new(outline),
        edit: ServerAction::<StudioStructure>::new(),
        announce: RwSignal::new(String::new()),
        dragged: RwSignal::new(None),
        pending: RwSignal::new(None),
    };
    // What the store answers replaces the page's guess (the same order, unless the edit failed).
    Effect::new(move |_| match structure.edit.value().get() {
        Some(Ok(outline)) => {
            structure.stored.set_value(outline.clone());
            structure.chapters.set(outline);
        }
        Some(Err(_)) => structure.chapters.set(structure.stored.get_value()),
        None => {}
    });
    let result = Signal::derive(move || structure.edit.value().get().map(|r| r.map(drop)));
    let new_chapter = NodeRef::<leptos::html::Input>::new();
    let add_chapter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = new_chapter.get() {
            let title = input.value();
            if !title.trim().is_empty() {
                structure.send(StructureEdit::AddChapter { title });
                input.set_value("");
            }
        }
    };
    let ids = move || {
        structure
            .chapters
            .with(|cs| cs.iter().map(|c| c.id).collect::<Vec<_>>())
    };
    view! {
        <section class="panel" aria-labelledby="structure-heading">
            <h2 id="structure-heading">{t!(i18n, studio_structure)}</h2>
            <p class="muted">{t!(i18n, studio_structure_hint)}</p>
            <p class="visually-hidden" role="status" aria-live="assertive" data-testid="announce">
                {move || structure.announce.get()}
            </p>
            <ol class="studio-outline" data-testid="outline">
                <For each=ids key=|id| *id let:chapter>
                    <ChapterRow structure chapter/>
                </For>
            </ol>
            <form class="inline-form" on:submit=add_chapter data-testid="add-chapter">
                <label class="visually-hidden" for="new-chapter">{t!(i18n, studio_chapter_title)}</label>
                <input id="new-chapter" type="text" node_ref=new_chapter maxlength="120" required placeholder=move || t_string!(i18n, studio_chapter_title)/>
                <button type="submit" class="button button-quiet">{t!(i18n, studio_add_chapter)}</button>
            </form>
            <ActionError result/>
        </section>
    }
    .into_any()
}

#[component]
fn ChapterRow(structure: Structure, chapter: ChapterId) -> impl IntoView {
    let i18n = use_i18n();
    let data = Memo::new(move |_| structure.chapter(chapter));
    let title = move || data.with(|c| c.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let index = move || {
        structure
            .chapters
            .with(|cs| cs.iter().position(|c| c.id == chapter).unwrap_or(0))
    };
    let count = move || structure.chapters.with(Vec::len);
    let lesson_ids = move || {
        data.with(|c| {
            c.as_ref()
                .map(|c| c.lessons.iter().map(|l| l.id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let up_id = format!("chapter-up-{chapter}");
    let down_id = format!("chapter-down-{chapter}");
    let move_to = move |to: usize, focus: String| {
        structure.move_chapter(chapter, to);
        refocus(focus);
    };
    let rename = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if !value.trim().is_empty() && value != title() {
            structure.send(StructureEdit::RenameChapter {
                chapter,
                title: value,
            });
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        let at = index();
        match ev.key().as_str() {
            "ArrowUp" if at > 0 => {
                ev.prevent_default();
                structure.move_chapter(chapter, at - 1);
                refocus(format!("chapter-title-{chapter}"));
            }
            "ArrowDown" if at + 1 < count() => {
                ev.prevent_default();
                structure.move_chapter(chapter, at + 1);
                refocus(format!("chapter-title-{chapter}"));
            }
            _ => {}
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        if let Some(Dragged::Chapter(moving)) = structure.dragged.get_untracked() {
            ev.prevent_default();
            structure.dragged.set(None);
            if moving != chapter {
                structure.move_chapter(moving, index());
            }
        }
    };
    let up_focus = up_id.clone();
    let down_focus = down_id.clone();
    view! {
        <li
            class="studio-outline-chapter"
            data-testid="chapter"
            draggable="true"
            on:dragstart=move |_| structure.dragged.set(Some(Dragged::Chapter(chapter)))
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if matches!(structure.dragged.get_untracked(), Some(Dragged::Chapter(_))) {
                    ev.prevent_default();
                }
            }
            on:drop=on_drop
        >
            <div class="studio-outline-row">
                <span class="drag-handle" aria-hidden="true">"⠿"</span>
                <input
                    id=format!("chapter-title-{chapter}")
                    class="studio-outline-title"
                    type="text"
                    maxlength="120"
                    prop:value=title
                    aria-label=move || t_string!(i18n, studio_chapter_title)
                    aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                    on:change=rename
                    on:keydown=on_keydown
                    data-testid="chapter-title"
                />
                <button type="button" class="icon-button" id=up_id
                    disabled={move || index() == 0}
                    aria-label=move || t_string!(i18n, studio_move_up, title = title()).to_string()
                    on:click={move |_| move_to(index().saturating_sub(1), up_focus.clone())}>"↑"</button>
                <button type="button" class="icon-button" id=down_id
                    disabled={move || index() + 1 >= count()}
                    aria-label=move || t_string!(i18n, studio_move_down, title = title()).to_string()
                    on:click={move |_| move_to(index() + 1, down_focus.clone())}>"↓"</button>
                <DeleteButton structure target=Pending::Chapter(chapter) title=Signal::derive(title)/>
            </div>
            <ol class="studio-outline-lessons">
                <For each=lesson_ids key=|id| *id let:lesson>
                    <LessonRow structure chapter lesson/>
                </For>
            </ol>
            <AddLessonForm structure chapter/>
        </li>
    }
    .into_any()
}

#[component]
fn LessonRow(structure: Structure, chapter: ChapterId, lesson: LessonId) -> impl IntoView {
    let i18n = use_i18n();
    let data = Memo::new(move |_| {
        structure
            .chapter(chapter)
            .and_then(|c| c.lessons.into_iter().find(|l| l.id == lesson))
    });
    let field = move |f: fn(&LessonItemView) -> String| {
        move || data.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    let title = field(|l| l.title.clone());
    let index = move || {
        structure.chapter(chapter).map_or(0, |c| {
            c.lessons.iter().position(|l| l.id == lesson).unwrap_or(0)
        })
    };
    let count = move || structure.chapter(chapter).map_or(0, |c| c.lessons.len());
    let kind = move || data.with(|l| l.as_ref().map_or(LessonKind::Text, |l| l.kind));
    let preview = move || data.with(|l| l.as_ref().is_some_and(|l| l.preview));
    let minutes = move || data.with(|l| l.as_ref().map_or(0, |l| l.minutes));
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        let at = index();
        match ev.key().as_str() {
            "ArrowUp" if at > 0 => {
                ev.prevent_default();
                structure.move_lesson(chapter, lesson, at - 1);
                refocus(format!("lesson-link-{lesson}"));
            }
            "ArrowDown" if at + 1 < count() => {
                ev.prevent_default();
                structure.move_lesson(chapter, lesson, at + 1);
                refocus(format!("lesson-link-{lesson}"));
            }
            _ => {}
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        if let Some(Dragged::Lesson(from, moving)) = structure.dragged.get_untracked()
            && from == chapter
        {
            ev.prevent_default();
            ev.stop_propagation();
            structure.dragged.set(None);
            if moving != lesson {
                structure.move_lesson(chapter, moving, index());
            }
        }
    };
    let up_id = format!("lesson-up-{lesson}");
    let down_id = format!("lesson-down-{lesson}");
    let up_focus = up_id.clone();
    let down_focus = down_id.clone();
    view! {
        <li
            class="studio-outline-lesson"
            data-testid="lesson"
            draggable="true"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                ev.stop_propagation();
                structure.dragged.set(Some(Dragged::Lesson(chapter, lesson)));
            }
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if matches!(structure.dragged.get_untracked(), Some(Dragged::Lesson(from, _)) if from == chapter) {
                    ev.prevent_default();
                }
            }
            on:drop=on_drop
        >
            <span class="drag-handle" aria-hidden="true">"⠿"</span>
            <a
                id=format!("lesson-link-{lesson}")
                href=format!("/studio/lessons/{lesson}")
                aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                on:keydown=on_keydown
                data-testid="lesson-title"
            >
                {title}
            </a>
            <span class="muted">{move || view! { <KindLabel kind=kind()/> }}</span>
            {move || preview().then(|| view! { <span class="badge">{t!(i18n, studio_preview)}</span> })}
            <span class="muted">{move || t_string!(i18n, studio_minutes, count = minutes()).to_string()}</span>
            <button type="button" class="icon-button" id=up_id
                disabled={move || index() == 0}
                aria-label=move || t_string!(i18n, studio_move_up, title = title()).to_string()
                on:click=move |_| {
                    structure.move_lesson(chapter, lesson, index().saturating_sub(1));
                    refocus(up_focus.clone());
                }>"↑"</button>
            <button type="button" class="icon-button" id=down_id
                disabled={move || index() + 1 >= count()}
                aria-label=move || t_string!(i18n, studio_move_down, title = title()).to_string()
                on:click=move |_| {
                    structure.move_lesson(chapter, lesson, index() + 1);
                    refocus(down_focus.clone());
                }>"↓"</button>
            <DeleteButton structure target=Pending::Lesson(lesson) title=Signal::derive(title)/>
        </li>
    }
    .into_any()
}

/// Delete, then "really delete?" with a cancel: nothing is removed by one stray click.
#[component]
fn DeleteButton(structure: Structure, target: Pending, title: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = move || structure.pending.get() == Some(target);
    let confirm = move |_| {
        structure.pending.set(None);
        structure.send(match target {
            Pending::Chapter(chapter) => StructureEdit::DeleteChapter { chapter },
            Pending::Lesson(lesson) => StructureEdit::DeleteLesson { lesson },
        });
    };
    view! {
        <Show
            when=asking
            fallback=move || view! {
                <button type="button" class="icon-button danger"
                    aria-label=move || t_string!(i18n, studio_delete_named, title = title.get()).to_string()
                    data-testid="delete"
                    on:click=move |_| structure.pending.set(Some(target))>"✕"</button>
            }
        >
            <span class="confirm" role="group">
                <span>{move || t_string!(i18n, studio_delete_confirm, title = title.get()).to_string()}</span>
                <button type="button" class="button danger small" data-testid="confirm-delete" on:click=confirm>
                    {t!(i18n, studio_delete)}
                </button>
                <button type="button" class="button button-quiet small" on:click=move |_| structure.pending.set(None)>
                    {t!(i18n, studio_cancel)}
                </button>
            </span>
        </Show>
    }
}

#[component]
fn AddLessonForm(structure: Structure, chapter: ChapterId) -> impl IntoView {
    let i18n = use_i18n();
    let title_input = NodeRef::<leptos::html::Input>::new();
    let kind_select = NodeRef::<leptos::html::Select>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(input), Some(select)) = (title_input.get(), kind_select.get()) else {
            return;
        };
        let title = input.value();
        let kind = LessonKind::parse(&select.value()).unwrap_or(LessonKind::Text);
        if !title.trim().is_empty() {
            structure.send(StructureEdit::AddLesson {
                chapter,
                title,
                kind,
            });
            input.set_value("");
        }
    };
    view! {
        <form class="inline-form add-lesson" on:submit=submit data-testid="add-lesson">
            <input type="text" node_ref=title_input maxlength="120" required
                aria-label=move || t_string!(i18n, studio_lesson_title)
                placeholder=move || t_string!(i18n, studio_lesson_title)/>
            <select node_ref=kind_select aria-label=move || t_string!(i18n, studio_lesson_kind)>
                {LessonKind::ALL.into_iter().map(|kind| view! {
                    <option value=kind.as_str()><KindLabel kind/></option>
                }).collect_view()}
            </select>
            <button type="submit" class="button button-quiet">{t!(i18n, studio_add_lesson)}</button>
        </form>
    }
}

#[component]
fn RevisionsPanel(
    course: CourseId,
    state: ReviewState,
    revisions: Vec<RevisionView>,
    can_review: bool,
    unpublished_reason: String,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = ServerAction::<StudioSubmit>::new();
    Effect::new(move |_| {
        if matches!(submit.value().get(), Some(Ok(_))) {
            on_change();
        }
    });
    let submit_result = Signal::derive(move || submit.value().get().map(|r| r.map(drop)));
    let empty = revisions.is_empty();
    view! {
        <section class="panel" aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">{t!(i18n, studio_revisions)}</h2>
            <p class="muted">{t!(i18n, studio_revisions_hint)}</p>
            {(!unpublished_reason.is_empty()).then(|| view! {
                <div class="reason" data-testid="unpublished-reason">
                    <strong>{t!(i18n, studio_unpublished)}</strong>
                    <div class="prose" inner_html=unpublished_reason></div>
                </div>
            })}
            {(state != ReviewState::InReview).then(|| view! {
                <ActionForm action=submit attr:class="inline-form" attr:data-testid="submit-review">
                    <input type="hidden" name="course" value=course.get().to_string()/>
                    <button type="submit" class="button">{t!(i18n, studio_submit)}</button>
                </ActionForm>
            })}
            <ActionError result=submit_result/>
            {empty.then(|| view! { <p class="muted">{t!(i18n, studio_no_revisions)}</p> })}
            <ul class="revisions" data-testid="revisions">
                {revisions.into_iter().map(|r| {
                    let waiting = r.decision.is_none();
                    let number = r.number;
                    view! {
                        <li data-testid="revision">
                            <strong>{t!(i18n, studio_revision, number = number)}</strong>
                            <span class="muted">{t!(i18n, studio_submitted_at, at = r.submitted.clone())}</span>
                            <span class="badge">{match r.decision.as_deref() {
                                None => t!(i18n, decision_waiting).into_any(),
                                Some("approved") => t!(i18n, decision_approved).into_any(),
                                Some(_) => t!(i18n, decision_changes).into_any(),
                            }}</span>
                            {(!r.reason.is_empty()).then(|| view! { <div class="reason prose" inner_html=r.reason.clone()></div> })}
                            {(waiting && can_review).then(|| view! {
                                <a class="button" href=format!("/review/{}/{number}", course.get()) data-testid="open-review">
                                    {t!(i18n, studio_review_link)}
                                </a>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="panel" data-testid="export-course">
            <h2>{t!(i18n, studio_export)}</h2>
            <p class="muted">{t!(i18n, studio_export_hint)}</p>
            <a class="button button-quiet" href=format!("/studio/courses/{}/export", course.get()) download>
                {t!(i18n, studio_export)}
            </a>
        </section>
    }
    .into_any()
}
