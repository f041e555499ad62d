use crate::api::account::ConfirmEmail;
use crate::components::{ActionDone, ActionError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/account/confirm-email?token=…`: the link from the confirmation mail. Confirming is a button, not
/// the visit itself, so a mail scanner following the link changes nothing.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmEmail>::new();
    view! {
        <Title text=t_string!(i18n, confirm_email_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, confirm_email_title)}</h1>
            <ActionForm action=confirm attr:class="form">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button">{t!(i18n, confirm_email_button)}</button>
            </ActionForm>
            <ActionError result=confirm.value().into()/>
            <ActionDone result=confirm.value().into()>{t!(i18n, confirm_email_done)}</ActionDone>
        </section>
    }
}
