//! `/review` and `/review/{course}/{number}`: the reviewers' queue and the review page, where a
//! submitted revision is read whole and beside a diff against what is live, then approved or
//! sent back with a reason.

use crate::AppError;
use crate::api::review::{ReviewClaim, ReviewDecide, ReviewListing, review_page, review_queue};
use crate::api::types::{QueueItemView, ReviewPageView};
use crate::components::ActionError;
use crate::i18n::*;
use crate::pages::PageError;
use domain::CourseId;
use domain::authoring::Field;
use domain::diff::{ChangeSize, LessonChange, Span, StructureChange, elide};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Unchanged text kept on each side of a change in a lesson's diff, in characters.
const DIFF_CONTEXT: usize = 80;

/// `/review`: revisions waiting for a decision, oldest first.
#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let listing = ServerAction::<ReviewListing>::new();
    let queue = Resource::new(move || listing.version().get(), |_| review_queue());
    view! {
        <Title text=t_string!(i18n, review_title)/>
        <section class="container section">
            <h1>{t!(i18n, review_title)}</h1>
            <p class="lead">{t!(i18n, review_lead)}</p>
            <Transition>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(queue) => {
                            let empty = queue.items.is_empty();
                            view! {
                                {empty.then(|| view! { <p class="muted" data-testid="queue-empty">{t!(i18n, review_empty)}</p> })}
                                <table class="table" data-testid="review-queue">
                                    <thead><tr>
                                        <th>{t!(i18n, review_course)}</th>
                                        <th>{t!(i18n, review_author)}</th>
                                        <th>{t!(i18n, review_kind)}</th>
                                        <th>{t!(i18n, review_size)}</th>
                                        <th>{t!(i18n, review_submitted)}</th>
                                        <th>{t!(i18n, review_claim)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {queue.items.into_iter().map(|item| view! { <QueueRow item/> }).collect_view()}
                                    </tbody>
                                </table>
                                {queue.can_unpublish.then(|| view! { <ListingPanel action=listing/> })}
                            }
                                .into_any()
                        }
                        Err(error) => view! { <PageError error next="/review"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn QueueRow(item: QueueItemView) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/review/{}/{}", item.course.get(), item.number);
    let number = item.number;
    view! {
        <tr data-testid="queue-item">
            <td>
                <a href=href>{item.title}</a>
                " "
                <span class="muted">{t!(i18n, studio_revision, number = number)}</span>
            </td>
            <td>{item.author}</td>
            <td>
                {if item.is_update {
                    view! { <span class="badge">{t!(i18n, review_update)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-new">{t!(i18n, review_new)}</span> }.into_any()
                }}
            </td>
            <td><SizeLabel size=item.size/></td>
            <td>{item.submitted}</td>
            <td>
                {match (item.own, item.claimed_by, item.claimed_by_me) {
                    (true, _, _) => t!(i18n, review_own).into_any(),
                    (_, Some(_), true) => t!(i18n, review_claimed_by_you).into_any(),
                    (_, Some(name), false) => t!(i18n, review_claimed_by, name = name).into_any(),
                    (_, None, _) => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
fn SizeLabel(size: ChangeSize) -> impl IntoView {
    let i18n = use_i18n();
    let ChangeSize {
        lessons_added,
        lessons_removed,
        lessons_changed,
        chars_added,
        chars_removed,
        settings_changed,
    } = size;
    view! {
        <span class="change-size">
            {t!(i18n, review_size_lessons, added = lessons_added, removed = lessons_removed, changed = lessons_changed)}
            " · "
            <span class="added">"+"{chars_added}</span>
            " "
            <span class="removed">"−"{chars_removed}</span>
            {(settings_changed > 0).then(|| view! { " · " {t!(i18n, review_size_settings, count = settings_changed)} })}
        </span>
    }
}

#[component]
fn ListingPanel(action: ServerAction<ReviewListing>) -> impl IntoView {
    let i18n = use_i18n();
    let result = Signal::derive(move || action.value().get());
    view! {
        <section class="panel" data-testid="listing-panel">
            <h2>{t!(i18n, review_listing)}</h2>
            <p class="muted">{t!(i18n, review_listing_hint)}</p>
            <ActionForm action attr:class="stack-form">
                <label>
                    {t!(i18n, review_listing_slug)}
                    <input type="text" name="slug" required/>
                </label>
                <label>
                    {t!(i18n, review_reason)}
                    <textarea name="reason" rows="3"></textarea>
                </label>
                <div class="form-actions">
                    <button type="submit" class="button button-danger" name="listed" value="false">
                        {t!(i18n, review_unpublish)}
                    </button>
                    <button type="submit" class="button button-quiet" name="listed" value="true">
                        {t!(i18n, review_republish)}
                    </button>
                </div>
            </ActionForm>
            <ActionError result path="/api/review_listing"/>
            {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
                <p class="form-done" role="status">{t!(i18n, review_listing_done)}</p>
            })}
        </section>
    }
}

/// `/review/{course}/{number}`: one revision, whole and diffed, with the decision forms.
#[component]
pub fn ReviewRevisionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let target = move || {
        let params = params.read();
        let course = params.get("course")?.parse::<CourseId>().ok()?;
        let number = params.get("number")?.parse::<i64>().ok()?;
        Some((course, number))
    };
    let claim = ServerAction::<ReviewClaim>::new();
    let decide = ServerAction::<ReviewDecide>::new();
    let data = Resource::new(
        move || (target(), claim.version().get(), decide.version().get()),
        |(target, _, _)| async move {
            match target {
                Some((course, number)) => review_page(course, number).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, review_title)/>
        <section class="container section review">
            <p><a href="/review">{t!(i18n, review_back)}</a></p>
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Review page claim decide/> }.into_any(),
                        Err(error) => view! { <PageError error next="/review"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Review(
    page: ReviewPageView,
    claim: ServerAction<ReviewClaim>,
    decide: ServerAction<ReviewDecide>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ReviewPageView {
        course,
        number,
        author,
        submitted,
        is_update,
        claimed_by,
        claimed_by_me,
        decision,
        reason,
        diff,
        revision,
    } = page;
    let title = revision.settings.title.clone();
    let waiting = decision.is_none();
    let claim_result = Signal::derive(move || claim.value().get());
    let decide_result = Signal::derive(move || decide.value().get());
    let course_id = course.get().to_string();
    let number_text = number.to_string();
    view! {
        <header class="review-head">
            <h1 data-testid="review-title">{title}</h1>
            <p class="muted">
                {t!(i18n, studio_revision, number = number)} " · "
                {t!(i18n, review_by, name = author)} " · " {submitted} " · "
                {if is_update { t!(i18n, review_update).into_any() } else { t!(i18n, review_new).into_any() }}
            </p>
        </header>
        {match decision.as_deref() {
            Some("approved") => view! { <p class="form-done" role="status" data-testid="decided">{t!(i18n, decision_approved)}</p> }.into_any(),
            Some(_) => view! {
                <div class="panel" data-testid="decided">
                    <p><strong>{t!(i18n, decision_changes)}</strong></p>
                    <div class="prose" inner_html=reason></div>
                </div>
            }.into_any(),
            None => view! {
                <div class="panel review-claim" data-testid="claim">
                    {match (claimed_by, claimed_by_me) {
                        (Some(_), true) => view! { <p>{t!(i18n, review_claimed_by_you)}</p> }.into_any(),
                        (Some(name), false) => view! { <p class="form-error">{t!(i18n, review_claimed_by, name = name)}</p> }.into_any(),
                        (None, _) => view! {
                            <ActionForm action=claim attr:class="inline-form">
                                <input type="hidden" name="course" value=course_id.clone()/>
                                <input type="hidden" name="number" value=number_text.clone()/>
                                <button type="submit" class="button button-quiet" data-testid="claim-button">{t!(i18n, review_claim_button)}</button>
                            </ActionForm>
                        }.into_any(),
                    }}
                    <ActionError result=claim_result path="/api/review_claim"/>
                </div>
            }.into_any(),
        }}
        <DiffView diff/>
        <section class="panel" aria-labelledby="whole-heading">
            <h2 id="whole-heading">{t!(i18n, review_whole)}</h2>
            <p class="muted">{revision.settings.subtitle.clone()}</p>
            <div class="prose" inner_html=revision.settings.description_html.clone()></div>
            {revision.chapters.into_iter().map(|chapter| view! {
                <h3>{chapter.title}</h3>
                {chapter.lessons.into_iter().map(|lesson| view! {
                    <details class="review-lesson">
                        <summary>
                            {lesson.title}
                            {lesson.preview.then(|| view! { " " <span class="badge">{t!(i18n, studio_preview)}</span> })}
                        </summary>
                        <div class="prose" inner_html=lesson.body_html></div>
                    </details>
                }).collect_view()}
            }).collect_view()}
        </section>
        {waiting.then(|| view! {
            <section class="panel review-decide" aria-labelledby="decide-heading">
                <h2 id="decide-heading">{t!(i18n, review_decision)}</h2>
                <ActionForm action=decide attr:class="stack-form" attr:data-testid="request-changes">
                    <input type="hidden" name="course" value=course.get().to_string()/>
                    <input type="hidden" name="number" value=number.to_string()/>
                    <input type="hidden" name="decision" value="changes"/>
                    <label>
                        {t!(i18n, review_reason)}
                        <textarea name="reason" rows="5" data-testid="reason" required></textarea>
                    </label>
                    <p class="muted">{t!(i18n, review_reason_hint)}</p>
                    <button type="submit" class="button button-quiet">{t!(i18n, review_request_changes)}</button>
                </ActionForm>
                <ActionForm action=decide attr:class="inline-form" attr:data-testid="approve">
                    <input type="hidden" name="course" value=course.get().to_string()/>
                    <input type="hidden" name="number" value=number.to_string()/>
                    <input type="hidden" name="decision" value="approve"/>
                    <button type="submit" class="button" data-testid="approve-button">{t!(i18n, review_approve)}</button>
                </ActionForm>
                <ActionError result=decide_result path="/api/review_decide"/>
            </section>
        })}
    }
}

#[component]
fn DiffView(diff: domain::diff::RevisionDiff) -> impl IntoView {
    let i18n = use_i18n();
    let unchanged = diff.settings.is_empty()
        && diff.structure.is_empty()
        && diff.lessons.is_empty()
        && !diff.cover_changed;
    view! {
        <section class="panel review-diff" aria-labelledby="diff-heading" data-testid="diff">
            <h2 id="diff-heading">{t!(i18n, review_diff)}</h2>
            {unchanged.then(|| view! { <p class="muted">{t!(i18n, review_no_changes)}</p> })}
            {diff.price.map(|(before, after)| view! {
                <p class="price-change" data-testid="price-change">
                    <strong>{t!(i18n, review_price_changed)}</strong> " "
                    <del>{before.to_string()}</del> " → " <ins>{after.to_string()}</ins>
                </p>
            })}
            {diff.cover_changed.then(|| view! { <p>{t!(i18n, review_cover_changed)}</p> })}
            {(!diff.settings.is_empty()).then(|| view! {
                <h3>{t!(i18n, review_settings)}</h3>
                <table class="table">
                    <tbody>
                        {diff.settings.into_iter().filter(|c| c.field != Field::Price).map(|change| view! {
                            <tr>
                                <th>{field_name(change.field)}</th>
                                <td><del>{change.before}</del></td>
                                <td><ins>{change.after}</ins></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!diff.structure.is_empty()).then(|| view! {
                <h3>{t!(i18n, review_structure)}</h3>
                <ul class="structure-changes" data-testid="structure-changes">
                    {diff.structure.into_iter().map(|change| view! { <li>{structure_line(change)}</li> }).collect_view()}
                </ul>
            })}
            {diff.lessons.into_iter().map(|lesson| view! { <LessonDiff lesson/> }).collect_view()}
        </section>
    }
}

fn field_name(field: Field) -> impl IntoView {
    let i18n = use_i18n();
    match field {
        Field::Title => t!(i18n, field_title).into_any(),
        Field::Subtitle => t!(i18n, field_subtitle).into_any(),
        Field::Slug => t!(i18n, field_slug).into_any(),
        Field::Category => t!(i18n, field_category_label).into_any(),
        Field::Tags => t!(i18n, field_tags).into_any(),
        Field::Language => t!(i18n, field_language).into_any(),
        Field::Level => t!(i18n, field_level).into_any(),
        Field::Price => t!(i18n, field_price).into_any(),
        Field::Description => t!(i18n, field_description).into_any(),
        Field::Outcomes => t!(i18n, field_outcomes).into_any(),
        Field::RefundDays => t!(i18n, field_refund_days).into_any(),
    }
}

fn structure_line(change: StructureChange) -> impl IntoView {
    let i18n = use_i18n();
    match change {
        StructureChange::ChapterAdded { title } => {
            t!(i18n, diff_chapter_added, title = title).into_any()
        }
        StructureChange::ChapterRemoved { title } => {
            t!(i18n, diff_chapter_removed, title = title).into_any()
        }
        StructureChange::ChapterRenamed { from, to } => {
            t!(i18n, diff_chapter_renamed, from = from, to = to).into_any()
        }
        StructureChange::ChapterMoved { title, from, to } => t!(
            i18n,
            diff_chapter_moved,
            title = title,
            from = from,
            to = to
        )
        .into_any(),
        StructureChange::LessonAdded { title, chapter } => {
            t!(i18n, diff_lesson_added, title = title, chapter = chapter).into_any()
        }
        StructureChange::LessonRemoved { title } => {
            t!(i18n, diff_lesson_removed, title = title).into_any()
        }
        StructureChange::LessonRenamed { from, to } => {
            t!(i18n, diff_lesson_renamed, from = from, to = to).into_any()
        }
        StructureChange::LessonMoved {
            title,
            from_chapter,
            to_chapter,
        } => t!(
            i18n,
            diff_lesson_moved,
            title = title,
            from = from_chapter,
            to = to_chapter
        )
        .into_any(),
    }
}

#[component]
fn LessonDiff(lesson: LessonChange) -> impl IntoView {
    let i18n = use_i18n();
    let media = lesson.media.map(|(before, after)| match (before, after) {
        (None, Some(_)) => t!(i18n, diff_media_added).into_any(),
        (Some(_), Some(_)) => t!(i18n, diff_media_replaced).into_any(),
        _ => t!(i18n, diff_media_removed).into_any(),
    });
    let files_added = lesson.files_added.len();
    let files_removed = lesson.files_removed.len();
    view! {
        <article class="lesson-diff" data-testid="lesson-diff">
            <h4>{lesson.title}</h4>
            {media.map(|m| view! { <p>{m}</p> })}
            {(files_added + files_removed > 0).then(|| view! {
                <p>{t!(i18n, diff_files, added = files_added, removed = files_removed)}</p>
            })}
            {lesson.preview.map(|preview| view! {
                <p>{if preview { t!(i18n, diff_now_preview).into_any() } else { t!(i18n, diff_no_longer_preview).into_any() }}</p>
            })}
            {lesson.text.map(|spans| view! {
                <p class="text-diff">
                    {elide(spans, DIFF_CONTEXT).into_iter().map(|span| match span {
                        Span::Same(text) => view! { <span>{text}</span> }.into_any(),
                        Span::Added(text) => view! { <ins>{text}</ins> }.into_any(),
                        Span::Removed(text) => view! { <del>{text}</del> }.into_any(),
                    }).collect_view()}
                </p>
            })}
        </article>
    }
}
