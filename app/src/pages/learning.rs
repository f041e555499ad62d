//! `/learning` ("My learning": the learner's courses by last activity, with continue buttons),
//! `/certificates/{code}` (a printable certificate that doubles as its verification page) and
//! `/authors/{id}` (an author's public page).

use crate::AppError;
use crate::api::learning::{FollowAuthor, author_profile, my_learning, verify_certificate};
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use crate::pages::course::{FollowButton, Progress};
use crate::pages::{NotFoundContent, PageError};
use domain::learning::AuthorProfile;
use domain::progress::{Certificate, LearningEntry};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

/// "My learning".
#[component]
pub fn LearningPage() -> impl IntoView {
    let i18n = use_i18n();
    let entries = Resource::new(|| (), |_| my_learning());
    view! {
        <Title text=t_string!(i18n, my_learning)/>
        <section class="container section">
            <h1>{t!(i18n, my_learning)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(entries) if entries.is_empty() => view! {
                            <p class="empty">{t!(i18n, learning_empty)}</p>
                            <p><a class="button" href="/courses">{t!(i18n, browse_courses)}</a></p>
                        }
                        .into_any(),
                        Ok(entries) => view! {
                            <ul class="learning-list" data-testid="learning-list">
                                {entries.into_iter().map(|entry| view! { <Entry entry/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <PageError error next="/learning"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Entry(entry: LearningEntry) -> impl IntoView {
    let i18n = use_i18n();
    let card = entry.card;
    let href = match entry.resume {
        Some(lesson) => format!("/courses/{}/lessons/{lesson}", card.slug),
        None => format!("/courses/{}", card.slug),
    };
    let started = entry.resume.is_some();
    view! {
        <li class="learning-entry" data-testid="learning-entry">
            <h2 class="course-title" lang=card.language.tag()>
                <a href=format!("/courses/{}", card.slug)>{card.title.clone()}</a>
            </h2>
            <p class="muted">{t!(i18n, by_author, name = card.author_name.clone())}</p>
            <Progress percent=entry.percent/>
            <a class="button" href=href>
                {if started { t!(i18n, continue_learning).into_any() } else { t!(i18n, start_learning).into_any() }}
            </a>
        </li>
    }
}

/// A certificate of completion: printable, and the page its verification URL opens.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let data = Resource::new(code, verify_certificate);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(certificate) => view! { <CertificateView certificate/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CertificateView(certificate: Certificate) -> impl IntoView {
    let i18n = use_i18n();
    let date = domain::time::format_utc(certificate.issued_at);
    let path = format!("/certificates/{}", certificate.code);
    view! {
        <Title text=t_string!(i18n, certificate_title)/>
        <Meta name="robots" content="noindex"/>
        <section class="container section certificate" data-testid="certificate-page">
            <p class="eyebrow">{t!(i18n, certificate_title)}</p>
            <h1>{certificate.learner_name.clone()}</h1>
            <p class="lead">{t!(i18n, certificate_body, course = certificate.course_title.clone(), author = certificate.author_name.clone())}</p>
            <p class="muted">{t!(i18n, certificate_issued, date = date)}</p>
            <p class="muted small">
                {t!(i18n, certificate_verify)} " " <a href=path.clone() data-testid="certificate-url">{path.clone()}</a>
            </p>
            <p class="no-print">
                <a href=format!("/courses/{}", certificate.course_slug)>{t!(i18n, back_to_course)}</a>
            </p>
        </section>
    }
}

/// `/authors/{id-or-handle}`: an author's biography, their published courses and the follow
/// button.
#[component]
pub fn AuthorPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || params.read().get("key").unwrap_or_default();
    let follow = ServerAction::<FollowAuthor>::new();
    let data = Resource::new(
        move || (key(), follow.version().get()),
        |(key, _)| author_profile(key),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(profile) => view! { <AuthorView profile follow/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuthorView(profile: AuthorProfile, follow: ServerAction<FollowAuthor>) -> impl IntoView {
    let i18n = use_i18n();
    let id = profile.id;
    let following = profile.following;
    let description: String = profile.bio.chars().take(160).collect();
    // One address per author for search engines: the handle once they chose one.
    let canonical = match &profile.handle {
        Some(handle) => format!("/authors/{handle}"),
        None => format!("/authors/{id}"),
    };
    view! {
        <Title text=profile.name.clone()/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=canonical/>
        <section class="container section author-page" data-testid="author-page">
            <div class="author-head">
                {profile.has_avatar.then(|| view! {
                    <img class="avatar" src=format!("/media/avatars/{id}.png") alt="" width="96" height="96"/>
                })}
                <div>
                    <h1>{profile.name.clone()}</h1>
                    {profile.handle.clone().map(|handle| view! { <p class="muted">"@"{handle}</p> })}
                    <p class="muted">{t!(i18n, follower_count, count = profile.followers)}</p>
                    {profile.can_follow.then(|| view! { <FollowButton author=id following action=follow/> })}
                </div>
            </div>
            {(!profile.bio.is_empty()).then(|| view! { <p class="author-bio">{profile.bio.clone()}</p> })}
            <h2 class="section-title">{t!(i18n, author_courses)}</h2>
            <CourseGrid courses=profile.courses/>
        </section>
    }
}
