//! `/notifications`: the reader's notifications, newest first, paged, each marked read when
//! opened or all at once, and how they want to hear of each kind.

use crate::api::notifications::{MarkRead, SaveNotificationPrefs, notifications};
use crate::api::types::NotificationView;
use crate::components::{ActionError, NoticeText};
use crate::i18n::*;
use crate::pages::PageError;
use domain::notify::{Delivery, Kind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The notifications page.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let mark = ServerAction::<MarkRead>::new();
    let save = ServerAction::<SaveNotificationPrefs>::new();
    let page = Resource::new(
        move || (before(), mark.version().get(), save.version().get()),
        |(before, _, _)| notifications(before),
    );
    view! {
        <Title text=t_string!(i18n, notifications_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, notifications_title)}</h1>
            <Transition>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let empty = page.items.is_empty();
                            let next = page.next_before;
                            view! {
                                <p class="muted" data-testid="unread-total">{t!(i18n, notifications_unread, count = page.unread)}</p>
                                {(page.unread > 0).then(|| view! {
                                    <ActionForm action=mark attr:class="inline-form">
                                        <button type="submit" class="button button-quiet" data-testid="mark-all-read">{t!(i18n, notifications_mark_all)}</button>
                                    </ActionForm>
                                })}
                                {empty.then(|| view! { <p class="muted">{t!(i18n, notifications_empty)}</p> })}
                                <ul class="notifications" data-testid="notifications">
                                    {page.items.into_iter().map(|item| view! { <Item item mark/> }).collect_view()}
                                </ul>
                                {next.map(|before| view! {
                                    <p><a href=format!("/notifications?before={before}")>{t!(i18n, notifications_older)}</a></p>
                                })}
                                <Prefs prefs=page.prefs save/>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <PageError error next="/notifications"/> }.into_any(),
                    }
                })}
            </Transition>
            <ActionError result=Signal::derive(move || mark.value().get()) path="/api/mark_read"/>
        </section>
    }
}

#[component]
fn Item(item: NotificationView, mark: ServerAction<MarkRead>) -> impl IntoView {
    let i18n = use_i18n();
    let NotificationView {
        id,
        notice,
        link,
        at,
        read,
    } = item;
    view! {
        <li class=if read { "notification" } else { "notification unread" } data-testid="notification">
            <a href=link><NoticeText notice/></a>
            <span class="muted">" " {at}</span>
            {(!read).then(|| view! {
                <ActionForm action=mark attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button button-quiet">{t!(i18n, notifications_mark_one)}</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn Prefs(prefs: Vec<(Kind, Delivery)>, save: ServerAction<SaveNotificationPrefs>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" aria-labelledby="prefs-heading" data-testid="notification-prefs">
            <h2 id="prefs-heading">{t!(i18n, notifications_prefs)}</h2>
            <ActionForm action=save attr:class="stack-form">
                {prefs.into_iter().map(|(kind, chosen)| view! {
                    <label>
                        {kind_label(kind)}
                        <select name=kind.as_str()>
                            {Delivery::ALL.into_iter().map(|delivery| view! {
                                <option value=delivery.as_str() selected=delivery == chosen>
                                    {delivery_label(delivery)}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                }).collect_view()}
                <button type="submit" class="button">{t!(i18n, save)}</button>
            </ActionForm>
            <ActionError result=Signal::derive(move || save.value().get()) path="/api/notification_prefs"/>
            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! {
                <p class="form-done" role="status">{t!(i18n, notifications_prefs_saved)}</p>
            })}
        </section>
    }
}

fn kind_label(kind: Kind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        Kind::Review => t!(i18n, kind_review).into_any(),
        Kind::CourseUpdated => t!(i18n, kind_course_updated).into_any(),
        Kind::NewCourse => t!(i18n, kind_new_course).into_any(),
        Kind::Orders => t!(i18n, kind_orders).into_any(),
    }
}

fn delivery_label(delivery: Delivery) -> impl IntoView {
    let i18n = use_i18n();
    match delivery {
        Delivery::InApp => t!(i18n, delivery_in_app).into_any(),
        Delivery::Mail => t!(i18n, delivery_mail).into_any(),
        Delivery::Both => t!(i18n, delivery_both).into_any(),
        Delivery::Off => t!(i18n, delivery_off).into_any(),
    }
}
