use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::location::Url;

/// Switches between English and Chinese. It is a link to `/lang/{tag}?next=…` (the server stores
/// the choice in the language cookie and sends the browser back), so it works before the page's
/// script has loaded and without it; once hydrated, a click switches in place without a reload
/// and stores the same cookie.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let other = move || match i18n.get_locale() {
        Locale::en => Locale::zh_CN,
        Locale::zh_CN => Locale::en,
    };
    let href = move || {
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let path = location.pathname.get();
        let next = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        let tag = match other() {
            Locale::en => "en",
            Locale::zh_CN => "zh-CN",
        };
        format!("/lang/{tag}?next={}", Url::escape(&next))
    };
    let switch = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        i18n.set_locale(other());
    };
    view! {
        <a
            href=href
            class="button button-quiet lang-switch"
            data-testid="lang-switch"
            on:click=switch
            aria-label=move || t_string!(i18n, switch_language_label)
            hreflang=move || match other() {
                Locale::en => "en",
                Locale::zh_CN => "zh-CN",
            }
        >
            {t!(i18n, switch_language)}
        </a>
    }
}
