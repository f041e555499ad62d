use crate::api;
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::course::Progress;
use domain::progress::LearningEntry;
use domain::{Category, CourseCard};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/`: a welcome, then the learner's unfinished courses ("continue learning"), the courses an
/// admin picked, the newest, the most taken in the last 30 days, and a few of each category, each
/// row with a "see all" link into the catalog. Rendered on the server in full.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| api::home());
    view! {
        <Title text=""/>
        <section class="hero">
            <div class="container">
                <h1>{t!(i18n, hero_title)}</h1>
                <p class="lead">{t!(i18n, hero_body)}</p>
                <a class="button" href="/courses">{t!(i18n, hero_cta)}</a>
            </div>
        </section>
        <Suspense fallback=move || view! { <p class="loading container">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! {
                        <div class="container section">
                            <CategoryLinks categories=page.categories.clone()/>
                            {(!page.continue_learning.is_empty()).then(|| view! {
                                <ContinueLearning entries=page.continue_learning.clone()/>
                            })}
                            <Row title=RowKind::Featured courses=page.featured.clone() see_all="/courses".to_owned()/>
                            <Row title=RowKind::Newest courses=page.newest.clone() see_all="/courses".to_owned()/>
                            <Row title=RowKind::Popular courses=page.popular.clone() see_all="/courses?sort=popular".to_owned()/>
                            {page
                                .by_category
                                .into_iter()
                                .map(|(category, courses)| {
                                    let see_all = format!("/courses?category={}", category.slug);
                                    view! { <Row title=RowKind::Category(category) courses see_all/> }
                                })
                                .collect_view()}
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <div class="container"><ErrorPanel error/></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Which row of the home page.
#[derive(Clone)]
enum RowKind {
    Featured,
    Newest,
    Popular,
    Category(Category),
}

/// A titled row of cards with a link to the rest in the catalog; nothing when it is empty.
#[component]
fn Row(title: RowKind, courses: Vec<CourseCard>, see_all: String) -> impl IntoView {
    let i18n = use_i18n();
    if courses.is_empty() {
        return ().into_any();
    }
    let heading = match title {
        RowKind::Featured => t!(i18n, featured_courses).into_any(),
        RowKind::Newest => t!(i18n, newest_courses).into_any(),
        RowKind::Popular => t!(i18n, popular_courses).into_any(),
        RowKind::Category(category) => {
            let name = category.name.clone();
            (move || name.get(lang_of(i18n.get_locale())).to_owned()).into_any()
        }
    };
    view! {
        <section class="home-row">
            <div class="row-head">
                <h2 class="section-title">{heading}</h2>
                <a href=see_all>{t!(i18n, see_all)}</a>
            </div>
            <CourseGrid courses/>
        </section>
    }
    .into_any()
}

/// The learner's unfinished courses, each with its progress and a continue button.
#[component]
fn ContinueLearning(entries: Vec<LearningEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="home-row" data-testid="continue-learning">
            <div class="row-head">
                <h2 class="section-title">{t!(i18n, continue_learning)}</h2>
                <a href="/learning">{t!(i18n, my_learning)}</a>
            </div>
            <ul class="learning-list">
                {entries
                    .into_iter()
                    .map(|entry| {
                        let card = entry.card;
                        let href = match entry.resume {
                            Some(lesson) => format!("/courses/{}/lessons/{lesson}", card.slug),
                            None => format!("/courses/{}", card.slug),
                        };
                        view! {
                            <li class="learning-entry">
                                <h3 class="course-title" lang=card.language.tag()>{card.title.clone()}</h3>
                                <Progress percent=entry.percent/>
                                <a class="button" href=href>{t!(i18n, continue_learning)}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The categories as links into the catalog.
#[component]
fn CategoryLinks(categories: Vec<Category>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="chips" aria-label=move || t_string!(i18n, categories_label)>
            {categories
                .into_iter()
                .map(|category| {
                    let href = format!("/courses?category={}", category.slug);
                    let name = category.name.clone();
                    view! {
                        <a class="chip" href=href data-category=category.slug.to_string()>
                            {move || name.get(lang_of(i18n.get_locale())).to_owned()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
