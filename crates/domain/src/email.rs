//! Email addresses, checked once at the edge and trusted afterwards.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Not of the shape `local@domain.tld`, or longer than 254 characters.
    #[error("not a valid email address")]
    Invalid,
}

/// An email address: trimmed, with a lowercased domain, of the shape `local@domain.tld`.
///
/// Deliverability is proved by the confirmation mail, not by a pattern, so the check here only
/// catches typing mistakes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Checks and normalises `raw`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let raw = raw.trim();
        if raw.len() > 254 || raw.chars().any(char::is_whitespace) {
            return Err(EmailError::Invalid);
        }
        let (local, domain) = raw.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(EmailError::Invalid);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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
        for bad in ["", "a", "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
    }
}
