use crate::components::ErrorPanel;
use crate::error::AppError;
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

/// What a page that needs a signed-in person shows when its data failed to load: the sign-in
/// prompt (coming back to `next`) when nobody is signed in, else the error, explained.
#[component]
pub fn PageError(
    /// The failure.
    error: AppError,
    /// Where to come back to after signing in.
    next: &'static str,
) -> impl IntoView {
    match error {
        AppError::Unauthorized => view! { <SignInPrompt next/> }.into_any(),
        error => view! { <ErrorPanel error/> }.into_any(),
    }
}
