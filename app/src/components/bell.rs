//! The bell in the header: the reader's unread count, kept live without a reload, and the words
//! of a notification in the reader's language.

use crate::i18n::*;
use domain::notify::Notice;
use leptos::prelude::*;

/// A link to `/notifications` with the unread count. In the browser it listens to the server's
/// stream of new notifications and counts each one as it arrives; `EventSource` reconnects by
/// itself and resumes after the last event it got, so none is counted twice or missed.
#[component]
pub fn Bell(
    /// Unread when the page was made.
    unread: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = RwSignal::new(unread);
    #[cfg(feature = "hydrate")]
    listen(count);
    view! {
        <a
            href="/notifications"
            class="bell"
            data-testid="bell"
            aria-label=move || t_string!(i18n, bell_label, count = count.get())
        >
            <span aria-hidden="true">"🔔"</span>
            <span class="bell-count" data-testid="bell-count" class:bell-zero=move || count.get() == 0>
                {move || count.get()}
            </span>
        </a>
    }
}

/// Opens the stream and closes it when the bell goes away (sign-out re-renders the header).
#[cfg(feature = "hydrate")]
fn listen(count: RwSignal<i64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new("/notifications/stream") else {
        return;
    };
    let on_event =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            count.update(|c| *c += 1);
        });
    if source
        .add_event_listener_with_callback("notification", on_event.as_ref().unchecked_ref())
        .is_err()
    {
        source.close();
        return;
    }
    let kept = StoredValue::new_local((source, on_event));
    on_cleanup(move || kept.with_value(|(source, _)| source.close()));
}

/// What a notification says, in the reader's language.
#[component]
pub fn NoticeText(notice: Notice) -> impl IntoView {
    let i18n = use_i18n();
    match notice {
        Notice::Approved { title, number, .. } => {
            t!(i18n, notice_approved, title = title, number = number).into_any()
        }
        Notice::ChangesRequested { title, number, .. } => t!(
            i18n,
            notice_changes_requested,
            title = title,
            number = number
        )
        .into_any(),
        Notice::Unpublished { title, .. } => t!(i18n, notice_unpublished, title = title).into_any(),
        Notice::Republished { title, .. } => t!(i18n, notice_republished, title = title).into_any(),
        Notice::CourseUpdated {
            title,
            new_lessons: 0,
            ..
        } => t!(i18n, notice_updated, title = title).into_any(),
        Notice::CourseUpdated {
            title, new_lessons, ..
        } => t!(i18n, notice_new_lessons, title = title, count = new_lessons).into_any(),
        Notice::NewCourse { title, author, .. } => {
            t!(i18n, notice_new_course, title = title, author = author).into_any()
        }
        Notice::Purchased { title, .. } => t!(i18n, notice_purchased, title = title).into_any(),
        Notice::Refunded { title, amount, .. } => {
            let amount = move || amount.format(crate::locale::lang_of(i18n.get_locale()));
            t!(i18n, notice_refunded, title = title, amount = amount).into_any()
        }
    }
}
