//! Code blocks coloured on the server, once, when their HTML is cleaned: readers' browsers get a
//! few short classed `<span>`s and a few lines of CSS, and no highlighter ships to them.
//!
//! syntect parses each block with Sublime Text's grammars; each run of text gets one class from
//! the innermost scope that matters to a reader (comment, string, number, keyword, function,
//! type), so a block grows by a few bytes per token rather than by syntect's full scope stacks.
//! Classes only, never inline styles: the CSP forbids those, and classes follow light and dark.

use std::borrow::Cow;
use std::sync::LazyLock;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The grammars syntect bundles (Sublime Text's defaults), loaded on first use.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Scope prefixes and the class their text gets, most specific first; `None` keeps the text
/// plain even inside a coloured scope (operators are read as punctuation).
static KINDS: LazyLock<Vec<(Scope, Option<&'static str>)>> = LazyLock::new(|| {
    [
        ("comment", Some("hl-c")),
        ("string", Some("hl-s")),
        ("constant", Some("hl-n")),
        ("keyword.operator", None),
        ("keyword", Some("hl-k")),
        ("storage", Some("hl-k")),
        ("entity.name.function", Some("hl-f")),
        ("support.function", Some("hl-f")),
        ("entity.name", Some("hl-t")),
        ("support.type", Some("hl-t")),
        ("support.class", Some("hl-t")),
    ]
    .into_iter()
    .filter_map(|(name, class)| Some((Scope::new(name).ok()?, class)))
    .collect()
});

/// What every highlighting class starts with; the sanitiser keeps only such classes on spans.
pub(crate) const CLASS_PREFIX: &str = "hl-";

/// How a code block the editor makes opens (after [`crate::clean`] has normalised it).
const OPEN: &str = "<pre><code class=\"language-";

/// Blocks longer than this stay plain: highlighting is for reading, not for data dumps.
const MAX_BLOCK_BYTES: usize = 64 * 1024;
/// `html` (sanitised) with each code block whose language is known highlighted. A block that
/// already holds markup (highlighted before, or odd) is left as it is, so cleaning twice is the
/// same as cleaning once.
pub(crate) fn code_blocks(html: &str) -> Cow<'_, str> {
    if !html.contains(OPEN) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let Some(quote) = after.find("\">") else {
            break;
        };
        let body = quote + 2;
        let Some(len) = after[body..].find("</code>") else {
            break;
        };
        let code = &after[body..body + len];
        out.push_str(&rest[..at + OPEN.len() + body]);
        match coloured(&after[..quote], code) {
            Some(spans) => out.push_str(&spans),
            None => out.push_str(code),
        }
        rest = &after[body + len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The escaped text of one block, highlighted as `language`, if it is plain text of a language
/// syntect knows.
fn coloured(language: &str, escaped: &str) -> Option<String> {
    if escaped.contains('<') || escaped.len() > MAX_BLOCK_BYTES {
        return None;
    }
    // The editor offers TypeScript, which Sublime's defaults lack; its JavaScript grammar reads
    // the common part of TypeScript well enough.
    let token = match language {
        "typescript" | "ts" => "js",
        other => other,
    };
    let syntax = SYNTAXES.find_syntax_by_token(token)?;
    let code = crate::decode_entities(escaped);
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Spans::default();
    for line in LinesWithEndings::from(&code) {
        let mut from = 0;
        for (at, op) in state.parse_line(line, &SYNTAXES).ok()? {
            out.push(&line[from..at], kind(&stack));
            stack.apply(&op).ok()?;
            from = at;
        }
        out.push(&line[from..], kind(&stack));
    }
    Some(out.finish())
}

/// The class of text under `stack`: that of the innermost scope with one.
fn kind(stack: &ScopeStack) -> Option<&'static str> {
    stack.as_slice().iter().rev().find_map(|scope| {
        KINDS
            .iter()
            .find(|(prefix, _)| prefix.is_prefix_of(*scope))
            .map(|(_, class)| *class)
    })?
}

/// Escaped text with runs of one class wrapped in one span.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<&'static str>,
}

impl Spans {
    fn push(&mut self, text: &str, class: Option<&'static str>) {
        if text.is_empty() {
            return;
        }
        if class != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if let Some(class) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
            }
            self.open = class;
        }
        for c in text.chars() {
            match c {
                '&' => self.html.push_str("&amp;"),
                '<' => self.html.push_str("&lt;"),
                '>' => self.html.push_str("&gt;"),
                c => self.html.push(c),
            }
        }
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_and_comments_get_one_class_each() {
        let html = "<pre><code class=\"language-rust\">// hi &lt;3\nfn main() { let s = \"a&amp;b\"; }</code></pre>";
        assert_eq!(
            code_blocks(html),
            "<pre><code class=\"language-rust\"><span class=\"hl-c\">// hi &lt;3\n</span>\
             <span class=\"hl-k\">fn</span> <span class=\"hl-f\">main</span>() { \
             <span class=\"hl-k\">let</span> s = <span class=\"hl-s\">\"a&amp;b\"</span>; }\
             </code></pre>"
        );
    }

    #[test]
    fn unknown_languages_marked_up_blocks_and_plain_code_stay_as_they_are() {
        for html in [
            "<pre><code class=\"language-klingon\">qapla'</code></pre>",
            "<pre><code class=\"language-rust\"><span class=\"hl-k\">fn</span></code></pre>",
            "<pre><code>fn main() {}</code></pre>",
            "<p>no code</p>",
        ] {
            assert_eq!(code_blocks(html), html);
        }
    }

    #[test]
    fn typescript_reads_as_javascript_and_python_is_known() {
        let ts = code_blocks("<pre><code class=\"language-typescript\">const x = 1;</code></pre>");
        assert!(ts.contains("<span class=\"hl-k\">const</span>"), "{ts}");
        let py = code_blocks("<pre><code class=\"language-python\">def f(): pass</code></pre>");
        assert!(py.contains("<span class=\"hl-f\">f</span>"), "{py}");
    }
}
