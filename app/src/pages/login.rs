use crate::api::account::Login;
use crate::components::ActionError;
use crate::i18n::*;
use crate::session_state::actions;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const LOGIN_PATH: &str = <Login as ServerFn>::PATH;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/login`: email and password. Works as a plain form before the page hydrates.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = actions().login;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let reset_done = move || query.read().get("reset").is_some();
    view! {
        <Title text=t_string!(i18n, sign_in)/>
        <section class="container section narrow">
            <h1>{t!(i18n, sign_in)}</h1>
            {move || reset_done().then(|| view! { <p class="form-done" role="status">{t!(i18n, reset_done)}</p> })}
            <ActionForm action=login attr:class="form" attr:data-testid="login-form">
                <label>
                    <span>{t!(i18n, field_email)}</span>
                    <input type="email" name="email" autocomplete="username" required/>
                </label>
                <label>
                    <span>{t!(i18n, field_password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <input type="hidden" name="next" value=next/>
                <button type="submit" class="button">{t!(i18n, sign_in)}</button>
            </ActionForm>
            <ActionError result=login.value().into() path=LOGIN_PATH/>
            <p class="muted">
                <a href="/register">{t!(i18n, no_account)}</a>
                " · "
                <a href="/reset-password">{t!(i18n, forgot_password)}</a>
            </p>
        </section>
    }
}
