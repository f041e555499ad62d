use crate::components::LangSwitch;
use crate::i18n::*;
use leptos::prelude::*;

/// The site header: brand, main navigation, a search box that works without JavaScript, and the
/// language switch.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"L"</span>
                    <span class="brand-name">{t!(i18n, site_name)}</span>
                </a>
                <nav class="main-nav" aria-label=move || t_string!(i18n, nav_main)>
                    <a href="/courses">{t!(i18n, nav_courses)}</a>
                    <a href="/studio">{t!(i18n, nav_studio)}</a>
                </nav>
                <form class="header-search" action="/search" method="get" role="search">
                    <input
                        type="search"
                        name="q"
                        placeholder=move || t_string!(i18n, search_placeholder)
                        aria-label=move || t_string!(i18n, search_placeholder)
                    />
                    <button type="submit" class="button button-quiet">
                        {t!(i18n, search_button)}
                    </button>
                </form>
                <LangSwitch/>
            </div>
        </header>
    }
}
