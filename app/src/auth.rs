//! Who is asking: the signed-in person the server's session layer found, their client, and the
//! session cookie. Server side only; pages learn who is signed in through [`crate::api::me`].

use crate::AppError;
use leptos::prelude::*;
use services::{Client, CurrentSession};

/// The session cookie's name and flags. Under TLS it takes the `__Host-` prefix and `Secure`, which
/// bind it to this exact host over HTTPS; on plain `http://localhost` browsers would drop such a
/// cookie, so it goes without.
#[derive(Clone, Copy, Debug)]
pub struct SessionCookie {
    /// Whether Lore is served over TLS.
    pub secure: bool,
}

/// The session token found in the request's cookie, if any (signed in or not).
#[derive(Clone, Debug)]
pub struct SessionToken(pub String);

impl SessionCookie {
    /// The cookie name.
    pub fn name(self) -> &'static str {
        if self.secure {
            "__Host-lore_session"
        } else {
            "lore_session"
        }
    }

    /// A `Set-Cookie` value carrying `token`. No `Max-Age`: the server ends sessions (7 days idle,
    /// 30 days at most), and the cookie lives until the browser closes or the session ends.
    pub fn set(self, token: &str) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
            self.name()
        )
    }

    /// A `Set-Cookie` value that removes the cookie.
    pub fn clear(self) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            self.name()
        )
    }

    /// The token in a `Cookie` header, if this cookie is there.
    pub fn read(self, cookie_header: &str) -> Option<&str> {
        cookie_header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == self.name()).then_some(value)
        })
    }
}

fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<T>().cloned())
}

/// The signed-in person, if any.
pub fn current_session() -> Option<CurrentSession> {
    request_extension::<CurrentSession>()
}

/// The signed-in person, or 401.
pub fn require_session() -> Result<CurrentSession, AppError> {
    current_session().ok_or_else(|| AppError::from_service(services::ServiceError::Unauthorized))
}

/// Where the request came from.
pub fn client() -> Client {
    request_extension::<Client>().unwrap_or_default()
}

/// The raw session token of this request, for signing out.
pub fn session_token() -> Option<String> {
    request_extension::<SessionToken>().map(|t| t.0)
}

fn cookie_policy() -> SessionCookie {
    use_context::<SessionCookie>().unwrap_or(SessionCookie { secure: false })
}

/// Gives the browser a new session cookie.
pub fn set_session_cookie(token: &str) {
    append_set_cookie(&cookie_policy().set(token));
}

/// Tells the browser to forget its session cookie.
pub fn clear_session_cookie() {
    append_set_cookie(&cookie_policy().clear());
}

fn append_set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// The interface language of this request, for mails: the language cookie, else Accept-Language,
/// else English (the same order the pages use; server functions run outside the i18n provider).
pub fn request_lang() -> domain::Lang {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return domain::Lang::En;
    };
    let header = |name| {
        parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(";")
    };
    let cookies = header(http::header::COOKIE);
    let from_cookie = cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == crate::LANG_COOKIE)
            .then(|| domain::Lang::from_tag(value))
            .flatten()
    });
    from_cookie
        .or_else(|| domain::Lang::negotiate(&header(http::header::ACCEPT_LANGUAGE)))
        .unwrap_or_default()
}

/// A local path to go to after signing in, or `/`: see [`domain::redirect`] for what is refused.
pub fn safe_next(next: Option<&str>) -> String {
    domain::redirect::safe_next(next)
}
