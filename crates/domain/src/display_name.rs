//! The name a person shows to others: on courses, reviews and the header.

/// Why a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    /// Empty after trimming, or longer than [`MAX_CHARS`] characters.
    #[error("a display name needs 1 to {MAX_CHARS} characters")]
    Length,
    /// Holds a control character (a newline, say), which would break layouts and logs.
    #[error("a display name may not hold control characters")]
    Control,
    /// Nothing in it can be seen (only zero-width or format characters), so it would pass for
    /// anyone's name.
    #[error("a display name needs a visible character")]
    Invisible,
    /// Holds a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), which makes text
    /// display in another order than it is written.
    #[error("a display name may not reorder its text")]
    Bidi,
}

/// The longest display name accepted, in characters (any script).
pub const MAX_CHARS: usize = 64;

/// Trims `raw` and checks it: 1 to 64 characters, no control characters, no bidi overrides, and at
/// least one character that shows.
pub fn parse_display_name(raw: &str) -> Result<String, DisplayNameError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_CHARS {
        return Err(DisplayNameError::Length);
    }
    if name.chars().any(char::is_control) {
        return Err(DisplayNameError::Control);
    }
    if name
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(DisplayNameError::Bidi);
    }
    if !name.chars().any(is_visible) {
        return Err(DisplayNameError::Invisible);
    }
    Ok(name.to_owned())
}

/// Whether `c` draws something on its own: a letter, digit, punctuation mark or symbol, but not a
/// space, a format character, a combining mark or a filler such as U+3164 (Hangul filler, a letter
/// by category that renders as nothing).
fn is_visible(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    let fillers = matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{180E}'
    );
    !fillers
        && matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_refuses() {
        assert_eq!(parse_display_name("  林晓 "), Ok("林晓".to_owned()));
        assert_eq!(parse_display_name("   "), Err(DisplayNameError::Length));
        assert_eq!(
            parse_display_name(&"名".repeat(65)),
            Err(DisplayNameError::Length)
        );
        assert!(parse_display_name(&"名".repeat(64)).is_ok());
        assert_eq!(parse_display_name("a\nb"), Err(DisplayNameError::Control));
    }

    #[test]
    fn invisible_and_reordering_names_are_refused() {
        for invisible in [
            "\u{200b}",
            "\u{200b}\u{200c}\u{feff}",
            "\u{3164}",
            "\u{301}",
        ] {
            assert_eq!(
                parse_display_name(invisible),
                Err(DisplayNameError::Invisible),
                "{invisible:?}"
            );
        }
        assert_eq!(
            parse_display_name("\u{202e}nimda"),
            Err(DisplayNameError::Bidi)
        );
        assert_eq!(
            parse_display_name("a\u{2066}b"),
            Err(DisplayNameError::Bidi)
        );
        for good in ["Ann", "林晓", "😀", "J.", "محمد", "Zoë\u{200d}"] {
            assert!(parse_display_name(good).is_ok(), "{good:?}");
        }
    }
}
