//! Rich text in, safe rich text out.
//!
//! Every piece of HTML Lore stores (lesson bodies, course descriptions, review reasons, imported
//! archives) goes through [`clean`] on the server before it is written, and only the result is
//! ever rendered. The allow-list is exactly what the studio's editor produces: paragraphs,
//! headings, marks, lists, quotes, code blocks with a language, links, tables and images from
//! Lore's own media routes. Anything else is dropped, its text kept. Code blocks leave [`clean`]
//! highlighted (classed spans), so highlighting costs once per save, not once per reader.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

mod highlight;

/// Sanitised HTML and the same text without markup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clean {
    /// The HTML, safe to render as is.
    pub html: String,
    /// The text of it, one line per block, for search, counts and reading time.
    pub text: String,
}

const TAGS: &[&str] = &[
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "mark",
    "span",
];

/// Where an image may come from: Lore's own media routes, so readers' browsers never fetch from a
/// third party (and the CSP's `img-src 'self'` holds).
const IMAGE_PREFIX: &str = "/media/";

/// Every rule but the per-value one, which each caller sets ([`keep_attribute`], or it wrapped).
fn rules() -> ammonia::Builder<'static> {
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", &["href", "title"][..]),
        ("img", &["src", "alt", "title", "width", "height"]),
        ("code", &["class"]),
        ("span", &["class"]),
        ("ol", &["start"]),
        ("th", &["colspan", "rowspan"]),
        ("td", &["colspan", "rowspan"]),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .tag_attributes(attributes)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .clean_content_tags(["script", "style", "template", "iframe", "object"].into());
    builder
}

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = rules();
    builder.attribute_filter(keep_attribute);
    builder
});

/// The per-value rules the tag and attribute lists cannot say.
fn keep_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        ("img", "src") => {
            let path = value.strip_prefix(IMAGE_PREFIX)?;
            let plain = !path.contains("..")
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
            plain.then_some(Cow::Borrowed(value))
        }
        // A relative link could point at an action of Lore's own; only absolute web links and
        // in-page anchors remain.
        ("a", "href") => {
            let lower = value.trim_start().to_ascii_lowercase();
            let allowed = ["http://", "https://", "mailto:", "#"]
                .iter()
                .any(|prefix| lower.starts_with(prefix));
            allowed.then_some(Cow::Borrowed(value))
        }
        ("code", "class") => {
            let language = value.strip_prefix("language-")?;
            let plain = !language.is_empty()
                && language.len() <= 32
                && language
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+#-_".contains(&b));
            plain.then_some(Cow::Borrowed(value))
        }
        // Only highlighting's classes: a span is otherwise plain text to the stylesheet.
        ("span", "class") => {
            let ours = value.split_ascii_whitespace().all(|class| {
                class
                    .strip_prefix(highlight::CLASS_PREFIX)
                    .is_some_and(|part| {
                        !part.is_empty()
                            && part
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"+#-_".contains(&b))
                    })
            });
            ours.then_some(Cow::Borrowed(value))
        }
        ("img" | "th" | "td" | "ol", "width" | "height" | "colspan" | "rowspan" | "start") => {
            let number = value.len() <= 5 && value.bytes().all(|b| b.is_ascii_digit());
            number.then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Sanitises `html`, highlights its code blocks and renders its text.
pub fn clean(html: &str) -> Clean {
    let html = SANITISER.clean(html).to_string();
    let html = match highlight::code_blocks(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(highlighted) => highlighted,
    };
    let text = plain_text(&html);
    Clean { html, text }
}

/// Stored HTML made ready for one reader: sanitised again with the same rules (so a row, however
/// it was written, is safe to render), and each picture's `/media/…` source replaced by what
/// `sign` makes of the part after `/media/` (a signed address); a picture `sign` refuses loses its
/// source.
pub fn for_readers<F>(html: &str, sign: F) -> String
where
    F: Fn(&str) -> Option<String> + Send + Sync + 'static,
{
    with_image_sources(html, move |src| {
        let kept = keep_attribute("img", "src", src)?;
        sign(kept.strip_prefix(IMAGE_PREFIX)?)
    })
}

/// `html` sanitised with [`clean`]'s rules except that every picture source, whatever it is, is
/// replaced by what `map` makes of it (or dropped). For moving bodies in and out of course
/// archives, whose pictures name files in the archive: pass the result of an import through
/// [`clean`] before storing it.
pub fn with_image_sources<F>(html: &str, map: F) -> String
where
    F: Fn(&str) -> Option<String> + Send + Sync + 'static,
{
    let mut builder = rules();
    builder.attribute_filter(move |element, attribute, value| {
        if (element, attribute) == ("img", "src") {
            map(value).map(Cow::Owned)
        } else {
            keep_attribute(element, attribute, value)
        }
    });
    builder.clean(html).to_string()
}

/// What follows `/media/` in each picture source of sanitised HTML, in order: the files a
/// reader's copy will ask [`for_readers`]'s `sign` about. Relies on [`clean`]'s output quoting
/// every attribute with `"`; a source it misses is only left unsigned (a picture without a source).
pub fn media_sources(html: &str) -> Vec<&str> {
    const SRC: &str = "src=\"/media/";
    html.match_indices(SRC)
        .filter_map(|(at, _)| {
            let rest = &html[at + SRC.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The text of sanitised HTML: tags removed, block ends as line breaks, entities decoded. Only for
/// [`clean`]'s output, which is well-formed and quotes every `<` and `&` in text.
fn plain_text(html: &str) -> String {
    const BLOCK_ENDS: &[&str] = &[
        "</p>",
        "<br>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</li>",
        "</pre>",
        "</blockquote>",
        "</tr>",
        "<hr>",
        "</td>",
        "</th>",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            if BLOCK_ENDS.iter().any(|b| tag.starts_with(b)) {
                if tag.starts_with("</td") || tag.starts_with("</th") {
                    out.push(' ');
                } else {
                    out.push('\n');
                }
            }
            rest = &rest[end..];
        } else {
            let (decoded, used) = entity(rest);
            out.push_str(decoded);
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// The character the entity at the start of `rest` stands for, and the entity's length: the
/// entities the sanitiser's serialiser writes. An `&` that starts none stands for itself.
fn entity(rest: &str) -> (&'static str, usize) {
    let end = rest.find(';').filter(|i| *i <= 8);
    match end.map(|i| &rest[..=i]) {
        Some("&amp;") => ("&", 5),
        Some("&lt;") => ("<", 4),
        Some("&gt;") => (">", 4),
        Some("&quot;") => ("\"", 6),
        Some("&#39;") => ("'", 5),
        Some("&nbsp;") => ("\u{a0}", 6),
        _ => ("&", 1),
    }
}

/// Text with the serialiser's entities decoded (text only: no tags in it).
fn decode_entities(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (decoded, used) = entity(&rest[at..]);
        out.push_str(decoded);
        rest = &rest[at + used..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_editor_makes_survives() {
        let html = "<h2>标题</h2><p><strong>bold</strong> <em>i</em> <u>u</u> <s>s</s></p>\
                    <pre><code class=\"language-rust\">fn main() {}</code></pre>\
                    <ul><li><p>one</p></li></ul><blockquote><p>q</p></blockquote>\
                    <table><tbody><tr><td colspan=\"2\"><p>cell</p></td></tr></tbody></table>\
                    <p><img src=\"/media/12\" alt=\"a cat\"></p>";
        let highlighted = html.replace(
            "fn main() {}",
            "<span class=\"hl-k\">fn</span> <span class=\"hl-f\">main</span>() {}",
        );
        assert_eq!(clean(html).html, highlighted);
        // Cleaning again, or on the way to a reader, keeps the highlighting and adds nothing.
        assert_eq!(clean(&highlighted).html, highlighted);
        assert_eq!(
            for_readers(&highlighted, |id| Some(format!("/media/{id}"))),
            highlighted
        );
        assert_eq!(clean(html).text, clean("<h2>标题</h2><p><strong>bold</strong> <em>i</em> <u>u</u> <s>s</s></p><pre><code>fn main() {}</code></pre><ul><li><p>one</p></li></ul><blockquote><p>q</p></blockquote><table><tbody><tr><td colspan=\"2\"><p>cell</p></td></tr></tbody></table>").text);
    }

    #[test]
    fn spans_keep_only_highlighting_classes() {
        assert_eq!(
            clean("<p><span class=\"hl-k evil\" style=\"color:red\">a</span><span class=\"hl-s\">b</span></p>").html,
            "<p><span>a</span><span class=\"hl-s\">b</span></p>"
        );
    }

    #[test]
    fn links_get_a_safe_rel() {
        assert_eq!(
            clean("<a href=\"https://example.com\">x</a>").html,
            "<a href=\"https://example.com\" rel=\"noopener noreferrer nofollow\">x</a>"
        );
    }

    #[test]
    fn scripts_handlers_and_foreign_images_go() {
        let out = clean(
            "<p onclick=\"x()\">hi<script>alert(1)</script></p><img src=\"https://evil.example/t.png\">\
             <a href=\"javascript:alert(1)\">j</a><a href=\"/account/disable\">rel</a>\
             <code class=\"language-x\\\"onload\">c</code><style>p{}</style>",
        );
        assert_eq!(
            out.html,
            "<p>hi</p><img><a rel=\"noopener noreferrer nofollow\">j</a>\
             <a rel=\"noopener noreferrer nofollow\">rel</a><code>c</code>"
        );
    }

    #[test]
    fn readers_get_signed_pictures_and_nothing_unsafe() {
        let stored = "<p>x<img src=\"/media/12\" alt=\"a\"><img src=\"/media/13\"></p>\
                      <p onclick=\"y()\">z<script>alert(1)</script></p>";
        let out = for_readers(stored, |id| {
            (id == "12").then(|| format!("/media/{id}?expires=9&sig=ab"))
        });
        assert_eq!(
            out,
            "<p>x<img src=\"/media/12?expires=9&amp;sig=ab\" alt=\"a\"><img></p><p>z</p>"
        );
        assert_eq!(media_sources(&clean(stored).html), ["12", "13"]);
    }

    #[test]
    fn archive_sources_are_mapped_both_ways_and_the_rest_stays_clean() {
        let stored = "<p><img src=\"/media/12\" alt=\"a\"><img src=\"/media/99\"></p>\
                      <p onclick=\"y()\">z</p>";
        let exported = with_image_sources(stored, |src| {
            (src == "/media/12").then(|| "media/3-cat.png".to_owned())
        });
        assert_eq!(
            exported,
            "<p><img src=\"media/3-cat.png\" alt=\"a\"><img></p><p>z</p>"
        );
        let imported = with_image_sources(&exported, |src| {
            (src == "media/3-cat.png").then(|| "/media/40".to_owned())
        });
        assert_eq!(
            clean(&imported).html,
            "<p><img src=\"/media/40\" alt=\"a\"><img></p><p>z</p>"
        );
    }

    #[test]
    fn text_has_one_line_per_block_and_no_markup() {
        let out = clean(
            "<h2>Rust &amp; 你好</h2><p>a &lt;b&gt; c</p><ul><li>x</li><li>y</li></ul>\
             <table><tr><td>1</td><td>2</td></tr></table>",
        );
        assert_eq!(out.text, "Rust & 你好\na <b> c\nx\ny\n1 2");
    }
}
