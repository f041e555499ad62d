//! `/studio/earnings` (an author's share of their sales: pending while refundable, then
//! available, and the last 90 days as a chart) and `/admin/payouts` (the admin's payout
//! statement download).

use crate::api::earnings;
use crate::components::Price;
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::PageError;
use domain::Currency;
use domain::earnings::{Balance, Day};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The earnings page.
#[component]
pub fn EarningsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| earnings());
    view! {
        <Title text=t_string!(i18n, earnings_title)/>
        <section class="container section">
            <p class="eyebrow"><a href="/studio">{t!(i18n, studio_title)}</a></p>
            <h1>{t!(i18n, earnings_title)}</h1>
            <p class="muted">{t!(i18n, earnings_intro)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(earnings) if earnings.balances.is_empty() => view! {
                            <p class="empty" data-testid="earnings-empty">{t!(i18n, earnings_empty)}</p>
                        }
                        .into_any(),
                        Ok(earnings) => view! {
                            <div class="earnings-totals">
                                {earnings.balances.into_iter().map(|balance| view! { <Totals balance/> }).collect_view()}
                            </div>
                            {earnings.charts.into_iter().map(|(currency, days)| view! { <Chart currency days/> }).collect_view()}
                        }
                        .into_any(),
                        Err(error) => view! { <PageError error next="/studio/earnings"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Totals(balance: Balance) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="panel earnings-balance" data-testid="balance" data-currency=balance.currency.code()>
            <dt>{t!(i18n, earnings_available)}</dt>
            <dd data-testid="available"><strong><Price price=balance.available/></strong></dd>
            <dt>{t!(i18n, earnings_pending)}</dt>
            <dd data-testid="pending"><Price price=balance.pending/></dd>
            <dt>{t!(i18n, earnings_sales)}</dt>
            <dd><Price price=balance.sales/></dd>
            <dt>{t!(i18n, earnings_refunds)}</dt>
            <dd><Price price=balance.refunds/></dd>
        </dl>
    }
}

/// The last 90 days as bars (SVG: the page's CSP allows no inline styles), with the figures in
/// a table for screen readers and for copying.
#[component]
fn Chart(currency: Currency, days: Vec<Day>) -> impl IntoView {
    let i18n = use_i18n();
    const BAR: i64 = 8;
    const HEIGHT: i64 = 120;
    let peak = days
        .iter()
        .map(|d| d.net.minor().abs())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = BAR * i64::try_from(days.len()).unwrap_or(0);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let minor = day.net.minor();
            let height = (minor.abs() * HEIGHT / peak).max(i64::from(minor != 0));
            let x = BAR * i64::try_from(i).unwrap_or(0);
            let y = if minor >= 0 { HEIGHT - height } else { HEIGHT };
            let class = if minor >= 0 { "bar" } else { "bar bar-negative" };
            let label = format!("{} {}", date_of(day.day), day.net.format(domain::Lang::En));
            view! {
                <rect class=class x=x.to_string() y=y.to_string() width=(BAR - 2).to_string() height=height.to_string()>
                    <title>{label}</title>
                </rect>
            }
        })
        .collect_view();
    let booked: Vec<Day> = days.into_iter().filter(|d| !d.net.is_zero()).collect();
    view! {
        <figure class="earnings-chart" data-testid="earnings-chart" data-currency=currency.code()>
            <figcaption>{t!(i18n, earnings_chart, currency = currency.code())}</figcaption>
            <svg viewBox=format!("0 0 {width} {}", HEIGHT * 2) role="img" aria-hidden="true" preserveAspectRatio="none">
                <line class="axis" x1="0" x2=width.to_string() y1=HEIGHT.to_string() y2=HEIGHT.to_string()/>
                {bars}
            </svg>
            <table class="visually-hidden">
                <caption>{t!(i18n, earnings_chart, currency = currency.code())}</caption>
                <tbody>
                    {booked.into_iter().map(|day| {
                        let net = day.net;
                        view! {
                            <tr>
                                <th scope="row">{date_of(day.day)}</th>
                                <td>{move || net.format(lang_of(i18n.get_locale()))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01.
fn date_of(day: i64) -> String {
    domain::time::format_utc(day * 86_400_000)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The admin's payout statement: pick a period, download the CSV.
#[component]
pub fn AdminPayoutsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let invalid = move || query.read().get("invalid").is_some();
    view! {
        <Title text=t_string!(i18n, admin_payouts)/>
        <section class="container section narrow">
            <p class="eyebrow"><a href="/admin">{t!(i18n, admin_title)}</a></p>
            <h1>{t!(i18n, admin_payouts)}</h1>
            <p class="muted">{t!(i18n, payouts_intro)}</p>
            {move || invalid().then(|| view! { <p class="form-error" role="alert">{t!(i18n, payouts_bad_period)}</p> })}
            <form class="form" method="get" action="/admin/payouts.csv" data-testid="payouts-form">
                <label>
                    <span>{t!(i18n, payouts_from)}</span>
                    <input type="date" name="from" required/>
                </label>
                <label>
                    <span>{t!(i18n, payouts_to)}</span>
                    <input type="date" name="to" required/>
                </label>
                <button class="button" type="submit">{t!(i18n, payouts_download)}</button>
            </form>
        </section>
    }
}
