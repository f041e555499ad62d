use crate::api;
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use crate::locale::lang_of;
use domain::Category;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/`: a welcome, the categories as filter chips, and the newest courses. The chips are plain links
/// (`/?category=…`), so they work before hydration; after it the router swaps the list in place.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let category = move || query.read().get("category").filter(|c| !c.is_empty());
    let data = Resource::new(category, api::home);
    view! {
        <Title text=""/>
        <section class="hero">
            <div class="container">
                <h1>{t!(i18n, hero_title)}</h1>
                <p class="lead">{t!(i18n, hero_body)}</p>
                <a class="button" href="/courses">{t!(i18n, hero_cta)}</a>
            </div>
        </section>
        <section class="container section">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            view! {
                                <CategoryChips categories=page.categories selected=category()/>
                                <h2 class="section-title">{t!(i18n, newest_courses)}</h2>
                                <CourseGrid courses=page.courses/>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The category filter: "All" plus one chip per category, the current one marked.
#[component]
pub fn CategoryChips(categories: Vec<Category>, selected: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let all_current = selected.is_none();
    view! {
        <nav class="chips" aria-label=move || t_string!(i18n, categories_label)>
            <a
                class="chip"
                href="/"
                aria-current=if all_current { Some("page") } else { None }
            >
                {t!(i18n, all_categories)}
            </a>
            {categories
                .into_iter()
                .map(|category| {
                    let current = selected.as_deref() == Some(category.slug.as_str());
                    let href = format!("/?category={}", category.slug);
                    let name = category.name.clone();
                    view! {
                        <a
                            class="chip"
                            href=href
                            data-category=category.slug.to_string()
                            aria-current=if current { Some("page") } else { None }
                        >
                            {move || name.get(lang_of(i18n.get_locale())).to_owned()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
