//! URL slugs: the readable, stable part of `/courses/{slug}`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SlugError {
    /// Empty or longer than [`Slug::MAX_LEN`].
    #[error("a slug must have 1 to {} characters", Slug::MAX_LEN)]
    Length,
    /// A character other than `a-z`, `0-9` and `-`, or a hyphen at either end or doubled.
    #[error("a slug may hold only a-z, 0-9 and single inner hyphens")]
    Characters,
}

/// A URL-safe identifier: lowercase ASCII letters and digits joined by single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// The longest slug accepted, so URLs stay readable.
    pub const MAX_LEN: usize = 96;

    /// Checks `raw` against the slug rules.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err(SlugError::Length);
        }
        let allowed = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !allowed || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(SlugError::Characters);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Slug::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_refuses() {
        assert!(Slug::parse("rust-101").is_ok());
        assert_eq!(Slug::parse(""), Err(SlugError::Length));
        assert_eq!(Slug::parse("Rust"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("-a"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("课程"), Err(SlugError::Characters));
        assert_eq!(Slug::parse(&"a".repeat(97)), Err(SlugError::Length));
    }

    proptest! {
        #[test]
        fn parsed_slugs_are_url_safe(raw in "\\PC{0,40}") {
            if let Ok(slug) = Slug::parse(&raw) {
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            }
        }
    }
}
