//! `/lang/{tag}?next=…`: the language switch as a plain link, so it works before the page's
//! script has loaded (a slow phone waits seconds for hydration) and without JavaScript at all.
//! Once hydrated, the switch changes the language in place and this route is not used.

use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use serde::Deserialize;

/// How long the choice is remembered: a year, as the in-page switch stores it.
const MAX_AGE_SECS: i64 = 365 * 24 * 60 * 60;

/// Where to go back to.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Stores the language in the cookie the pages read it from and goes back to `next` (a
/// same-origin path only; anything else goes home). An unknown language is a 404.
pub async fn switch(Path(tag): Path<String>, Query(next): Query<Next>) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let target = domain::redirect::safe_next(next.next.as_deref());
    let cookie = format!(
        "{}={}; Path=/; Max-Age={MAX_AGE_SECS}; SameSite=Lax",
        app::LANG_COOKIE,
        lang.tag()
    );
    let (Ok(cookie), Ok(location)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(&target),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    (
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, cookie), (header::LOCATION, location)],
    )
        .into_response()
}
