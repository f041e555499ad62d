use crate::api::account::Register;
use crate::components::ActionError;
use crate::i18n::*;
use crate::session_state::actions;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const REGISTER_PATH: &str = <Register as ServerFn>::PATH;
use leptos_meta::Title;

/// `/register`: a new learner account.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = actions().register;
    view! {
        <Title text=t_string!(i18n, sign_up)/>
        <section class="container section narrow">
            <h1>{t!(i18n, sign_up)}</h1>
            <ActionForm action=register attr:class="form" attr:data-testid="register-form">
                <label>
                    <span>{t!(i18n, field_email)}</span>
                    <input type="email" name="email" autocomplete="email" required/>
                </label>
                <label>
                    <span>{t!(i18n, field_display_name)}</span>
                    <input type="text" name="display_name" autocomplete="nickname" required maxlength="64"/>
                </label>
                <label>
                    <span>{t!(i18n, field_password)}</span>
                    <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128"/>
                    <small class="muted">{t!(i18n, password_rules)}</small>
                </label>
                <button type="submit" class="button">{t!(i18n, sign_up)}</button>
            </ActionForm>
            <ActionError result=register.value().into() path=REGISTER_PATH/>
            <p class="muted"><a href="/login">{t!(i18n, have_account)}</a></p>
        </section>
    }
}
