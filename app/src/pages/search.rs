use crate::api;
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/search?q=…`: published courses whose title or description contains the words.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let results = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            Ok(Vec::new())
        } else {
            api::search(q).await
        }
    });
    view! {
        <Title text=t_string!(i18n, search_title)/>
        <section class="container section">
            <h1>{t!(i18n, search_title)}</h1>
            <form class="search-form" action="/search" method="get" role="search">
                <input
                    type="search"
                    name="q"
                    value=q
                    placeholder=move || t_string!(i18n, search_placeholder)
                    aria-label=move || t_string!(i18n, search_placeholder)
                />
                <button type="submit" class="button">{t!(i18n, search_button)}</button>
            </form>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let query = q();
                    match results.await {
                        Ok(_) if query.trim().is_empty() => {
                            view! { <p class="muted">{t!(i18n, search_hint)}</p> }.into_any()
                        }
                        Ok(courses) if courses.is_empty() => view! {
                            <h2 class="result-count" data-testid="result-count">{t!(i18n, search_none, query = query.clone())}</h2>
                            <p>
                                <a class="button button-quiet" href="/courses">{t!(i18n, search_browse)}</a>
                            </p>
                        }
                        .into_any(),
                        Ok(courses) => {
                            let count = courses.len();
                            view! {
                                <h2 class="result-count" data-testid="result-count">{t!(i18n, search_results, count = count, query = query.clone())}</h2>
                                <CourseGrid courses/>
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
