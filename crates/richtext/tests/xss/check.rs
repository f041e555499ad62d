//! The XSS payloads and the check every sanitised output must pass, shared by the sanitiser's own
//! test (`richtext/tests/xss.rs`) and the server's save-publish-render test
//! (`server/tests/suite/studio.rs`), so both hold the same line.

/// One payload per line of `xss_payloads.txt`, comments dropped.
pub fn payloads() -> Vec<&'static str> {
    include_str!("../xss_payloads.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// What must never appear in sanitised HTML (compared in lowercase).
pub const FORBIDDEN: &[&str] = &[
    "<script",
    "</script",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<style",
    "<link",
    "<meta",
    "<base",
    "<form",
    "<input",
    "<button",
    "<select",
    "<textarea",
    "<details",
    "<video",
    "<audio",
    "<source",
    "<body",
    "<marquee",
    "<template",
    "<noscript",
    "<xmp",
    "style=",
    "srcdoc",
    "srcset",
    "background=",
    "formaction",
    "target=",
    "evil.example",
    "expression(",
    "<!--",
    "autofocus",
    "id=",
];

/// Panics, naming `payload`, if `out` (what became of it) could run script, load a foreign
/// resource or restyle the page.
pub fn assert_inert(payload: &str, out: &str) {
    let lower = out.to_lowercase();
    for bad in FORBIDDEN {
        assert!(
            !lower.contains(bad),
            "{payload:?} -> {out:?} contains {bad:?}"
        );
    }
    // An event handler is ` on…=` inside a tag; text may say "onfocus" harmlessly.
    let in_tags: String = lower
        .split('<')
        .skip(1)
        .filter_map(|tag| tag.split('>').next())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        !in_tags
            .split_whitespace()
            .any(|word| word.starts_with("on")),
        "{payload:?} -> {out:?} keeps an event handler"
    );
    for src in in_tags.split("src=\"").skip(1) {
        assert!(
            src.starts_with("/media/"),
            "{payload:?} -> {out:?} loads from elsewhere"
        );
    }
}
