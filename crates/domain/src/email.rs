//! Email addresses, checked once at the edge and trusted afterwards.
//!
//! Two accounts must never look the same in the admin list or in a mail client. So an address is
//! NFKC-normalised first (fullwidth `ａｄｍｉｎ` becomes `admin`), each part may mix scripts only
//! the way real names do (UTS #39 "highly restrictive": Latin with Han, kana or Hangul, but not
//! Latin with Cyrillic), and [`Email::skeleton`] gives the form two look-alike addresses share, which
//! the store keeps unique.

use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not of the shape `local@domain.tld`, or longer than 254 characters.
    #[error("not a valid email address")]
    Invalid,
    /// Letters from scripts that are not written together (Latin `a` beside Cyrillic `а`): the
    /// address could pass for another one.
    #[error("an email address may not mix look-alike scripts")]
    MixedScripts,
}

/// An email address: NFKC-normalised, trimmed, with a lowercased domain, of the shape
/// `local@domain.tld`, and without look-alike mixed scripts.
///
/// Deliverability is proved by the confirmation mail, not by a pattern, so the check here only
/// catches typing mistakes and impersonation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Checks and normalises `raw`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let normalised: String = raw.nfkc().collect();
        let raw = normalised.trim();
        if raw.len() > 254 || raw.chars().any(char::is_whitespace) {
            return Err(EmailError::Invalid);
        }
        let (local, domain) = raw.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || !domain_ok
            || raw.chars().any(|c| c.is_control() || is_format(c))
        {
            return Err(EmailError::Invalid);
        }
        if !single_looking(local) || !domain.split('.').all(single_looking) {
            return Err(EmailError::MixedScripts);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The UTS #39 skeleton of the lowercased address: two addresses that a reader could take for
    /// each other (`admin@example.com`, `аdmin@example.com`, `ADMIN@example.com`) have the same one.
    pub fn skeleton(&self) -> String {
        skeleton(&self.0)
    }

    /// The address text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The skeleton of any address text, also of one stored before the current rules (see
/// [`Email::skeleton`]).
pub fn skeleton(address: &str) -> String {
    let lower: String = address.nfkc().collect::<String>().to_lowercase();
    unicode_security::skeleton(&lower).collect::<String>()
}

/// Whether the letters and digits of `part` keep to scripts that are written together.
fn single_looking(part: &str) -> bool {
    let letters: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
    letters.as_str().detect_restriction_level() <= RestrictionLevel::HighlyRestrictive
}

/// Invisible format characters (zero-width joiners and spaces, bidi controls, the BOM).
fn is_format(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::Format
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "Ann@example.com"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@b.c",
            "a@.b",
            "a@b.",
            "a b@c.d",
            "a@b@c.d",
            "ad\u{200b}min@example.com",
            "admin\u{202e}@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
    }

    #[test]
    fn fullwidth_letters_become_ascii() {
        assert_eq!(
            Email::parse("ａｄｍｉｎ@ｅｘａｍｐｌｅ．ｃｏｍ")
                .unwrap()
                .as_str(),
            "admin@example.com"
        );
    }

    #[test]
    fn look_alike_scripts_are_refused_and_real_names_kept() {
        for bad in [
            "\u{430}dmin@example.com",  // Cyrillic а, Latin dmin
            "admin@ex\u{430}mple.com",  // in the domain
            "p\u{3b1}ypal@example.com", // Greek alpha
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::MixedScripts), "{bad}");
        }
        for good in [
            "zhang张伟@example.com",
            "李雷@例子.中国",
            "иван@пример.рф",
            "tanaka田中たなか@example.jp",
            "first.last+tag@example.com",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        let admin = Email::parse("admin@example.com").unwrap().skeleton();
        assert_eq!(skeleton("ADMIN@example.com"), admin);
        assert_eq!(skeleton("\u{430}dmin@example.com"), admin);
        assert_eq!(skeleton("ａｄｍｉｎ@example.com"), admin);
        assert_ne!(skeleton("adnin@example.com"), admin);
    }
}
