use crate::AppError;
use crate::api::types::{StudioCourseView, StudioOverview};
use crate::api::{StudioCreateCourse, studio_home};
use crate::components::ActionError;
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::PageError;
use domain::authoring::{Field, FieldError, FieldProblem, ReviewState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/studio`: the author's courses with where each stands, and a form to start a new one.
#[component]
pub fn StudioPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<StudioCreateCourse>::new();
    let home = Resource::new(move || create.version().get(), |_| studio_home());
    view! {
        <Title text=t_string!(i18n, studio_title)/>
        <section class="container section studio">
            <h1>{t!(i18n, studio_title)}</h1>
            <p class="link-row">
                <a href="/studio/earnings" data-testid="earnings-link">{t!(i18n, earnings_title)}</a>
                " · "
                <a href="/studio/coupons" data-testid="coupons-link">{t!(i18n, nav_coupons)}</a>
            </p>
            <Transition>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(home) => view! { <StudioSections home create/> }.into_any(),
                        Err(error) => view! { <PageError error next="/studio"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StudioSections(home: StudioOverview, create: ServerAction<StudioCreateCourse>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = home.courses.is_empty();
    let errors = Signal::derive(move || match create.value().get() {
        Some(Err(AppError::Fields(errors))) => errors,
        _ => Vec::new(),
    });
    let problem = move |field: Field| view! { <FieldProblems errors field/> };
    // A new course opens in its editor.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(course)) = create.value().get() {
            navigate(&format!("/studio/courses/{course}"), Default::default());
        }
    });
    let result = Signal::derive(move || create.value().get().map(|r| r.map(drop)));
    view! {
        <section class="panel">
            <h2>{t!(i18n, studio_courses)}</h2>
            {empty.then(|| view! { <p class="muted" data-testid="studio-empty">{t!(i18n, studio_empty)}</p> })}
            <ul class="studio-courses" data-testid="studio-courses">
                {home.courses.into_iter().map(|course| view! { <StudioCourseRow course/> }).collect_view()}
            </ul>
        </section>
        <section class="panel">
            <h2>{t!(i18n, studio_new_course)}</h2>
            <ActionForm action=create attr:class="form" attr:data-testid="new-course">
                <label>
                    <span>{t!(i18n, field_title)}</span>
                    <input type="text" name="title" required maxlength="120"/>
                    {problem(Field::Title)}
                    {problem(Field::Slug)}
                </label>
                <label>
                    <span>{t!(i18n, field_category_label)}</span>
                    <select name="category" required>
                        {home.categories.into_iter().map(|category| {
                            let name = category.name.clone();
                            view! {
                                <option value=category.id.get().to_string()>
                                    {move || name.get(lang_of(i18n.get_locale())).to_owned()}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    {problem(Field::Category)}
                </label>
                <label>
                    <span>{t!(i18n, field_language)}</span>
                    <select name="language">
                        <option value="zh-CN">"中文"</option>
                        <option value="en">"English"</option>
                    </select>
                    {problem(Field::Language)}
                </label>
                <div class="form-row">
                    <label>
                        <span>{t!(i18n, field_price)}</span>
                        <input type="text" name="price" inputmode="decimal" placeholder="0.00" maxlength="12"/>
                        <small class="muted">{t!(i18n, studio_price_hint)}</small>
                        {problem(Field::Price)}
                    </label>
                    <label>
                        <span>{t!(i18n, field_currency)}</span>
                        <select name="currency">
                            <option value="CNY">"CNY ¥"</option>
                            <option value="USD">"USD $"</option>
                        </select>
                    </label>
                </div>
                <button type="submit" class="button">{t!(i18n, studio_create)}</button>
            </ActionForm>
            <ActionError result/>
        </section>
        <ImportPanel/>
    }
}

/// Importing a course archive: a plain form (works before the page hydrates), answered by
/// `POST /studio/import` with the new draft's editor, or back here with `?import=<problem>`.
#[component]
fn ImportPanel() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" data-testid="import-course">
            <h2>{t!(i18n, studio_import)}</h2>
            <ImportOutcome/>
            <form class="form" method="post" action="/studio/import" enctype="multipart/form-data">
                <input type="file" name="archive" accept=".zip,application/zip" required/>
                <small class="muted">{t!(i18n, studio_import_hint)}</small>
                <button type="submit" class="button button-quiet">{t!(i18n, studio_import_button)}</button>
            </form>
        </section>
    }
}

/// Why the last import was refused (`?import=…&detail=…`, set by the import endpoint).
#[component]
fn ImportOutcome() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        let code = query.read().get("import")?;
        let detail = query.read().get("detail").filter(|d| !d.is_empty());
        let message = match code.as_str() {
            "no-file" => t!(i18n, import_no_file).into_any(),
            "not-an-archive" => t!(i18n, import_not_an_archive).into_any(),
            "schema" => t!(i18n, import_schema).into_any(),
            "too-large" => t!(i18n, import_too_large).into_any(),
            "damaged" => t!(i18n, import_damaged).into_any(),
            "category" => t!(i18n, import_category).into_any(),
            "content" => t!(i18n, import_content).into_any(),
            "media" => t!(i18n, import_media).into_any(),
            "forbidden" | "author" => t!(i18n, import_forbidden).into_any(),
            "unavailable" => t!(i18n, import_unavailable).into_any(),
            _ => t!(i18n, import_failed).into_any(),
        };
        Some(view! {
            <div class="form-error" role="alert" data-testid="import-error">
                <p>{message}</p>
                {detail.map(|detail| view! { <p class="muted"><code>{detail}</code></p> })}
            </div>
        })
    }
}

#[component]
fn StudioCourseRow(course: StudioCourseView) -> impl IntoView {
    let i18n = use_i18n();
    let state = course.state;
    let live = course.listed.then(|| {
        let href = format!("/courses/{}", course.slug);
        let revision = course.live_revision.unwrap_or_default();
        view! {
            <a href=href>{t!(i18n, studio_live, revision = revision)}</a>
        }
    });
    let lessons = course.lessons;
    let editor = format!("/studio/courses/{}", course.id);
    view! {
        <li class="studio-course" data-testid="studio-course">
            <a href=editor><strong>{course.title.clone()}</strong></a>
            <span class="badge" data-state=state.as_str()><StateLabel state/></span>
            <span class="muted">{t!(i18n, studio_lessons, count = lessons)}</span>
            <span class="muted">{t!(i18n, studio_edited, at = course.edited.clone())}</span>
            {live}
        </li>
    }
}

/// Where a course is in review, in the reader's language.
#[component]
pub(crate) fn StateLabel(state: ReviewState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        ReviewState::Draft => t!(i18n, state_draft).into_any(),
        ReviewState::InReview => t!(i18n, state_in_review).into_any(),
        ReviewState::ChangesRequested => t!(i18n, state_changes_requested).into_any(),
        ReviewState::Published => t!(i18n, state_published).into_any(),
        ReviewState::Unpublished => t!(i18n, state_unpublished).into_any(),
    }
}

/// The problem with `field` among a refused form's `errors`, beside the field.
#[component]
pub(crate) fn FieldProblems(errors: Signal<Vec<FieldError>>, field: Field) -> impl IntoView {
    move || {
        errors.with(|errors| {
            errors.iter().find(|e| e.field == field).map(|error| {
                let error = error.clone();
                view! { <small class="field-error" role="alert"><FieldMessage error/></small> }
            })
        })
    }
}

/// What is wrong with one settings field, in the reader's language.
#[component]
fn FieldMessage(error: FieldError) -> impl IntoView {
    let i18n = use_i18n();
    match error.problem {
        FieldProblem::Required => t!(i18n, problem_required).into_any(),
        FieldProblem::TooLong { max } => t!(i18n, problem_too_long, max = max).into_any(),
        FieldProblem::TooMany { max } => t!(i18n, problem_too_many, max = max).into_any(),
        FieldProblem::Slug(_) => t!(i18n, problem_slug).into_any(),
        FieldProblem::Taken => t!(i18n, problem_taken).into_any(),
        FieldProblem::NotAChoice => t!(i18n, problem_not_a_choice).into_any(),
        FieldProblem::NotAnAmount => t!(i18n, problem_not_an_amount).into_any(),
        FieldProblem::TooHigh => t!(i18n, problem_too_high).into_any(),
        FieldProblem::OutOfRange => t!(i18n, problem_out_of_range).into_any(),
    }
}
