use crate::AppError;
use crate::components::ErrorMessage;
use leptos::prelude::*;

/// The error of an action's last run, as a translated alert under its form (also after a submission
/// without JavaScript: the router passes the error back through the URL).
#[component]
pub fn ActionError(
    /// The action's latest result.
    result: Signal<Option<Result<(), AppError>>>,
) -> impl IntoView {
    move || {
        result.get().and_then(Result::err).map(|error| {
            view! {
                <p class="form-error" role="alert">
                    <ErrorMessage error/>
                </p>
            }
        })
    }
}

/// A confirmation shown once an action succeeded.
#[component]
pub fn ActionDone(
    /// The action's latest result.
    result: Signal<Option<Result<(), AppError>>>,
    /// What to say.
    children: ChildrenFn,
) -> impl IntoView {
    move || {
        matches!(result.get(), Some(Ok(()))).then(|| {
            view! { <p class="form-done" role="status">{children()}</p> }
        })
    }
}
