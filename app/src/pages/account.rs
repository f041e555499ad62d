use crate::api::account::{
    BecomeAuthor, ChangePassword, EndAllSessions, EndSession, Rename, RequestEmailChange, account,
    sessions,
};
use crate::api::learning::{SetProfile, author_profile};
use crate::api::types::{AccountView, SessionView};
use crate::components::{ActionDone, ActionError, ErrorPanel};
use crate::i18n::*;
use crate::pages::PageError;
use domain::permissions::{Actor, can_become_author};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/account`: profile, avatar, password, email, becoming an author, and signed-in browsers.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let rename = ServerAction::<Rename>::new();
    let become_author = ServerAction::<BecomeAuthor>::new();
    let profile = Resource::new(
        move || (rename.version().get(), become_author.version().get()),
        |_| account(),
    );
    view! {
        <Title text=t_string!(i18n, account_title)/>
        <section class="container section narrow account">
            <h1>{t!(i18n, account_title)}</h1>
            <Transition>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(me) => view! { <AccountSections me rename become_author/> }.into_any(),
                        Err(error) => view! { <PageError error next="/account"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AccountSections(
    me: AccountView,
    rename: ServerAction<Rename>,
    become_author: ServerAction<BecomeAuthor>,
) -> impl IntoView {
    let i18n = use_i18n();
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<RequestEmailChange>::new();
    let avatar = me
        .has_avatar
        .then(|| format!("/media/avatars/{}.png", me.id));
    view! {
        <section class="panel">
            <h2>{t!(i18n, profile_title)}</h2>
            <p class="muted">{t!(i18n, field_email)} ": " <span data-testid="account-email">{me.email.clone()}</span></p>
            <ActionForm action=rename attr:class="form">
                <label>
                    <span>{t!(i18n, field_display_name)}</span>
                    <input type="text" name="display_name" value=me.display_name.clone() required maxlength="64"/>
                </label>
                <button type="submit" class="button">{t!(i18n, save)}</button>
            </ActionForm>
            <ActionError result=rename.value().into()/>
        </section>
        <section class="panel">
            <h2>{t!(i18n, avatar_title)}</h2>
            {avatar.map(|src| view! { <img class="avatar" src=src alt="" width="96" height="96"/> })}
            <AvatarOutcome/>
            <form class="form" method="post" action="/account/avatar" enctype="multipart/form-data">
                // The browser's own file control speaks the browser's language, not the page's:
                // it is hidden (still focusable) behind a translated label that opens it.
                <input id="avatar-file" class="file-input" type="file" name="avatar" accept="image/png,image/jpeg,image/webp,image/gif" required/>
                <label for="avatar-file" class="button button-quiet file-label">{t!(i18n, avatar_choose)}</label>
                <small class="muted">{t!(i18n, avatar_rules)}</small>
                <button type="submit" class="button button-quiet">{t!(i18n, avatar_upload)}</button>
            </form>
        </section>
        <section class="panel">
            <h2>{t!(i18n, password_title)}</h2>
            <ActionForm action=password attr:class="form" attr:data-testid="password-form">
                <label>
                    <span>{t!(i18n, field_current_password)}</span>
                    <input type="password" name="current" autocomplete="current-password" required/>
                </label>
                <label>
                    <span>{t!(i18n, field_new_password)}</span>
                    <input type="password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="128"/>
                    <small class="muted">{t!(i18n, password_rules)}</small>
                </label>
                <button type="submit" class="button">{t!(i18n, password_change)}</button>
            </ActionForm>
            <ActionError result=password.value().into()/>
            <ActionDone result=password.value().into()>{t!(i18n, password_changed)}</ActionDone>
        </section>
        <section class="panel">
            <h2>{t!(i18n, email_title)}</h2>
            <ActionForm action=email attr:class="form">
                <label>
                    <span>{t!(i18n, field_new_email)}</span>
                    <input type="email" name="new_email" autocomplete="email" required/>
                </label>
                <label>
                    <span>{t!(i18n, field_password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <button type="submit" class="button">{t!(i18n, email_change)}</button>
            </ActionForm>
            <ActionError result=email.value().into()/>
            <ActionDone result=email.value().into()>{t!(i18n, email_sent)}</ActionDone>
        </section>
        {(me.role != domain::Role::Learner).then(|| view! { <ProfileSection id=me.id/> })}
        {can_become_author(Some(&Actor { id: me.id, role: me.role })).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, author_title)}</h2>
                <p>{t!(i18n, author_terms)}</p>
                <ActionForm action=become_author attr:class="form" attr:data-testid="become-author">
                    <label class="checkbox">
                        <input type="checkbox" name="accept_terms" value="yes" required/>
                        <span>{t!(i18n, author_accept)}</span>
                    </label>
                    <button type="submit" class="button">{t!(i18n, author_become)}</button>
                </ActionForm>
                <ActionError result=become_author.value().into()/>
            </section>
        })}
        <Sessions/>
    }
}

/// An author's public profile: the biography and handle their author page shows.
#[component]
fn ProfileSection(id: domain::UserId) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetProfile>::new();
    let current = Resource::new(
        move || save.version().get(),
        move |_| author_profile(id.to_string()),
    );
    view! {
        <section class="panel" data-testid="bio-section">
            <h2>{t!(i18n, bio_title)}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    let (bio, handle) = current
                        .await
                        .map(|p| (p.bio, p.handle))
                        .unwrap_or_default();
                    let page = match &handle {
                        Some(handle) => format!("/authors/{handle}"),
                        None => format!("/authors/{id}"),
                    };
                    view! {
                        <ActionForm action=save attr:class="form">
                            <label>
                                <span>{t!(i18n, bio_label)}</span>
                                <textarea name="bio" rows="4" maxlength=domain::rating::MAX_REVIEW_CHARS.to_string()>{bio}</textarea>
                            </label>
                            <label>
                                <span>{t!(i18n, handle_label)}</span>
                                <input name="handle" value=handle.unwrap_or_default() maxlength=domain::Handle::MAX_LEN.to_string() autocomplete="off" spellcheck="false" aria-describedby="handle-hint" data-testid="handle-input"/>
                            </label>
                            <p class="muted" id="handle-hint">{t!(i18n, handle_hint, min = domain::Handle::MIN_LEN, max = domain::Handle::MAX_LEN)}</p>
                            <ActionError result=save.value().into()/>
                            <button type="submit" class="button">{t!(i18n, bio_save)}</button>
                        </ActionForm>
                        <p><a href=page>{t!(i18n, view_author_page)}</a></p>
                    }
                })}
            </Transition>
            <ActionDone result=save.value().into()>{t!(i18n, bio_saved)}</ActionDone>
        </section>
    }
}

/// What happened to the last avatar upload (`?avatar=…`, set by the upload endpoint).
#[component]
fn AvatarOutcome() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        let outcome = query.read().get("avatar")?;
        Some(match outcome.as_str() {
            "saved" => {
                view! { <p class="form-done" role="status">{t!(i18n, avatar_saved)}</p> }.into_any()
            }
            "too-large" => {
                view! { <p class="form-error" role="alert">{t!(i18n, avatar_too_large)}</p> }
                    .into_any()
            }
            "missing" => {
                view! { <p class="form-error" role="alert">{t!(i18n, avatar_missing)}</p> }
                    .into_any()
            }
            "throttled" => {
                view! { <p class="form-error" role="alert">{t!(i18n, avatar_throttled)}</p> }
                    .into_any()
            }
            _ => view! { <p class="form-error" role="alert">{t!(i18n, avatar_not_image)}</p> }
                .into_any(),
        })
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let end = ServerAction::<EndSession>::new();
    let end_all = ServerAction::<EndAllSessions>::new();
    let list = Resource::new(move || end.version().get(), |_| sessions());
    view! {
        <section class="panel">
            <h2>{t!(i18n, sessions_title)}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(sessions) => view! {
                            <ul class="session-list" data-testid="sessions">
                                {sessions.into_iter().map(|s| view! { <SessionRow s end/> }).collect_view()}
                            </ul>
                        }
                            .into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=end_all>
                <button type="submit" class="button button-quiet">{t!(i18n, sign_out_everywhere)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SessionRow(s: SessionView, end: ServerAction<EndSession>) -> impl IntoView {
    let i18n = use_i18n();
    let device = if s.device.is_empty() {
        "—".to_owned()
    } else {
        s.device.clone()
    };
    view! {
        <li class="session-row">
            <div>
                <p class="session-device">{device}</p>
                <p class="muted">
                    {s.ip.clone()} " · " {t!(i18n, last_seen)} " " {s.last_seen.clone()}
                    {s.current.then(|| view! { " · " <strong>{t!(i18n, this_browser)}</strong> })}
                </p>
            </div>
            {(!s.current).then(|| view! {
                <ActionForm action=end>
                    <input type="hidden" name="id" value=s.id/>
                    <button type="submit" class="button button-quiet">{t!(i18n, sign_out)}</button>
                </ActionForm>
            })}
        </li>
    }
}
