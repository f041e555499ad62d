//! Translated messages for answers that are not pages: the media API's JSON errors. The language
//! is the reader's (the language cookie, else Accept-Language), as on pages.

use crate::LANG_COOKIE;
use crate::i18n::Locale;
use domain::Lang;
use leptos_i18n::td_string;

/// What went wrong with a media request, in words a person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaMessage {
    /// Not signed in.
    SignIn,
    /// Signed in, but this role may not upload this kind of file.
    Forbidden,
    /// `kind` is missing or not one Lore knows.
    UnknownKind,
    /// No bytes were sent.
    Empty,
    /// The content is not of a type this kind accepts.
    WrongType,
    /// Larger than this kind may be.
    TooLarge,
    /// The upload stopped before the end.
    Interrupted,
    /// Too many uploads for now.
    Throttled,
    /// No such file (or not one the reader may see).
    NotFound,
    /// A course still shows or plays the file.
    InUse,
    /// The platform failed.
    Unavailable,
}

/// The reader's language: the language cookie the switch writes, else their Accept-Language.
pub fn request_lang(headers: &http::HeaderMap) -> Lang {
    let from_cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| Lang::negotiate(value));
    from_cookie
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or(Lang::En)
}

/// `message` in `lang`.
pub fn media(lang: Lang, message: MediaMessage) -> String {
    let locale = match lang {
        Lang::En => Locale::en,
        Lang::ZhCn => Locale::zh_CN,
    };
    let text = match message {
        MediaMessage::SignIn => td_string!(locale, media_sign_in),
        MediaMessage::Forbidden => td_string!(locale, media_forbidden),
        MediaMessage::UnknownKind => td_string!(locale, media_unknown_kind),
        MediaMessage::Empty => td_string!(locale, media_empty),
        MediaMessage::WrongType => td_string!(locale, media_wrong_type),
        MediaMessage::TooLarge => td_string!(locale, media_too_large),
        MediaMessage::Interrupted => td_string!(locale, media_interrupted),
        MediaMessage::Throttled => td_string!(locale, media_throttled),
        MediaMessage::NotFound => td_string!(locale, media_not_found),
        MediaMessage::InUse => td_string!(locale, media_in_use),
        MediaMessage::Unavailable => td_string!(locale, media_unavailable),
    };
    text.to_string()
}
