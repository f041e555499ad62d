use crate::components::{Bell, LangSwitch};
use crate::i18n::*;
use crate::session_state::{actions, current_user};
use domain::permissions::{self, Actor};
use leptos::prelude::*;

/// The site header: brand, main navigation, a search box that works without JavaScript, the
/// signed-in person's menu and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    // `/search` has its own, larger box: one search box per page.
    let location = leptos_router::hooks::use_location();
    let on_search = move || location.pathname.get() == "/search";
    // A page opened from the small-screen menu should not stay under it.
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(menu) = menu.get() {
            menu.set_open(false);
        }
    });
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"L"</span>
                    <span class="brand-name">{t!(i18n, site_name)}</span>
                </a>
                <details class="header-menu" data-testid="header-menu" node_ref=menu>
                    <summary class="button button-quiet menu-button">{t!(i18n, menu)}</summary>
                    <div class="header-menu-body">
                        <nav class="main-nav" aria-label=move || t_string!(i18n, nav_main)>
                            <a href="/courses">{t!(i18n, nav_courses)}</a>
                            <a href="/studio">{t!(i18n, nav_studio)}</a>
                        </nav>
                        <Show when=move || !on_search()>
                            <form class="header-search" action="/search" method="get" role="search">
                                <input
                                    type="search"
                                    name="q"
                                    placeholder=move || t_string!(i18n, search_placeholder)
                                    aria-label=move || t_string!(i18n, search_placeholder)
                                />
                                <button type="submit" class="button button-quiet">
                                    {t!(i18n, search_button)}
                                </button>
                            </form>
                        </Show>
                        <UserMenu/>
                        <LangSwitch/>
                    </div>
                </details>
            </div>
        </header>
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    let i18n = use_i18n();
    let me = current_user().0;
    let logout = actions().logout;
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        let actor = Actor { id: me.id, role: me.role };
                        let staff = permissions::can_open_admin(Some(&actor));
                        let reviewer = permissions::can_review_courses(Some(&actor));
                        view! {
                            <div class="user-menu" data-testid="user-menu">
                                <a href="/learning" data-testid="learning-link">{t!(i18n, my_learning)}</a>
                                <a href="/orders" data-testid="orders-link">{t!(i18n, nav_orders)}</a>
                                {reviewer.then(|| view! { <a href="/review">{t!(i18n, nav_review)}</a> })}
                                {staff.then(|| view! { <a href="/admin">{t!(i18n, nav_admin)}</a> })}
                                <Bell unread=me.unread/>
                                <a href="/account" data-testid="account-link">{me.display_name.clone()}</a>
                                <ActionForm action=logout>
                                    <button type="submit" class="button button-quiet" data-testid="sign-out">
                                        {t!(i18n, sign_out)}
                                    </button>
                                </ActionForm>
                            </div>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <div class="user-menu">
                                <a href="/login" data-testid="sign-in-link">{t!(i18n, sign_in)}</a>
                                <a class="button" href="/register">{t!(i18n, sign_up)}</a>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
