//! SECURITY-TESTS 20–21: every payload in `xss_payloads.txt` goes through the one sanitiser every
//! save and import uses, and nothing that could run script, load a foreign resource or restyle the
//! page comes out.

/// What must never appear in sanitised HTML (compared in lowercase).
const FORBIDDEN: &[&str] = &[
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

#[test]
fn no_payload_survives_the_sanitiser() {
    let payloads: Vec<&str> = include_str!("xss_payloads.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert!(payloads.len() >= 50, "only {} payloads", payloads.len());
    for payload in payloads {
        let out = richtext::clean(payload).html;
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
        // Sanitising is idempotent: what was stored comes back the same when saved again.
        assert_eq!(richtext::clean(&out).html, out, "{payload:?}");
    }
}
