use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/admin`: the staff area. Its address is fixed now; its pages arrive with staff accounts.
#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, admin_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, admin_title)}</h1>
            <p class="lead">{t!(i18n, admin_body)}</p>
        </section>
    }
}
