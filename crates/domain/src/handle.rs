//! Author handles: the readable address of an author page, `/authors/{handle}`.
//!
//! A handle starts with a letter, so it can never be read as an account id (`/authors/42`), and
//! words that would pass for Lore speaking (`admin`, `lore`, …) are kept back.

use serde::{Deserialize, Serialize};

/// Why a handle was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum HandleError {
    /// Shorter than [`Handle::MIN_LEN`] or longer than [`Handle::MAX_LEN`].
    #[error("a handle has {} to {} characters", Handle::MIN_LEN, Handle::MAX_LEN)]
    Length,
    /// Not a letter first, then letters, digits and single inner hyphens.
    #[error("a handle starts with a letter and holds only a-z, 0-9 and single hyphens")]
    Characters,
    /// A word Lore keeps for itself.
    #[error("this handle is reserved")]
    Reserved,
    /// Someone else has it.
    #[error("this handle is taken")]
    Taken,
}

/// Words no account may take: they would read as the platform or its staff.
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "lore",
    "moderator",
    "official",
    "root",
    "staff",
    "support",
    "system",
];

/// A checked handle: lowercase ASCII.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handle(String);

impl Handle {
    /// The shortest handle.
    pub const MIN_LEN: usize = 3;
    /// The longest handle.
    pub const MAX_LEN: usize = 30;

    /// Reads what someone typed: surrounding spaces and a leading `@` dropped, letters
    /// lowercased. `Ok(None)` for nothing typed (the author has no handle).
    pub fn parse(raw: &str) -> Result<Option<Self>, HandleError> {
        let raw = raw.trim();
        let raw = raw.strip_prefix('@').unwrap_or(raw).to_ascii_lowercase();
        if raw.is_empty() {
            return Ok(None);
        }
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&raw.chars().count()) {
            return Err(HandleError::Length);
        }
        let allowed = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts_with_letter = raw.starts_with(|c: char| c.is_ascii_lowercase());
        if !allowed || !starts_with_letter || raw.ends_with('-') || raw.contains("--") {
            return Err(HandleError::Characters);
        }
        if RESERVED.contains(&raw.as_str()) {
            return Err(HandleError::Reserved);
        }
        Ok(Some(Self(raw)))
    }

    /// The handle text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_type() {
        assert_eq!(
            Handle::parse("  @Ada-Lovelace ").map(|h| h.map(|h| h.0)),
            Ok(Some("ada-lovelace".to_owned()))
        );
        assert_eq!(Handle::parse("   "), Ok(None));
        assert_eq!(Handle::parse("ab"), Err(HandleError::Length));
        assert_eq!(Handle::parse(&"a".repeat(31)), Err(HandleError::Length));
        assert_eq!(Handle::parse("4242"), Err(HandleError::Characters));
        assert_eq!(Handle::parse("1ada"), Err(HandleError::Characters));
        assert_eq!(Handle::parse("ada--l"), Err(HandleError::Characters));
        assert_eq!(Handle::parse("ada-"), Err(HandleError::Characters));
        assert_eq!(Handle::parse("艾达老师"), Err(HandleError::Characters));
        assert_eq!(Handle::parse("Admin"), Err(HandleError::Reserved));
    }

    proptest! {
        /// No accepted handle reads as an account id, and each is already in its own form.
        #[test]
        fn accepted_handles_are_never_ids(raw in "[ @a-zA-Z0-9-]{0,34}") {
            if let Ok(Some(handle)) = Handle::parse(&raw) {
                prop_assert!(handle.as_str().parse::<i64>().is_err());
                prop_assert_eq!(Handle::parse(handle.as_str()), Ok(Some(handle.clone())));
            }
        }
    }
}
