use crate::i18n::*;
use leptos::prelude::*;

/// The site footer.
#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="container footer-row">
                <p>{t!(i18n, footer_about)}</p>
                <p class="muted">{t!(i18n, footer_languages)}</p>
            </div>
        </footer>
    }
}
