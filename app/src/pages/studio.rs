use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/studio`: the authors' workspace. Its address is fixed now; its tools arrive with author accounts.
#[component]
pub fn StudioPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, studio_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, studio_title)}</h1>
            <p class="lead">{t!(i18n, studio_body)}</p>
        </section>
    }
}
