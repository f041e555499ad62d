use crate::AppError;
use crate::components::ErrorMessage;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;

/// The error of an action's last run, as a translated alert under its form.
///
/// After a submission without JavaScript the server redirects back with the error in the URL
/// (`?__path=…&__err=…`). Actions created inside the routes read it themselves; for actions shared
/// from above them (sign-in, sign-up) pass the server function's `path` so the error is shown here.
#[component]
pub fn ActionError(
    /// The action's latest result.
    result: Signal<Option<Result<(), AppError>>>,
    /// The server function's path, to pick up its error from the URL.
    #[prop(optional)]
    path: Option<&'static str>,
) -> impl IntoView {
    let from_url = path.and_then(|path| {
        let posted = use_context::<leptos::server::ServerActionError>()?;
        (posted.path() == path).then(|| ServerFnUrlError::<AppError>::decode_err(posted.err()))
    });
    move || {
        let latest = result.get().or_else(|| from_url.clone().map(Err));
        latest.and_then(Result::err).map(|error| {
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
