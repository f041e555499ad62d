//! `/orders` (the buyer's orders), `/orders/{id}` (where the provider sends the buyer back: the
//! order's outcome, the way into the course and the refund button), `/orders/{id}/receipt` (a
//! printable receipt) and `/sandbox/pay/{session}` (the built-in test provider's pay page).

use crate::AppError;
use crate::api::{RequestRefund, SandboxChoose, my_order, my_orders, order_receipt, sandbox_page};
use crate::components::{ActionError, ErrorMessage, Price};
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::{NotFoundContent, PageError, SignInPrompt};
use domain::order::{CheckoutProblem, OrderStatus, OrderView, RefundRefusal};
use domain::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The `:id` route parameter as an order id (0, never an order, when it is not a number).
fn order_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse().ok())
            .unwrap_or(0)
    }
}

/// "My orders".
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let orders = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text=t_string!(i18n, orders_title)/>
        <section class="container section">
            <h1>{t!(i18n, orders_title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(orders) if orders.is_empty() => view! {
                            <p class="empty" data-testid="orders-empty">{t!(i18n, orders_empty)}</p>
                            <p><a class="button" href="/courses">{t!(i18n, browse_courses)}</a></p>
                        }
                        .into_any(),
                        Ok(orders) => view! { <OrderTable orders/> }.into_any(),
                        Err(error) => view! { <PageError error next="/orders"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrderTable(orders: Vec<OrderView>) -> impl IntoView {
    let i18n = use_i18n();
    let test_mode = orders.iter().any(|order| order.test_mode);
    view! {
        {test_mode.then(|| view! { <TestMode/> })}
        <table class="table" data-testid="orders">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, order_date)}</th>
                    <th scope="col">{t!(i18n, order_course)}</th>
                    <th scope="col">{t!(i18n, order_total)}</th>
                    <th scope="col">{t!(i18n, order_status)}</th>
                </tr>
            </thead>
            <tbody>
                {orders
                    .into_iter()
                    .map(|order| view! {
                        <tr data-testid="order-row">
                            <td>{format_utc(order.created_at)}</td>
                            <td><a href=format!("/orders/{}", order.id)>{order.course_title.clone()}</a></td>
                            <td><Price price=order.price.total/></td>
                            <td><StatusBadge status=order.status/></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The order's status in words.
#[component]
fn StatusBadge(status: OrderStatus) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        OrderStatus::Pending => t!(i18n, status_pending).into_any(),
        OrderStatus::Paid => t!(i18n, status_paid).into_any(),
        OrderStatus::PartiallyRefunded => t!(i18n, status_partially_refunded).into_any(),
        OrderStatus::Refunded => t!(i18n, status_refunded).into_any(),
        OrderStatus::Cancelled => t!(i18n, status_cancelled).into_any(),
        OrderStatus::Expired => t!(i18n, status_expired).into_any(),
    };
    view! { <span class="badge" data-status=status.code() data-testid="order-status">{label}</span> }
}

/// Says that no real money moves: wherever money shows while the provider is a test one.
#[component]
pub fn TestMode() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="test-mode" data-testid="test-mode">
            <span class="badge badge-accent">{t!(i18n, test_mode_badge)}</span>
            " "
            {t!(i18n, test_mode_note)}
        </p>
    }
}

/// One order: where the provider's page sends the buyer back.
#[component]
pub fn OrderPage() -> impl IntoView {
    let id = order_param();
    let refund = ServerAction::<RequestRefund>::new();
    let data = Resource::new(
        move || (id(), refund.version().get()),
        |(id, _)| my_order(id),
    );
    // While the payment is unconfirmed, look again every two seconds (in the browser only).
    Effect::new(move |_| {
        if let Some(Ok(order)) = data.get()
            && order.status == OrderStatus::Pending
        {
            set_timeout(move || data.refetch(), std::time::Duration::from_secs(2));
        }
    });
    view! {
        <section class="container section narrow">
            <Suspense>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(order) => view! { <OrderDetail order refund/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                        Err(error) => view! { <PageError error next="/orders"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrderDetail(order: OrderView, refund: ServerAction<RequestRefund>) -> impl IntoView {
    let i18n = use_i18n();
    let course = format!("/courses/{}", order.course_slug);
    let refunded = order.refunded;
    let amount = move || refunded.format(lang_of(i18n.get_locale()));
    let outcome = match order.status {
        OrderStatus::Paid => view! {
            <p class="lead" data-testid="order-outcome">{t!(i18n, order_owned)}</p>
            <p><a class="button" href=course.clone() data-testid="start-course">{t!(i18n, start_learning)}</a></p>
        }
        .into_any(),
        OrderStatus::PartiallyRefunded => view! {
            <p class="lead" data-testid="order-outcome">{t!(i18n, order_partly_refunded, amount = amount)}</p>
            <p><a class="button" href=course.clone() data-testid="start-course">{t!(i18n, start_learning)}</a></p>
        }
        .into_any(),
        OrderStatus::Refunded => view! {
            <p class="lead" data-testid="order-outcome">{t!(i18n, order_refunded, amount = amount)}</p>
            <p><a class="button button-quiet" href=course.clone()>{t!(i18n, back_to_course)}</a></p>
        }
        .into_any(),
        OrderStatus::Pending => view! {
            <p class="lead" data-testid="order-outcome" role="status">{t!(i18n, order_waiting)}</p>
            <p><a class="button button-quiet" href=format!("/orders/{}", order.id)>{t!(i18n, order_check_again)}</a></p>
        }
        .into_any(),
        OrderStatus::Cancelled | OrderStatus::Expired => view! {
            <p class="lead" data-testid="order-outcome">
                {if order.status == OrderStatus::Expired { t!(i18n, order_expired).into_any() } else { t!(i18n, order_not_paid).into_any() }}
            </p>
            <p><a class="button" href=course.clone() data-testid="try-again">{t!(i18n, try_again)}</a></p>
        }
        .into_any(),
    };
    let paid = order.status.was_paid();
    view! {
        <Title text=t_string!(i18n, order_title, id = order.id.to_string())/>
        <p class="eyebrow"><a href="/orders">{t!(i18n, orders_title)}</a></p>
        <h1>{order.course_title.clone()}</h1>
        {order.test_mode.then(|| view! { <TestMode/> })}
        <p class="muted">
            {t!(i18n, order_title, id = order.id.to_string())} " · " {format_utc(order.created_at)} " · "
            <StatusBadge status=order.status/>
        </p>
        {outcome}
        <Breakdown order=order.clone()/>
        {paid.then(|| view! {
            <p><a class="button button-quiet" href=format!("/orders/{}/receipt", order.id) data-testid="receipt-link">{t!(i18n, view_receipt)}</a></p>
        })}
        <RefundPart order refund/>
    }
}

/// List price, coupon, total, and what went back.
#[component]
fn Breakdown(order: OrderView) -> impl IntoView {
    let i18n = use_i18n();
    let price = order.price;
    view! {
        <dl class="price-breakdown" data-testid="price-breakdown">
            <dt>{t!(i18n, price_label)}</dt>
            <dd><Price price=price.list/></dd>
            {(!price.discount.is_zero()).then(|| view! {
                <dt>{t!(i18n, price_discount)}</dt>
                <dd data-testid="discount">"−" <Price price=price.discount/></dd>
            })}
            <dt>{t!(i18n, price_total)}</dt>
            <dd data-testid="total"><strong><Price price=price.total/></strong></dd>
            {(!order.refunded.is_zero()).then(|| view! {
                <dt>{t!(i18n, status_refunded)}</dt>
                <dd data-testid="refunded"><Price price=order.refunded/></dd>
            })}
        </dl>
    }
}

/// The refund button while the rules allow one, or why they do not.
#[component]
fn RefundPart(order: OrderView, refund: ServerAction<RequestRefund>) -> impl IntoView {
    let i18n = use_i18n();
    let refusal = match order.refund_refusal {
        None => None,
        // Nothing to say about an order that was never paid or is refunded already.
        Some(RefundRefusal::NothingToRefund | RefundRefusal::BadAmount) => {
            return view! { <ActionError result=refund.value().into()/> }.into_any();
        }
        Some(other) => Some(other),
    };
    match refusal {
        Some(refusal) => view! {
            <p class="muted" data-testid="refund-refused">
                <ErrorMessage error=AppError::Checkout(CheckoutProblem::Refund(refusal))/>
            </p>
        }
        .into_any(),
        None => {
            let until = order.refund_until.map(format_utc).unwrap_or_default();
            view! {
                <section class="panel refund" data-testid="refund">
                    <p>{t!(i18n, refund_until, date = until)}</p>
                    <ActionForm action=refund>
                        <input type="hidden" name="order" value=order.id.to_string()/>
                        <button class="button button-quiet" type="submit" data-testid="request-refund">{t!(i18n, refund_request)}</button>
                    </ActionForm>
                    <ActionError result=refund.value().into()/>
                </section>
            }
            .into_any()
        }
    }
}

/// A printable receipt, in the reader's language.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = order_param();
    let data = Resource::new(id, order_receipt);
    view! {
        <Title text=t_string!(i18n, receipt_title)/>
        <section class="container section narrow">
            <Suspense>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(receipt) => {
                            let order = receipt.order;
                            view! {
                                <article class="receipt" data-testid="receipt">
                                    <header class="receipt-head">
                                        <h1>{t!(i18n, receipt_title)}</h1>
                                        <p class="brand-name">{t!(i18n, site_name)}</p>
                                    </header>
                                    {order.test_mode.then(|| view! { <TestMode/> })}
                                    <dl class="receipt-facts">
                                        <dt>{t!(i18n, receipt_number)}</dt>
                                        <dd data-testid="receipt-number">{format!("LORE-{:08}", order.id.get())}</dd>
                                        <dt>{t!(i18n, receipt_paid_on)}</dt>
                                        <dd>{order.paid_at.map(format_utc).unwrap_or_default()}</dd>
                                        <dt>{t!(i18n, receipt_billed_to)}</dt>
                                        <dd>{receipt.buyer_name.clone()} <br/> {receipt.buyer_email.clone()}</dd>
                                        <dt>{t!(i18n, receipt_item)}</dt>
                                        <dd>{order.course_title.clone()}</dd>
                                        {order.payment_reference.clone().map(|reference| view! {
                                            <dt>{t!(i18n, receipt_reference)}</dt>
                                            <dd><code>{reference}</code></dd>
                                        })}
                                    </dl>
                                    <Breakdown order=order.clone()/>
                                    <PrintButton/>
                                    <p class="no-print"><a href=format!("/orders/{}", order.id)>{t!(i18n, order_title, id = order.id.to_string())}</a></p>
                                </article>
                            }
                            .into_any()
                        }
                        Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                        Err(error) => view! { <PageError error next="/orders"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Opens the browser's print dialogue (the page's print styles hide everything but the receipt).
#[component]
fn PrintButton() -> impl IntoView {
    let i18n = use_i18n();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Err(err) = window().print() {
            leptos::logging::warn!("print: {err:?}");
        }
    };
    view! {
        <button class="button button-quiet no-print" type="button" on:click=print>{t!(i18n, receipt_print)}</button>
    }
}

/// The sandbox provider's pay page: pay, decline or cancel.
#[component]
pub fn SandboxPayPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("session").unwrap_or_default();
    let data = Resource::new(id, sandbox_page);
    let choose = ServerAction::<SandboxChoose>::new();
    view! {
        <Title text=t_string!(i18n, sandbox_title)/>
        <section class="container section narrow sandbox-pay">
            <h1>{t!(i18n, sandbox_title)}</h1>
            <TestMode/>
            <p class="muted">{t!(i18n, sandbox_note)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(session) if session.open => {
                            let amount = session.amount;
                            let price = move || amount.format(lang_of(i18n.get_locale()));
                            let choice = move |value: &'static str, label: AnyView, class: &'static str| {
                                let session = session.id.clone();
                                view! {
                                    <ActionForm action=choose attr:class="inline-form">
                                        <input type="hidden" name="session" value=session/>
                                        <input type="hidden" name="choice" value=value/>
                                        <button class=class type="submit" data-testid=format!("sandbox-{value}")>{label}</button>
                                    </ActionForm>
                                }
                            };
                            view! {
                                <p class="lead" data-testid="sandbox-item">{session.course_title.clone()}</p>
                                <p class="buy-price"><Price price=amount/></p>
                                <div class="buy-actions">
                                    {choice("pay", t!(i18n, sandbox_pay, amount = price).into_any(), "button")}
                                    {choice("fail", t!(i18n, sandbox_fail).into_any(), "button button-quiet")}
                                    {choice("cancel", t!(i18n, sandbox_cancel).into_any(), "button button-quiet")}
                                </div>
                                <ActionError result=choose.value().into()/>
                            }
                            .into_any()
                        }
                        Ok(session) => view! {
                            <p data-testid="sandbox-done">{t!(i18n, sandbox_done)}</p>
                            <p><a class="button" href=format!("/orders/{}", session.order)>{t!(i18n, order_title, id = session.order.to_string())}</a></p>
                        }
                        .into_any(),
                        Err(AppError::NotFound) => view! { <NotFoundContent/> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <SignInPrompt next="/orders"/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
