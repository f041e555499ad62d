//! `/studio/coupons`: an author's coupons for their courses, or an admin's for every course; a
//! form to make one and a button to end one.

use crate::api::{CreateCoupon, EndCoupon, coupons};
use crate::components::ActionError;
use crate::i18n::*;
use crate::locale::lang_of;
use crate::pages::PageError;
use domain::coupon::{CouponTarget, CouponView, CouponsPage as Page, Discount};
use domain::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;

/// The coupon page.
#[component]
pub fn CouponsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCoupon>::new();
    let end = ServerAction::<EndCoupon>::new();
    let data = Resource::new(
        move || (create.version().get(), end.version().get()),
        |_| coupons(),
    );
    view! {
        <Title text=t_string!(i18n, coupons_title)/>
        <section class="container section">
            <p class="eyebrow"><a href="/studio">{t!(i18n, studio_title)}</a></p>
            <h1>{t!(i18n, coupons_title)}</h1>
            <Transition>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Coupons page create end/> }.into_any(),
                        Err(error) => view! { <PageError error next="/studio/coupons"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Coupons(
    page: Page,
    create: ServerAction<CreateCoupon>,
    end: ServerAction<EndCoupon>,
) -> impl IntoView {
    let i18n = use_i18n();
    let platform = page.platform;
    view! {
        <p class="muted">
            {if platform { t!(i18n, coupons_intro_platform).into_any() } else { t!(i18n, coupons_intro_author).into_any() }}
        </p>
        <section class="panel">
            <h2>{t!(i18n, coupon_new)}</h2>
            <ActionForm action=create attr:class="form" attr:data-testid="new-coupon">
                <label>
                    <span>{t!(i18n, coupon_code)}</span>
                    <input type="text" name="code" required minlength="3" maxlength="32" pattern="[A-Za-z0-9_\\-]+" autocomplete="off"/>
                </label>
                <fieldset class="choice-row">
                    <label><input type="radio" name="kind" value="percent" checked/> {t!(i18n, coupon_kind_percent)}</label>
                    <label><input type="radio" name="kind" value="fixed"/> {t!(i18n, coupon_kind_fixed)}</label>
                </fieldset>
                <label>
                    <span>{t!(i18n, coupon_amount)}</span>
                    <input type="text" name="amount" required inputmode="decimal" maxlength="12"/>
                </label>
                <label>
                    <span>{t!(i18n, coupon_currency)}</span>
                    <select name="currency">
                        <option value="CNY">"CNY"</option>
                        <option value="USD">"USD"</option>
                    </select>
                </label>
                <label>
                    <span>{t!(i18n, coupon_until)}</span>
                    <input type="date" name="until"/>
                </label>
                <label>
                    <span>{t!(i18n, coupon_max)}</span>
                    <input type="number" name="max_redemptions" min="1" step="1"/>
                </label>
                <label>
                    <span>{t!(i18n, coupon_scope)}</span>
                    <select name="course" data-testid="coupon-scope">
                        {if platform {
                            view! { <option value="">{t!(i18n, coupon_platform)}</option> }.into_any()
                        } else {
                            view! { <option value="">{t!(i18n, coupon_all_mine)}</option> }.into_any()
                        }}
                        {page.courses.into_iter().map(|(id, title)| view! {
                            <option value=id.to_string()>{title}</option>
                        }).collect_view()}
                    </select>
                </label>
                <ActionError result=create.value().into()/>
                {move || matches!(create.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="form-done" role="status">{t!(i18n, coupon_created)}</p>
                })}
                <button class="button" type="submit">{t!(i18n, coupon_create)}</button>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>{t!(i18n, coupons_title)}</h2>
            <ActionError result=end.value().into()/>
            {page.coupons.is_empty().then(|| view! { <p class="muted">{t!(i18n, coupons_empty)}</p> })}
            <ul class="coupon-list" data-testid="coupons">
                {page.coupons.into_iter().map(|coupon| view! { <CouponRow coupon end/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn CouponRow(coupon: CouponView, end: ServerAction<EndCoupon>) -> impl IntoView {
    let i18n = use_i18n();
    let off = match coupon.discount {
        Discount::Percent(share) => {
            let bp = share.get();
            let percent = if bp % 100 == 0 {
                (bp / 100).to_string()
            } else {
                format!("{}.{:02}", bp / 100, bp % 100)
                    .trim_end_matches('0')
                    .to_owned()
            };
            t!(i18n, coupon_off_percent, percent = percent).into_any()
        }
        Discount::Fixed(amount) => {
            let text = move || amount.format(lang_of(i18n.get_locale()));
            t!(i18n, coupon_off_amount, amount = text).into_any()
        }
    };
    let target = match coupon.target {
        CouponTarget::Platform => t!(i18n, coupon_platform).into_any(),
        CouponTarget::AllOfAuthor => t!(i18n, coupon_all_mine).into_any(),
        CouponTarget::Course(title) => title.into_any(),
    };
    let used = coupon.redeemed;
    let uses = match coupon.max_redemptions {
        Some(max) => t!(i18n, coupon_uses_of, used = used, max = max).into_any(),
        None => t!(i18n, coupon_uses, used = used).into_any(),
    };
    let id = coupon.id.to_string();
    view! {
        <li class="coupon-row" data-testid="coupon">
            <code class="coupon-code">{coupon.code.clone()}</code>
            <span>{off}</span>
            <span class="muted">{target}</span>
            <span class="muted">{uses}</span>
            {if coupon.over {
                view! { <span class="badge">{t!(i18n, coupon_over)}</span> }.into_any()
            } else {
                view! {
                    {coupon.expires_at.map(|end| view! { <span class="muted">{t!(i18n, coupon_ends, date = format_utc(end))}</span> })}
                    <ActionForm action=end attr:class="inline-form">
                        <input type="hidden" name="id" value=id.clone()/>
                        <button class="link-button small" type="submit">{t!(i18n, coupon_end)}</button>
                    </ActionForm>
                }
                .into_any()
            }}
        </li>
    }
}
