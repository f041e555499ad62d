use crate::api;
use crate::components::{CourseGrid, ErrorPanel};
use crate::i18n::*;
use crate::locale::lang_of;
use domain::authoring::Level;
use domain::browse::{CatalogQuery, PriceKind, Sort};
use domain::{CatalogPage as Page, Currency, Lang};
use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::location::Url;

/// `/courses`: the published catalog with filters (category, language, free or paid, a price
/// range, level, minimum rating), an order, the number of matches and keyset pages.
///
/// The URL is the only state (`domain::browse`): the server renders from it, so a link shows the
/// same page to anyone and the back button works. The filters are a GET form: without JavaScript
/// it loads the new URL; once hydrated the router applies it in place, without a reload.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = move || {
        let map = query_map.read();
        CatalogQuery::from_pairs((&*map).into_iter().map(|(k, v)| (k.as_ref(), v)))
    };
    let data = Resource::new(query, api::browse);
    view! {
        // Page titles are plain strings, never closures: leptos_meta reads the title once the
        // page has rendered, when the request's reactive owner may already be disposed, and a
        // closure reading `i18n` then panicked (about 7% of /courses requests under load, each
        // a dropped connection). Every page's title follows this rule; the locale only changes
        // by reloading the page (`/lang/{tag}`).
        <Title text=t_string!(i18n, catalog_title)/>
        <section class="container section">
            <h1>{t!(i18n, catalog_title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let query = query();
                    match data.await {
                        Ok(page) => view! { <Results page query/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The URL of the catalog for `query`'s filters, at the page after `after` (the first page when
/// `None`).
fn link(query: &CatalogQuery, after: Option<domain::browse::Cursor>) -> String {
    let mut pairs = query.first_page_pairs();
    if let Some(after) = after {
        pairs.push(("after", after.encode()));
    }
    if pairs.is_empty() {
        return "/courses".to_owned();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", Url::escape(v)))
        .collect();
    format!("/courses?{}", encoded.join("&"))
}

#[component]
fn Results(page: Page, query: CatalogQuery) -> impl IntoView {
    let i18n = use_i18n();
    let mixed = page.mixes_currencies();
    let next = page.next.map(|cursor| link(&query, Some(cursor)));
    let first = query.after.is_some().then(|| link(&query, None));
    let filtered = query.is_filtered();
    view! {
        <Link rel="canonical" href=link(&query, None)/>
        <div class="catalog-layout">
            <Filters query=query.clone() categories=page.categories.clone()/>
            <div class="catalog-results">
                <h2 class="result-count" data-testid="result-count" aria-live="polite">
                    {t!(i18n, courses_found, count = page.total)}
                </h2>
                {filtered.then(|| view! { <p><a href="/courses" data-testid="clear-filters">{t!(i18n, clear_filters)}</a></p> })}
                {mixed.then(|| view! { <p class="muted small" data-testid="currency-note">{t!(i18n, currency_note)}</p> })}
                <CourseGrid courses=page.courses/>
                <nav class="pager" aria-label=move || t_string!(i18n, pages_label)>
                    {first.map(|href| view! { <a class="button button-quiet" href=href>{t!(i18n, first_page)}</a> })}
                    {next.map(|href| view! { <a class="button button-quiet" href=href rel="next" data-testid="next-page">{t!(i18n, next_page)}</a> })}
                </nav>
            </div>
        </div>
    }
}

/// The filter form: a GET form, so its fields become the URL.
#[component]
fn Filters(query: CatalogQuery, categories: Vec<domain::Category>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || lang_of(i18n.get_locale());
    let category = query.category.as_ref().map(|c| c.to_string());
    let price_kind = query.price;
    let level_names = move |level: Level| match level {
        Level::Beginner => t_string!(i18n, level_beginner),
        Level::Intermediate => t_string!(i18n, level_intermediate),
        Level::Advanced => t_string!(i18n, level_advanced),
        Level::AllLevels => t_string!(i18n, level_all),
    };
    let sort_names = move |sort: Sort| match sort {
        Sort::Newest => t_string!(i18n, sort_newest),
        Sort::Popular => t_string!(i18n, sort_popular),
        Sort::Rating => t_string!(i18n, sort_rating),
        Sort::PriceLow => t_string!(i18n, sort_price_low),
        Sort::PriceHigh => t_string!(i18n, sort_price_high),
    };
    view! {
        <Form method="GET" action="/courses" attr:class="filters" attr:data-testid="filters">
            <label>
                {t!(i18n, filter_category)}
                <select name="category" data-testid="filter-category">
                    <option value="" selected=category.is_none()>{t!(i18n, all_categories)}</option>
                    {categories
                        .into_iter()
                        .map(|c| {
                            let slug = c.slug.to_string();
                            let selected = category.as_deref() == Some(slug.as_str());
                            let name = c.name.clone();
                            view! { <option value=slug selected=selected>{move || name.get(lang()).to_owned()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t!(i18n, filter_language)}
                <select name="lang" data-testid="filter-lang">
                    <option value="" selected=query.language.is_none()>{t!(i18n, any_language)}</option>
                    <option value="zh-CN" selected=query.language == Some(Lang::ZhCn)>"中文"</option>
                    <option value="en" selected=query.language == Some(Lang::En)>"English"</option>
                </select>
            </label>
            <label>
                {t!(i18n, filter_price)}
                <select name="price" data-testid="filter-price">
                    <option value="" selected=price_kind == PriceKind::Any>{t!(i18n, price_any)}</option>
                    <option value="free" selected=price_kind == PriceKind::Free>{t!(i18n, free)}</option>
                    <option value="paid" selected=price_kind == PriceKind::Paid>{t!(i18n, price_paid)}</option>
                </select>
            </label>
            <fieldset class="price-range">
                <legend>{t!(i18n, filter_price_range)}</legend>
                <select name="currency" aria-label=move || t_string!(i18n, filter_currency)>
                    {[Currency::Cny, Currency::Usd]
                        .into_iter()
                        .map(|c| view! { <option value=c.code() selected=query.currency == Some(c)>{c.code()}</option> })
                        .collect_view()}
                </select>
                <input type="number" name="min" min="0" inputmode="numeric" value=query.min_major.map(|v| v.to_string()) aria-label=move || t_string!(i18n, filter_min)/>
                <span aria-hidden="true">"–"</span>
                <input type="number" name="max" min="0" inputmode="numeric" value=query.max_major.map(|v| v.to_string()) aria-label=move || t_string!(i18n, filter_max)/>
            </fieldset>
            <label>
                {t!(i18n, filter_level)}
                <select name="level" data-testid="filter-level">
                    <option value="" selected=query.level.is_none()>{t!(i18n, any_level)}</option>
                    {Level::ALL
                        .into_iter()
                        .map(|l| view! { <option value=l.as_str() selected=query.level == Some(l)>{move || level_names(l)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t!(i18n, filter_rating)}
                <select name="rating" data-testid="filter-rating">
                    <option value="" selected=query.min_rating.is_none()>{t!(i18n, any_rating)}</option>
                    {[4u8, 3, 2]
                        .into_iter()
                        .map(|r| view! { <option value=r.to_string() selected=query.min_rating == Some(r)>{t!(i18n, rating_at_least, stars = r)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t!(i18n, sort_label)}
                <select name="sort" data-testid="sort">
                    {Sort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=query.sort == s>{move || sort_names(s)}</option> })
                        .collect_view()}
                </select>
            </label>
            <button class="button" type="submit" data-testid="apply-filters">{t!(i18n, apply_filters)}</button>
        </Form>
    }
}
