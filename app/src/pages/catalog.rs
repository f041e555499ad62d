use crate::api;
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/courses`: every published course, a page at a time (`?page=2`), optionally of one category.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        let query = query.read();
        let category = query.get("category").filter(|c| !c.is_empty());
        let page = query
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1);
        (category, page)
    };
    let data = Resource::new(params, |(category, page)| api::catalog(category, page));
    let link = move |page: u32| {
        let (category, _) = params();
        match category {
            Some(category) => format!("/courses?category={category}&page={page}"),
            None => format!("/courses?page={page}"),
        }
    };
    view! {
        <Title text=move || t_string!(i18n, catalog_title)/>
        <section class="container section">
            <h1>{t!(i18n, catalog_title)}</h1>
            <p class="lead">{t!(i18n, catalog_intro)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let (_, page) = params();
                    match data.await {
                        Ok(catalog) => {
                            view! {
                                <CourseGrid courses=catalog.courses/>
                                <nav class="pager">
                                    {(page > 1)
                                        .then(|| {
                                            view! {
                                                <a class="button button-quiet" href=link(page - 1)>
                                                    {t!(i18n, previous_page)}
                                                </a>
                                            }
                                        })}
                                    {catalog
                                        .has_more
                                        .then(|| {
                                            view! {
                                                <a class="button button-quiet" href=link(page + 1)>
                                                    {t!(i18n, next_page)}
                                                </a>
                                            }
                                        })}
                                </nav>
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
