use crate::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// Explains a failed request in the reader's language. Not-found gets its own page elsewhere; this
/// covers everything else.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let message = match error {
        AppError::NotFound => t!(i18n, not_found_body).into_any(),
        AppError::Invalid(field) => t!(i18n, error_invalid, field = field.clone()).into_any(),
        AppError::Conflict | AppError::Request(_) => t!(i18n, error_request).into_any(),
        AppError::Unavailable => t!(i18n, error_unavailable).into_any(),
    };
    view! {
        <section class="panel panel-error" role="alert">
            <h2>{t!(i18n, error_title)}</h2>
            <p>{message}</p>
        </section>
    }
}
