use crate::api::Buy;
use crate::api::SetFeatured;
use crate::api::learning::{
    ClaimCertificate, Enroll, FollowAuthor, ReplyReview, ReportReview, SaveReview,
};
use crate::components::{ActionDone, ActionError, ErrorMessage, ErrorPanel, Price};
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::NotFoundContent;
use crate::pages::orders::TestMode;
use crate::{AppError, api};
use domain::coupon::PriceBreakdown;
use domain::learning::{CoursePage as Page, PrimaryAction};
use domain::order::CheckoutProblem;
use domain::rating::{RatingSummary, ReviewView};
use domain::{ChapterOutline, Lang, LessonId, LessonKind, LessonOutline, Money};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/courses/{slug}`: what the course is, who teaches it, what it costs, its outline and
/// reviews, and the one action that fits the visitor (sign in, enroll, buy, continue, edit).
///
/// Every form here works without JavaScript (a plain POST, then the server sends the browser
/// back); once hydrated they submit in place and the page data reloads.
#[component]
pub fn CoursePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let enroll = ServerAction::<Enroll>::new();
    let follow = ServerAction::<FollowAuthor>::new();
    let review = ServerAction::<SaveReview>::new();
    let reply = ServerAction::<ReplyReview>::new();
    let report = ServerAction::<ReportReview>::new();
    let feature = ServerAction::<SetFeatured>::new();
    let actions = Actions {
        feature,
        enroll,
        follow,
        review,
        reply,
        report,
    };
    let data = Resource::new(
        move || {
            (
                slug(),
                enroll.version().get(),
                follow.version().get(),
                review.version().get(),
                reply.version().get(),
                feature.version().get(),
            )
        },
        |(slug, ..)| api::learning::course_for_visitor(slug),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <CourseView page actions/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page's forms, shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    feature: ServerAction<SetFeatured>,
    enroll: ServerAction<Enroll>,
    follow: ServerAction<FollowAuthor>,
    review: ServerAction<SaveReview>,
    reply: ServerAction<ReplyReview>,
    report: ServerAction<ReportReview>,
}

#[component]
fn CourseView(page: Page, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let course = page.course.clone();
    let card = course.card.clone();
    let lang_tag = card.language.tag();
    let category = course.category.name.clone();
    let slug = card.slug.to_string();
    let canonical = format!("/courses/{slug}");
    let cover_url = card
        .cover
        .map(|cover| format!("/media/covers/{cover}-page.jpg"));
    let outcomes = course.outcomes.clone();
    let done = page.done_lessons.clone();
    let json_ld = json_ld(&course);
    view! {
        <Title text=card.title.clone()/>
        // Data for search engines (schema.org `Course`), not a script: browsers do not run it.
        <script type="application/ld+json" inner_html=json_ld></script>
        <Meta name="description" content=card.subtitle.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:title" content=card.title.clone()/>
        <Meta property="og:description" content=card.subtitle.clone()/>
        <Meta property="og:url" content=canonical.clone()/>
        {cover_url.clone().map(|url| view! { <Meta property="og:image" content=url/> })}
        <Link rel="canonical" href=canonical/>
        <section class="course-hero">
            <div class="container course-hero-grid">
                <div>
                    <p class="eyebrow">
                        <a href=format!("/courses?category={}", course.category.slug)>
                            {move || category.get(lang_of(i18n.get_locale())).to_owned()}
                        </a>
                    </p>
                    <h1 lang=lang_tag>{card.title.clone()}</h1>
                    <p class="lead" lang=lang_tag>{card.subtitle.clone()}</p>
                    <p class="course-meta">
                        <RatingBadge summary=course.rating/>
                        <span>{t!(i18n, lesson_count, count = card.lesson_count)}</span>
                        <span aria-hidden="true">" · "</span>
                        <span>{t!(i18n, learner_count, count = course.enrollments)}</span>
                        <span aria-hidden="true">" · "</span>
                        <span>
                            {match card.language {
                                Lang::En => t!(i18n, taught_in_en).into_any(),
                                Lang::ZhCn => t!(i18n, taught_in_zh).into_any(),
                            }}
                        </span>
                    </p>
                    <AuthorCard page=page.clone() follow=actions.follow/>
                </div>
                <BuyBox page=page.clone() enroll=actions.enroll feature=actions.feature cover_url/>
            </div>
        </section>
        <section class="container section course-content">
            {(!outcomes.is_empty()).then(|| view! {
                <h2 class="section-title">{t!(i18n, course_outcomes)}</h2>
                <ul class="outcomes" lang=lang_tag>
                    {outcomes.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}
                </ul>
            })}
            // Sanitised by the server before it was stored (richtext), so it is rendered as is.
            <div class="description prose" lang=lang_tag data-testid="course-description" inner_html=course.description.clone()></div>
            <h2 class="section-title">{t!(i18n, course_outline)}</h2>
            <ol class="outline" data-testid="syllabus">
                {course
                    .chapters
                    .into_iter()
                    .map(|chapter| view! { <Chapter chapter slug=slug.clone() lang_tag done=done.clone()/> })
                    .collect_view()}
            </ol>
            <Reviews page actions/>
        </section>
    }
    .into_any()
}

/// The course as schema.org `Course` JSON-LD, safe inside a `<script>` element.
fn json_ld(course: &domain::CourseDetail) -> String {
    let card = &course.card;
    let price = card.price;
    let per = price.currency().minor_per_major().max(1);
    let mut data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "name": card.title,
        "description": card.subtitle,
        "inLanguage": card.language.tag(),
        "author": {"@type": "Person", "name": card.author_name},
        "provider": {"@type": "Organization", "name": "Lore"},
        "offers": {
            "@type": "Offer",
            "category": if price.is_zero() { "Free" } else { "Paid" },
            "price": format!("{}.{:02}", price.minor() / per, price.minor() % per),
            "priceCurrency": price.currency().code(),
        },
    });
    if let Some(tenths) = course.rating.mean_tenths() {
        data["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating",
            "ratingValue": format!("{}.{}", tenths / 10, tenths % 10),
            "ratingCount": course.rating.count,
        });
    }
    // `</script>` inside a string would end the element early.
    data.to_string().replace("</", "<\\/")
}

/// The author's name, a link to their profile, and the follow button.
#[component]
fn AuthorCard(page: Page, follow: ServerAction<FollowAuthor>) -> impl IntoView {
    let i18n = use_i18n();
    let author = page.course.author;
    let name = page.course.card.author_name.clone();
    let bio = page.course.author_bio.clone();
    let following = page.following;
    view! {
        <div class="author-card" data-testid="author-card">
            <p>
                <a href=format!("/authors/{author}")>{t!(i18n, by_author, name = name.clone())}</a>
            </p>
            {(!bio.is_empty()).then(|| view! { <p class="muted">{bio}</p> })}
            {page.can_follow.then(|| view! { <FollowButton author following action=follow/> })}
        </div>
    }
}

/// "Follow" / "Following ✓" for an author: a plain form, so it works before hydration too.
#[component]
pub fn FollowButton(
    author: domain::UserId,
    following: bool,
    action: ServerAction<FollowAuthor>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="author" value=author.to_string()/>
            <input type="hidden" name="follow" value=(!following).to_string()/>
            <button class="button button-quiet small" type="submit" data-testid="follow" aria-pressed=following.to_string()>
                {if following { t!(i18n, unfollow_author).into_any() } else { t!(i18n, follow_author).into_any() }}
            </button>
        </ActionForm>
        <ActionError result=action.value().into()/>
    }
}

/// The price and the one primary action; sticky at the bottom of small screens.
#[component]
fn BuyBox(
    page: Page,
    enroll: ServerAction<Enroll>,
    feature: ServerAction<SetFeatured>,
    cover_url: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let course = &page.course;
    let slug = course.card.slug.to_string();
    let lesson_href = {
        let slug = slug.clone();
        move |id: LessonId| format!("/courses/{slug}/lessons/{id}")
    };
    let preview = course
        .lessons_in_order()
        .find(|lesson| lesson.is_preview)
        .map(|lesson| lesson_href(lesson.id));
    let owned = matches!(page.action, PrimaryAction::Continue(_));
    let action = match page.action {
        PrimaryAction::SignIn => {
            let next = format!("/courses/{slug}");
            view! {
                <a class="button" href=format!("/login?next={next}") data-testid="primary-action">
                    {if course.card.price.is_zero() { t!(i18n, sign_in_to_enroll).into_any() } else { t!(i18n, sign_in_to_buy).into_any() }}
                </a>
            }
            .into_any()
        }
        PrimaryAction::Enroll => {
            let slug = slug.clone();
            view! {
                <ActionForm action=enroll>
                    <input type="hidden" name="slug" value=slug/>
                    <button class="button" type="submit" data-testid="primary-action">{t!(i18n, enroll_free)}</button>
                </ActionForm>
                <ActionError result=enroll.value().into()/>
            }
            .into_any()
        }
        PrimaryAction::Buy => view! { <BuyForm slug=slug.clone() price=course.card.price/> }.into_any(),
        PrimaryAction::Continue(lesson) => {
            let href = lesson.map_or_else(|| format!("/courses/{slug}"), lesson_href);
            view! {
                <a class="button" href=href data-testid="primary-action">
                    {if page.percent == 0 { t!(i18n, start_learning).into_any() } else { t!(i18n, continue_learning).into_any() }}
                </a>
                <Progress percent=page.percent/>
            }
            .into_any()
        }
        PrimaryAction::Edit => view! {
            <a class="button" href=format!("/studio/courses/{}", course.card.id) data-testid="primary-action">{t!(i18n, edit_in_studio)}</a>
        }
        .into_any(),
        PrimaryAction::Unavailable => {
            view! { <p class="muted">{t!(i18n, error_not_available)}</p> }.into_any()
        }
    };
    let certificate = (owned && page.percent == 100).then(|| match page.certificate.clone() {
        Some(code) => view! {
            <a class="button button-quiet" href=format!("/certificates/{code}") data-testid="certificate">{t!(i18n, view_certificate)}</a>
        }
        .into_any(),
        None => view! { <ClaimCertificateForm slug=slug.clone()/> }.into_any(),
    });
    view! {
        <aside class="buy-box" data-testid="buy-box">
            {cover_url.map(|src| view! {
                <img class="course-hero-cover" src=src alt="" width="1280" height="720" data-testid="course-cover"/>
            })}
            <p class="muted">{t!(i18n, price_label)}</p>
            <p class="buy-price">
                <Price price=course.card.price/>
            </p>
            <div class="buy-actions">
                {action}
                {(!owned).then_some(preview).flatten().map(|href| view! {
                    <a class="button button-quiet" href=href data-testid="preview-link">{t!(i18n, start_preview)}</a>
                })}
                {certificate}
                {page.can_feature.then(|| {
                    let featured = page.course.featured;
                    view! {
                        <ActionForm action=feature>
                            <input type="hidden" name="course" value=page.course.card.id.to_string()/>
                            <input type="hidden" name="featured" value=(!featured).to_string()/>
                            <button class="button button-quiet small" type="submit" data-testid="feature">
                                {if featured { t!(i18n, unfeature_course).into_any() } else { t!(i18n, feature_course).into_any() }}
                            </button>
                        </ActionForm>
                    }
                })}
            </div>
        </aside>
    }
}

/// The price with an optional coupon, and the Buy button.
///
/// The coupon travels in the page's address (`?coupon=…`, a GET form), so applying one works
/// without JavaScript and the breakdown is the server's own quote. Each render of the button
/// carries a fresh idempotency key: a double click or a resent form finds the first order.
#[component]
fn BuyForm(slug: String, price: Money) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let coupon = move || {
        query
            .read()
            .get("coupon")
            .map(|code| code.trim().to_owned())
            .unwrap_or_default()
    };
    let quote = Resource::new(
        {
            let slug = slug.clone();
            move || (slug.clone(), coupon())
        },
        |(slug, coupon)| api::quote_price(slug, coupon),
    );
    let buy = ServerAction::<Buy>::new();
    let here = format!("/courses/{slug}");
    view! {
        <Suspense>
            {move || {
                let (slug, here) = (slug.clone(), here.clone());
                Suspend::new(async move {
                    let code = coupon();
                    let (breakdown, test_mode, problem) = match quote.await {
                        Ok(quote) if !quote.open => return view! {
                            <button class="button" type="button" disabled data-testid="primary-action">{t!(i18n, payments_off)}</button>
                            <p class="muted small">{t!(i18n, payments_off_note)}</p>
                        }
                        .into_any(),
                        Ok(quote) => (
                            quote.price,
                            quote.test_mode,
                            quote.coupon_problem.map(|p| AppError::Checkout(CheckoutProblem::Coupon(p))),
                        ),
                        Err(error) => (PriceBreakdown::list(price), false, Some(error)),
                    };
                    // A coupon that failed is not sent with the order.
                    let applied = if problem.is_none() { code.clone() } else { String::new() };
                    let total = breakdown.total;
                    let total_text = move || total.format(lang_of(i18n.get_locale()));
                    view! {
                        {(!breakdown.discount.is_zero()).then(|| view! {
                            <dl class="price-breakdown" data-testid="price-breakdown">
                                <dt>{t!(i18n, price_label)}</dt>
                                <dd><Price price=breakdown.list/></dd>
                                <dt>{t!(i18n, price_discount)}</dt>
                                <dd data-testid="discount">"−" <Price price=breakdown.discount/></dd>
                                <dt>{t!(i18n, price_total)}</dt>
                                <dd data-testid="total"><strong><Price price=total/></strong></dd>
                            </dl>
                            <p class="form-done" role="status">{t!(i18n, coupon_applied, code = applied.clone())}</p>
                        })}
                        {problem.map(|error| view! { <p class="form-error" role="alert" data-testid="coupon-error"><ErrorMessage error/></p> })}
                        <ActionForm action=buy>
                            <input type="hidden" name="slug" value=slug/>
                            <input type="hidden" name="coupon" value=applied/>
                            <input type="hidden" name="key" value=checkout_key()/>
                            <button class="button" type="submit" data-testid="primary-action">{t!(i18n, buy_for, price = total_text)}</button>
                        </ActionForm>
                        <ActionError result=buy.value().into()/>
                        {test_mode.then(|| view! { <TestMode/> })}
                        <Form method="GET" action=here attr:class="coupon-form">
                            <label for="coupon">{t!(i18n, coupon_label)}</label>
                            <input id="coupon" name="coupon" value=code autocomplete="off" maxlength="32" data-testid="coupon"/>
                            <button class="button button-quiet small" type="submit" data-testid="apply-coupon">{t!(i18n, coupon_apply)}</button>
                        </Form>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// A fresh checkout idempotency key. The server makes the one in the first page; the browser
/// keeps it when it hydrates and makes its own when it renders the button again.
fn checkout_key() -> String {
    #[cfg(feature = "ssr")]
    {
        services::new_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        let now = js_sys::Date::now() as u64;
        format!("{random:016x}{now:016x}")
    }
}

#[component]
fn ClaimCertificateForm(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let claim = ServerAction::<ClaimCertificate>::new();
    view! {
        <ActionForm action=claim>
            <input type="hidden" name="slug" value=slug/>
            <button class="button button-quiet" type="submit" data-testid="certificate">{t!(i18n, get_certificate)}</button>
        </ActionForm>
        <ActionError result=claim.value().into()/>
    }
}

/// A labelled progress bar.
#[component]
pub fn Progress(percent: u8) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="progress-label" data-testid="course-percent">{t!(i18n, percent_done, percent = percent)}</p>
        <progress class="progress" max="100" value=percent.to_string() aria-label=move || t_string!(i18n, your_progress)></progress>
    }
}

/// "★ 4.3 (12)" or "No ratings yet".
#[component]
pub fn RatingBadge(summary: RatingSummary) -> impl IntoView {
    let i18n = use_i18n();
    match summary.mean_tenths() {
        Some(tenths) => {
            let mean = format!("{}.{}", tenths / 10, tenths % 10);
            view! {
                <span class="rating" data-testid="rating-badge">
                    <span aria-hidden="true">"★ "</span>
                    {t!(i18n, rating_mean, mean = mean.clone(), count = summary.count)}
                </span>
                <span aria-hidden="true">" · "</span>
            }
            .into_any()
        }
        None => view! {
            <span class="muted">{t!(i18n, no_ratings)}</span>
            <span aria-hidden="true">" · "</span>
        }
        .into_any(),
    }
}

#[component]
fn Chapter(
    chapter: ChapterOutline,
    slug: String,
    lang_tag: &'static str,
    done: Vec<LessonId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = chapter.lessons.len();
    let minutes: i64 = chapter
        .lessons
        .iter()
        .map(|l| domain::time::minutes_rounded_up(l.duration_seconds))
        .sum();
    view! {
        <li class="chapter">
            <h3 lang=lang_tag>
                {chapter.title.clone()}
                <span class="muted">{t!(i18n, chapter_lessons, count = count)} " · " {t!(i18n, minutes, count = minutes)}</span>
            </h3>
            <ol class="lessons">
                {chapter
                    .lessons
                    .into_iter()
                    .map(|lesson| {
                        let finished = done.contains(&lesson.id);
                        view! { <LessonRow lesson slug=slug.clone() lang_tag finished/> }
                    })
                    .collect_view()}
            </ol>
        </li>
    }
}

#[component]
fn LessonRow(
    lesson: LessonOutline,
    slug: String,
    lang_tag: &'static str,
    finished: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let minutes = domain::time::minutes_rounded_up(lesson.duration_seconds);
    view! {
        <li class="lesson-row" data-done=finished.to_string()>
            <a href=format!("/courses/{slug}/lessons/{}", lesson.id)>
                <span class="lesson-kind">
                    <KindLabel kind=lesson.kind/>
                </span>
                <span class="lesson-title" lang=lang_tag>{lesson.title.clone()}</span>
                {lesson.is_preview.then(|| view! { <span class="badge badge-accent">{t!(i18n, free_preview)}</span> })}
                {finished.then(|| view! { <span class="badge badge-done" data-testid="lesson-done">{t!(i18n, lesson_done)}</span> })}
                <span class="muted lesson-minutes">{t!(i18n, minutes, count = minutes)}</span>
            </a>
        </li>
    }
}

/// The rating summary with its histogram, the visitor's review form, and the reviews.
#[component]
fn Reviews(page: Page, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let summary = page.course.rating;
    let slug = page.course.card.slug.to_string();
    let mine = page.my_review.clone();
    let signed_in = page.signed_in;
    let is_author = page.is_author;
    let me = page.my_review.as_ref().map(|r| r.reviewer);
    view! {
        <section class="reviews" aria-labelledby="reviews-title" data-testid="reviews">
            <h2 class="section-title" id="reviews-title">{t!(i18n, reviews_title)}</h2>
            <Histogram summary/>
            <ActionDone result=actions.report.value().into()>{t!(i18n, review_reported)}</ActionDone>
            <ActionError result=actions.report.value().into()/>
            <ActionError result=actions.reply.value().into()/>
            {page.can_review.then(|| view! { <ReviewForm slug=slug.clone() mine action=actions.review/> })}
            {(page.reviews.is_empty()).then(|| view! { <p class="muted">{t!(i18n, no_reviews)}</p> })}
            <ul class="review-list">
                {page
                    .reviews
                    .into_iter()
                    .map(|review| {
                        let own = Some(review.reviewer) == me;
                        view! { <ReviewItem review is_author signed_in own actions/> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Counts per star as bars (`<meter>`: the page's CSP allows no inline styles), in a table so
/// screen readers read stars and counts together.
#[component]
fn Histogram(summary: RatingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let total = summary.count.max(1);
    view! {
        <table class="histogram" data-testid="histogram">
            <caption class="visually-hidden">{t!(i18n, rating_histogram)}</caption>
            <tbody>
                {(1..=5usize)
                    .rev()
                    .map(|stars| {
                        let n = summary.histogram[stars - 1];
                        view! {
                            <tr>
                                <th scope="row">{t!(i18n, stars_label, count = stars)}</th>
                                <td>
                                    <meter class="histogram-bar" min="0" max=total.to_string() value=n.to_string() aria-hidden="true"></meter>
                                </td>
                                <td class="muted">{n}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn ReviewForm(
    slug: String,
    mine: Option<ReviewView>,
    action: ServerAction<SaveReview>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = mine.as_ref().map_or(0, |r| r.stars.stars());
    let body = mine.as_ref().map(|r| r.body.clone()).unwrap_or_default();
    view! {
        <ActionForm action attr:class="stack-form review-form">
            <input type="hidden" name="slug" value=slug/>
            <fieldset class="stars-input">
                <legend>{if mine.is_some() { t!(i18n, edit_your_review).into_any() } else { t!(i18n, write_review).into_any() }}</legend>
                {(1..=5u8)
                    .map(|n| {
                        let id = format!("stars-{n}");
                        view! {
                            <input type="radio" name="stars" id=id.clone() value=n.to_string() checked=n == current required/>
                            <label for=id>{t!(i18n, stars_label, count = n)}</label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label for="review-body">{t!(i18n, review_text_label)}</label>
            <textarea id="review-body" name="body" rows="4" maxlength=domain::rating::MAX_REVIEW_CHARS.to_string()>{body}</textarea>
            <ActionError result=action.value().into()/>
            <button class="button" type="submit" data-testid="save-review">{t!(i18n, save_review)}</button>
        </ActionForm>
    }
}

#[component]
fn ReviewItem(
    review: ReviewView,
    is_author: bool,
    signed_in: bool,
    own: bool,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let reply_id = review.id.to_string();
    let report_id = reply_id.clone();
    let stars = review.stars.stars();
    let date = domain::time::format_utc(review.updated_at);
    let can_reply = is_author && review.reply.is_none();
    view! {
        <li class="review" data-testid="review">
            <p class="review-head">
                <strong>{review.reviewer_name.clone()}</strong>
                <span class="rating" aria-hidden="true">
                    {"★".repeat(usize::from(stars))}
                    <span class="muted">{"☆".repeat(usize::from(5 - stars))}</span>
                </span>
                <span class="visually-hidden">{t!(i18n, stars_label, count = stars)}</span>
                <time class="muted">{date}</time>
            </p>
            {(!review.body.is_empty()).then(|| view! { <p class="review-body">{review.body.clone()}</p> })}
            {review.reply.clone().map(|reply| view! {
                <div class="review-reply" data-testid="review-reply">
                    <p class="muted">{t!(i18n, author_replied)}</p>
                    <p>{reply}</p>
                </div>
            })}
            {can_reply.then(|| view! {
                <ActionForm action=actions.reply attr:class="stack-form">
                    <input type="hidden" name="review" value=reply_id.clone()/>
                    <label for=format!("reply-{reply_id}")>{t!(i18n, reply_label)}</label>
                    <textarea id=format!("reply-{reply_id}") name="text" rows="2" required></textarea>
                    <button class="button button-quiet small" type="submit">{t!(i18n, reply_send)}</button>
                </ActionForm>
            })}
            {(signed_in && !own && !is_author).then(|| view! {
                <ActionForm action=actions.report attr:class="inline-form">
                    <input type="hidden" name="review" value=report_id.clone()/>
                    <button class="link-button small" type="submit">{t!(i18n, report_review)}</button>
                </ActionForm>
            })}
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
