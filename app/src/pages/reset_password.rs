use crate::api::account::{RequestPasswordReset, ResetPassword};
use crate::components::{ActionDone, ActionError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/reset-password`: ask for a link by email; with `?token=…` from that mail, set a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").filter(|t| !t.is_empty());
    let request = ServerAction::<RequestPasswordReset>::new();
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <Title text=t_string!(i18n, reset_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, reset_title)}</h1>
            {move || match token() {
                None => view! {
                    <p class="lead">{t!(i18n, reset_intro)}</p>
                    <ActionForm action=request attr:class="form">
                        <label>
                            <span>{t!(i18n, field_email)}</span>
                            <input type="email" name="email" autocomplete="email" required/>
                        </label>
                        <button type="submit" class="button">{t!(i18n, reset_send)}</button>
                    </ActionForm>
                    <ActionError result=request.value().into()/>
                    <ActionDone result=request.value().into()>{t!(i18n, reset_sent)}</ActionDone>
                }
                    .into_any(),
                Some(token) => view! {
                    <ActionForm action=reset attr:class="form">
                        <input type="hidden" name="token" value=token/>
                        <label>
                            <span>{t!(i18n, field_new_password)}</span>
                            <input type="password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="128"/>
                            <small class="muted">{t!(i18n, password_rules)}</small>
                        </label>
                        <button type="submit" class="button">{t!(i18n, reset_save)}</button>
                    </ActionForm>
                    <ActionError result=reset.value().into()/>
                }
                    .into_any(),
            }}
        </section>
    }
}
