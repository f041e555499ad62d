use crate::i18n::*;
use leptos::prelude::*;

/// Shown where a page needs a signed-in person and there is none.
#[component]
pub fn SignInPrompt(
    /// Where to come back to after signing in.
    next: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel">
            <p>{t!(i18n, error_unauthorized)}</p>
            <a class="button" href=format!("/login?next={next}")>{t!(i18n, sign_in)}</a>
        </section>
    }
}
