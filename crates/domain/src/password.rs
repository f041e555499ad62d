//! The password rules: 8 to 128 characters of any script, and not one of the 10,000 most common.
//!
//! Length is counted in characters, not bytes, so a Chinese passphrase is judged like an English one.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters (a limit that keeps hashing cheap to refuse).
    #[error("a password may have at most {MAX_CHARS} characters")]
    TooLong,
    /// On the list of the most common passwords.
    #[error("this password is one of the most common ones")]
    TooCommon,
}

/// The shortest password accepted.
pub const MIN_CHARS: usize = 8;
/// The longest password accepted.
pub const MAX_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// Checks a password someone wants to set. Existing passwords are never re-checked at sign-in.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_list_holds_ten_thousand_entries() {
        assert_eq!(COMMON.len(), 10_000);
    }

    #[test]
    fn refuses_short_long_and_common() {
        assert_eq!(check_new_password("short"), Err(PasswordError::TooShort));
        assert_eq!(
            check_new_password("password"),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            check_new_password("PassWord1"),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(
            check_new_password(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(check_new_password("correct horse battery"), Ok(()));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(
            check_new_password("学而时习之不亦说"),
            Ok(()),
            "8 Chinese characters"
        );
        assert_eq!(
            check_new_password("学而时习之不亦"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            check_new_password(&"密".repeat(128)),
            Ok(()),
            "384 bytes, 128 characters"
        );
        assert_eq!(check_new_password(&"z".repeat(64)), Ok(()));
    }

    proptest! {
        #[test]
        fn length_rule_is_exact(len in 0usize..200) {
            let candidate = "q".repeat(len);
            let result = check_new_password(&candidate);
            if len < MIN_CHARS {
                prop_assert_eq!(result, Err(PasswordError::TooShort));
            } else if len > MAX_CHARS {
                prop_assert_eq!(result, Err(PasswordError::TooLong));
            }
        }
    }
}
