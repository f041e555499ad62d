use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// Any address no route matches: a 404 with a way home.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::set_status(http::StatusCode::NOT_FOUND);
    view! { <NotFoundContent/> }
}

/// The body of a not-found answer, also used when a course or lesson does not exist.
#[component]
pub fn NotFoundContent() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, not_found_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p class="lead">{t!(i18n, not_found_body)}</p>
            <a class="button" href="/">{t!(i18n, go_home)}</a>
        </section>
    }
}
