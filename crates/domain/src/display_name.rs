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
}

/// The longest display name accepted, in characters (any script).
pub const MAX_CHARS: usize = 64;

/// Trims `raw` and checks it: 1 to 64 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, DisplayNameError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_CHARS {
        return Err(DisplayNameError::Length);
    }
    if name.chars().any(char::is_control) {
        return Err(DisplayNameError::Control);
    }
    Ok(name.to_owned())
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
}
