use crate::AppError;
use crate::api::admin::{
    AdminRefund, AdminRetryEvent, AdminSetDisabled, AdminSetRole, admin_audit, admin_order_list,
    admin_users,
};
use crate::api::learning::{ModerateReview, review_reports};
use crate::api::types::{AuditQuery, UserView};
use crate::components::{ActionError, ErrorPanel};
use crate::i18n::*;
use crate::pages::{PageError, SignInPrompt};
use crate::session_state::current_user;
use domain::Role;
use domain::permissions::{self, Actor};
use domain::rating::ModeratedReview;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin`: the staff area's front page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = current_user().0;
    view! {
        <Title text=t_string!(i18n, admin_title)/>
        <section class="container section narrow">
            <h1>{t!(i18n, admin_title)}</h1>
            <Transition>
                {move || Suspend::new(async move {
                    let actor = me.await.ok().flatten().map(|me| Actor { id: me.id, role: me.role });
                    match actor {
                        None => view! { <SignInPrompt next="/admin"/> }.into_any(),
                        Some(actor) if !permissions::can_open_admin(Some(&actor)) => {
                            view! { <ErrorPanel error=AppError::Forbidden/> }.into_any()
                        }
                        Some(actor) => view! {
                            <p class="lead">{t!(i18n, admin_body)}</p>
                            {permissions::can_manage_users(Some(&actor)).then(|| view! {
                                <ul class="link-list">
                                    <li><a href="/admin/users">{t!(i18n, admin_users)}</a></li>
                                    <li><a href="/admin/audit">{t!(i18n, admin_audit)}</a></li>
                                    <li><a href="/admin/orders">{t!(i18n, admin_orders)}</a></li>
                                    <li><a href="/admin/payouts">{t!(i18n, admin_payouts)}</a></li>
                                    <li><a href="/studio/coupons">{t!(i18n, coupons_title)}</a></li>
                                    {permissions::can_moderate(Some(&actor)).then(|| view! {
                                        <li><a href="/admin/reviews">{t!(i18n, admin_reviews)}</a></li>
                                    })}
                                </ul>
                            })}
                        }
                            .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/admin/users?q=…`: find accounts, change roles, disable or enable them.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let set_role = ServerAction::<AdminSetRole>::new();
    let set_disabled = ServerAction::<AdminSetDisabled>::new();
    let users = Resource::new(
        move || (q(), set_role.version().get(), set_disabled.version().get()),
        |(q, _, _)| admin_users(q),
    );
    view! {
        <Title text=t_string!(i18n, admin_users)/>
        <section class="container section">
            <h1>{t!(i18n, admin_users)}</h1>
            <AdminSearch action="/admin/users" q=Signal::derive(q) label=Signal::derive(move || t_string!(i18n, admin_search).to_string())/>
            <ActionError result=set_role.value().into()/>
            <ActionError result=set_disabled.value().into()/>
            <Transition>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(users) => view! {
                            <table class="table" data-testid="users">
                                <thead><tr>
                                    <th>{t!(i18n, field_email)}</th>
                                    <th>{t!(i18n, field_display_name)}</th>
                                    <th>{t!(i18n, field_role)}</th>
                                    <th>{t!(i18n, field_status)}</th>
                                </tr></thead>
                                <tbody>
                                    {users.into_iter().map(|user| view! { <UserRow user set_role set_disabled/> }).collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any(),
                        Err(error) => view! { <PageError error next="/admin/users"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserView,
    set_role: ServerAction<AdminSetRole>,
    set_disabled: ServerAction<AdminSetDisabled>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id.get();
    view! {
        <tr>
            <td>{user.email.clone()}</td>
            <td>{user.display_name.clone()}</td>
            <td>
                <ActionForm action=set_role attr:class="inline-form">
                    <input type="hidden" name="user" value=id/>
                    <select name="role" aria-label=move || t_string!(i18n, field_role)>
                        {[Role::Learner, Role::Author, Role::Reviewer, Role::Admin]
                            .into_iter()
                            .map(|role| view! {
                                <option value=role.as_str() selected=role == user.role>{move || role_name(role)}</option>
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button button-quiet">{t!(i18n, save)}</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=set_disabled attr:class="inline-form">
                    <input type="hidden" name="user" value=id/>
                    <input type="hidden" name="disabled" value=(!user.disabled).to_string()/>
                    {if user.disabled {
                        view! { <span class="badge">{t!(i18n, status_disabled)}</span>
                            <button type="submit" class="button button-quiet">{t!(i18n, enable)}</button> }.into_any()
                    } else {
                        view! { <button type="submit" class="button button-quiet">{t!(i18n, disable)}</button> }.into_any()
                    }}
                </ActionForm>
            </td>
        </tr>
    }
}

/// `/admin/reviews`: reported reviews to hide or keep, oldest report first, and hidden ones to
/// restore. Hiding takes a review off its course page and out of the course's rating at once.
#[component]
pub fn AdminReviewsPage() -> impl IntoView {
    let i18n = use_i18n();
    let moderate = ServerAction::<ModerateReview>::new();
    let queue = Resource::new(move || moderate.version().get(), |_| review_reports());
    view! {
        <Title text=t_string!(i18n, admin_reviews)/>
        <section class="container section narrow">
            <h1>{t!(i18n, admin_reviews)}</h1>
            <ActionError result=moderate.value().into()/>
            <Transition>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(queue) => view! {
                            <h2>{t!(i18n, moderation_waiting)}</h2>
                            {if queue.waiting.is_empty() {
                                view! { <p class="muted" data-testid="moderation-empty">{t!(i18n, moderation_none)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="moderation-list" data-testid="moderation-waiting">
                                        {queue.waiting.into_iter().map(|item| view! { <ModerationItem item moderate hide=true/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {(!queue.hidden.is_empty()).then(|| view! {
                                <h2>{t!(i18n, moderation_hidden)}</h2>
                                <ul class="moderation-list" data-testid="moderation-hidden">
                                    {queue.hidden.into_iter().map(|item| view! { <ModerationItem item moderate hide=false/> }).collect_view()}
                                </ul>
                            })}
                        }
                            .into_any(),
                        Err(error) => view! { <PageError error next="/admin/reviews"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One review on the moderation page: its words, its course, the reports' reasons, and the
/// decision buttons (hide or keep for a waiting report; restore for a hidden review).
#[component]
fn ModerationItem(
    item: ModeratedReview,
    moderate: ServerAction<ModerateReview>,
    hide: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let review = item.review;
    let id = review.id.get();
    let stars = review.stars.stars();
    view! {
        <li class="panel moderation-item">
            <p class="muted">
                <a href=format!("/courses/{}", item.course_slug)>{item.course_title}</a>
                " · "{review.reviewer_name}" · "
                <span aria-hidden="true">{"★".repeat(usize::from(stars))}</span>
                <span class="visually-hidden">{t!(i18n, stars_label, count = stars)}</span>
            </p>
            <p class="review-body">{review.body}</p>
            {(!item.reasons.is_empty()).then(|| view! {
                <p class="muted">{t!(i18n, moderation_reasons)}</p>
                <ul class="moderation-reasons">
                    {item.reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
                </ul>
            })}
            <div class="inline-form">
                <ActionForm action=moderate attr:class="inline-form">
                    <input type="hidden" name="review" value=id/>
                    <input type="hidden" name="hide" value=hide.to_string()/>
                    <button type="submit" class="button" data-testid="moderate">
                        {if hide { t!(i18n, moderation_hide).into_any() } else { t!(i18n, moderation_restore).into_any() }}
                    </button>
                </ActionForm>
                {hide.then(|| view! {
                    <ActionForm action=moderate attr:class="inline-form">
                        <input type="hidden" name="review" value=id/>
                        <input type="hidden" name="hide" value="false"/>
                        <button type="submit" class="button button-quiet">{t!(i18n, moderation_keep)}</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

/// `/admin/audit`: security events, newest first, filtered by event, user, address and dates, a
/// page at a time. The filters are a plain GET form, so the URL holds them (shareable, works
/// without JavaScript); "older" pages by the last entry's id, so new events never shift a page.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = move || {
        let q = query_map.read();
        let field = |name: &str| q.get(name).unwrap_or_default();
        AuditQuery {
            event: field("event"),
            user: field("user"),
            ip: field("ip"),
            from: field("from"),
            until: field("until"),
            before: q.get("before").and_then(|b| b.parse().ok()),
        }
    };
    let events = Resource::new(query, admin_audit);
    let older = move |before: i64| {
        let q = query();
        let mut link = String::from("/admin/audit?");
        for (name, value) in [
            ("event", &q.event),
            ("user", &q.user),
            ("ip", &q.ip),
            ("from", &q.from),
            ("until", &q.until),
        ] {
            if !value.is_empty() {
                link.push_str(&format!("{name}={}&", urlencoding(value)));
            }
        }
        link.push_str(&format!("before={before}"));
        link
    };
    view! {
        <Title text=t_string!(i18n, admin_audit)/>
        <section class="container section">
            <h1>{t!(i18n, admin_audit)}</h1>
            <form method="get" action="/admin/audit" class="filters" data-testid="audit-filters">
                <label>{t!(i18n, audit_event)}
                    <input name="event" prop:value=move || query().event/>
                </label>
                <label>{t!(i18n, audit_user)}
                    <input name="user" inputmode="numeric" prop:value=move || query().user/>
                </label>
                <label>{t!(i18n, audit_ip)}
                    <input name="ip" prop:value=move || query().ip/>
                </label>
                <label>{t!(i18n, audit_from)}
                    <input name="from" type="date" prop:value=move || query().from/>
                </label>
                <label>{t!(i18n, audit_until)}
                    <input name="until" type="date" prop:value=move || query().until/>
                </label>
                <button type="submit" class="button">{t!(i18n, audit_filter)}</button>
            </form>
            <Transition>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(page) => view! {
                            <table class="table" data-testid="audit">
                                <thead><tr>
                                    <th>{t!(i18n, audit_when)}</th>
                                    <th>{t!(i18n, audit_event)}</th>
                                    <th>{t!(i18n, audit_actor)}</th>
                                    <th>{t!(i18n, audit_subject)}</th>
                                    <th>{t!(i18n, audit_ip)}</th>
                                    <th>{t!(i18n, audit_detail)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.entries.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.at}</td>
                                            <td><span title=e.event.clone()>{event_name(e.event.clone())}</span></td>
                                            <td>{e.actor.map(|a| format!("#{a}")).unwrap_or_default()}</td>
                                            <td>{e.subject.map(|s| format!("#{s}")).unwrap_or_default()}</td>
                                            <td>{e.ip}</td>
                                            <td>{e.detail}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {page.next_before.map(|before| view! {
                                <p><a class="button button-quiet" data-testid="audit-older" href=older(before)>
                                    {t!(i18n, audit_older)}
                                </a></p>
                            })}
                        }
                            .into_any(),
                        Err(error) => view! { <PageError error next="/admin/audit"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A role's name in the reader's language.
fn role_name(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Learner => t_string!(i18n, role_learner),
        Role::Author => t_string!(i18n, role_author),
        Role::Reviewer => t_string!(i18n, role_reviewer),
        Role::Admin => t_string!(i18n, role_admin),
    }
}

/// An audit event's name in the reader's language; an event this version does not know shows its
/// stored code.
fn event_name(event: String) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        let known = match event.as_str() {
            "registered" => t_string!(i18n, event_registered),
            "sign_in" => t_string!(i18n, event_sign_in),
            "sign_in_failed" => t_string!(i18n, event_sign_in_failed),
            "sign_in_refused_disabled" => t_string!(i18n, event_sign_in_refused_disabled),
            "sign_out" => t_string!(i18n, event_sign_out),
            "signed_out_everywhere" => t_string!(i18n, event_signed_out_everywhere),
            "session_ended" => t_string!(i18n, event_session_ended),
            "password_changed" => t_string!(i18n, event_password_changed),
            "password_reset" => t_string!(i18n, event_password_reset),
            "password_reset_requested" => t_string!(i18n, event_password_reset_requested),
            "password_reset_suppressed" => t_string!(i18n, event_password_reset_suppressed),
            "email_change_requested" => t_string!(i18n, event_email_change_requested),
            "email_changed" => t_string!(i18n, event_email_changed),
            "role_changed" => t_string!(i18n, event_role_changed),
            "account_disabled" => t_string!(i18n, event_account_disabled),
            "account_enabled" => t_string!(i18n, event_account_enabled),
            _ => return event.clone(),
        };
        known.to_owned()
    }
}

/// The search box above an admin list: a GET form, so a search has an address to share.
#[component]
fn AdminSearch(
    /// The list's address.
    action: &'static str,
    /// The words searched for now.
    q: Signal<String>,
    /// What the box searches, said to the reader and to screen readers.
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="search-form" method="get" action=action role="search">
            <input type="search" name="q" value=q aria-label=label placeholder=label/>
            <button type="submit" class="button">{t!(i18n, search_button)}</button>
        </form>
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/admin/orders?q=…`: the newest orders with a refund form each, and the provider events that
/// failed to apply with a button to try one again.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let refund = ServerAction::<AdminRefund>::new();
    let retry = ServerAction::<AdminRetryEvent>::new();
    let data = Resource::new(
        move || (q(), refund.version().get(), retry.version().get()),
        |(q, _, _)| admin_order_list(q),
    );
    view! {
        <Title text=t_string!(i18n, admin_orders)/>
        <section class="container section">
            <h1>{t!(i18n, admin_orders)}</h1>
            <AdminSearch action="/admin/orders" q=Signal::derive(q) label=Signal::derive(move || t_string!(i18n, admin_orders_search).to_string())/>
            <ActionError result=refund.value().into()/>
            <ActionError result=retry.value().into()/>
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <AdminOrdersTables page refund retry/> }.into_any(),
                        Err(error) => view! { <PageError error next="/admin/orders"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AdminOrdersTables(
    page: domain::order::AdminOrders,
    refund: ServerAction<AdminRefund>,
    retry: ServerAction<AdminRetryEvent>,
) -> impl IntoView {
    let i18n = use_i18n();
    let failed = page.failed_events;
    view! {
        {page.test_mode.then(|| view! { <crate::pages::orders::TestMode/> })}
        <h2>{t!(i18n, admin_failed_events)}</h2>
        {failed.is_empty().then(|| view! { <p class="muted" data-testid="no-failed-events">{t!(i18n, admin_no_failed_events)}</p> })}
        {(!failed.is_empty()).then(|| view! {
            <table class="table" data-testid="failed-events">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, admin_event)}</th>
                        <th scope="col">{t!(i18n, order_column)}</th>
                        <th scope="col">{t!(i18n, admin_event_error)}</th>
                        <th scope="col">{t!(i18n, admin_event_attempts)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>
                    {failed.into_iter().map(|event| view! {
                        <tr data-testid="failed-event">
                            <td><code>{event.kind.clone()}</code><br/><span class="muted small">{event.provider.clone()} " · " {event.event_id.clone()}</span></td>
                            <td>{event.order.map(|o| o.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{event.last_error.clone()}</td>
                            <td>{event.attempts}</td>
                            <td>
                                <ActionForm action=retry attr:class="inline-form">
                                    <input type="hidden" name="id" value=event.id.to_string()/>
                                    <button class="button button-quiet small" type="submit">{t!(i18n, admin_event_retry)}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>{t!(i18n, admin_recent_orders)}</h2>
        <table class="table" data-testid="admin-orders">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, order_date)}</th>
                    <th scope="col">{t!(i18n, receipt_billed_to)}</th>
                    <th scope="col">{t!(i18n, order_course)}</th>
                    <th scope="col">{t!(i18n, order_total)}</th>
                    <th scope="col">{t!(i18n, order_status)}</th>
                    <th scope="col">{t!(i18n, admin_refund)}</th>
                </tr>
            </thead>
            <tbody>
                {page.orders.into_iter().map(|order| {
                    let left = order.refundable;
                    let major = left.currency().minor_per_major().max(1);
                    let suggested = format!("{}.{:02}", left.minor() / major, left.minor() % major);
                    view! {
                        <tr data-testid="admin-order">
                            <td>{domain::time::format_utc(order.created_at)}</td>
                            <td>{order.buyer_email.clone()}</td>
                            <td>{order.course_title.clone()}</td>
                            <td>
                                <crate::components::Price price=order.total/>
                                {(!order.refunded.is_zero()).then(|| view! {
                                    <br/><span class="muted small">"−" <crate::components::Price price=order.refunded/></span>
                                })}
                            </td>
                            <td>{order.status.code()}</td>
                            <td>
                                {(!left.is_zero()).then(|| view! {
                                    <ActionForm action=refund attr:class="inline-form">
                                        <input type="hidden" name="order" value=order.id.to_string()/>
                                        <input type="text" name="amount" value=suggested inputmode="decimal" size="8"
                                            aria-label=move || t_string!(i18n, admin_refund_amount)/>
                                        <button class="button button-quiet small" type="submit">{t!(i18n, admin_refund)}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
