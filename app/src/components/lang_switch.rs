use crate::i18n::*;
use leptos::prelude::*;

/// Switches between English and Chinese at once, without a reload. The choice is stored in the
/// language cookie, so the next server-rendered page comes in the same language.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale_untracked() {
            Locale::en => Locale::zh_CN,
            Locale::zh_CN => Locale::en,
        };
        i18n.set_locale(next);
    };
    view! {
        <button
            type="button"
            class="button button-quiet lang-switch"
            data-testid="lang-switch"
            on:click=switch
            aria-label=move || t_string!(i18n, switch_language_label)
        >
            {t!(i18n, switch_language)}
        </button>
    }
}
