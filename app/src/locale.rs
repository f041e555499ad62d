//! How Lore picks and remembers the interface language: a cookie the switch writes, else the
//! browser's Accept-Language, else English.

use crate::i18n::Locale;
use domain::Lang;
use leptos_i18n::context::{CookieOptions, UseLocalesOptions};

/// One year, in the milliseconds the cookie API counts in.
const COOKIE_MAX_AGE_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// The language cookie: site-wide (so a switch on any page holds everywhere) and kept for a year.
pub fn cookie_options() -> CookieOptions<Locale> {
    CookieOptions::default()
        .path("/")
        .max_age(COOKIE_MAX_AGE_MS)
}

/// Reads Accept-Language through [`Lang::negotiate`], so `zh`, `zh-TW` or `zh-Hans` get Chinese
/// (leptos_i18n alone would match only `zh-CN` exactly) and q-values are honoured.
pub fn header_getter() -> UseLocalesOptions {
    UseLocalesOptions::default().ssr_lang_header_getter(negotiated_accept_language)
}

fn negotiated_accept_language() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let header = parts
            .headers
            .get(http::header::ACCEPT_LANGUAGE)?
            .to_str()
            .ok()?;
        Lang::negotiate(header).map(|lang| lang.tag().to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        // The browser takes the language from the server-rendered <html lang>.
        None
    }
}

/// The domain language for an interface locale, for choosing between stored translations.
pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::en => Lang::En,
        Locale::zh_CN => Lang::ZhCn,
    }
}
