//! Where a visitor may be sent after signing in (`?next=`), and later after checkout.
//!
//! Browsers are generous readers of a `Location` header: they drop tabs and line breaks, read `\` as
//! `/`, and take `//host` as another site. A value is therefore accepted only when it is a plain
//! same-origin path that no such reading can turn into another origin, in its raw form and in every
//! percent-decoded form. Anything else sends the visitor home. Control characters are refused too,
//! because they cannot go into an HTTP header at all.

/// Where to go when `next` is missing or refused.
pub const HOME: &str = "/";

/// The longest target kept; longer ones go home (no Lore address is anywhere near this long).
const MAX_LEN: usize = 2048;

/// How many rounds of percent-decoding are inspected. A browser decodes at most once, but a target
/// may pass through another redirect on the way.
const DECODE_ROUNDS: usize = 3;

/// `next` if it is a same-origin path safe to put in a `Location` header, otherwise [`HOME`].
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_safe_path(path) => path.to_owned(),
        _ => HOME.to_owned(),
    }
}

fn is_safe_path(path: &str) -> bool {
    if path.len() > MAX_LEN || !is_plain_path(path, true) {
        return false;
    }
    let mut current = path.to_owned();
    for _ in 0..DECODE_ROUNDS {
        let decoded = percent_decode(&current);
        if decoded == current {
            return true;
        }
        if !is_plain_path(&decoded, false) {
            return false;
        }
        current = decoded;
    }
    // Still changing after several rounds: nobody writes such a link in good faith.
    false
}

/// A path starting with one `/` (not `//` or `/\`), with no control or format characters and no
/// backslash anywhere. Raw whitespace is refused too; once decoded, a space (`%20` in a search
/// query, say) is harmless and kept.
fn is_plain_path(path: &str, raw: bool) -> bool {
    let mut chars = path.chars();
    if chars.next() != Some('/') || matches!(chars.next(), Some('/' | '\\')) {
        return false;
    }
    !path.chars().any(|c| {
        c == '\\'
            || c.is_control()
            || (raw && c.is_whitespace())
            || is_invisible_format(c)
            || c == '\u{FFFD}'
    })
}

/// Format characters (zero-width spaces, bidi controls, the BOM) that would hide what a link says.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// One round of percent-decoding; invalid UTF-8 becomes U+FFFD, which [`is_plain_path`] refuses.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) if hex(hi).is_some() && hex(lo).is_some() => {
                let value = hex(hi).unwrap_or(0) * 16 + hex(lo).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_paths_are_kept() {
        for good in [
            "/account",
            "/courses/rust-入门?page=2#syllabus",
            "/search?q=a%20b",
            "/courses/%E6%9C%BA",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
        assert_eq!(safe_next(None), HOME);
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "account",
            "",
            "/\t/127.0.0.1:3301/pwned-js",
            "/%09/127.0.0.1:3301/pwned-js",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%252F/evil.example",
            "/%25252F/evil.example",
            "/\r\nSet-Cookie: pwned=1",
            "/%0D%0ASet-Cookie:%20pwned=1",
            "/\u{1}",
            "/%01",
            "/\u{7f}",
            "/%7F",
            "/a b",
            "/\u{202E}moc.live",
            "/%E2%80%AEmoc.live",
            "/%FF",
        ] {
            assert_eq!(safe_next(Some(bad)), HOME, "{bad:?}");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), HOME);
    }

    proptest! {
        /// Whatever comes in, what goes out is a header-safe path that a WHATWG URL parser (what
        /// browsers use) resolves to this very origin, even after percent-decoding it.
        #[test]
        fn the_target_never_leaves_the_origin(raw in ".{0,40}", prefix in prop::sample::select(
            vec!["", "/", "//", "/\\", "/%2F", "/%09", "\\", "/%0d%0a"],
        )) {
            let input = format!("{prefix}{raw}");
            let out = safe_next(Some(&input));
            prop_assert!(out == HOME || out == input);
            prop_assert!(out.bytes().all(|b| b >= 0x20 && b != 0x7f), "header-safe: {out:?}");
            let base = url::Url::parse("https://lore.example/").unwrap();
            for candidate in [out.clone(), percent_decode(&out)] {
                let resolved = base.join(&candidate);
                prop_assert!(resolved.is_ok_and(|url| url.origin() == base.origin()), "{candidate:?}");
            }
        }
    }
}
