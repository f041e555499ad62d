//! Webhook signatures in Stripe's scheme, which the sandbox uses too, so one verifier serves both.
//!
//! The sender puts `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` in the
//! `Stripe-Signature` header. The receiver recomputes the MAC over the raw body bytes (never a
//! re-serialised copy), compares it in constant time with every `v1` given (a sender rolling its
//! secret sends two), and refuses a timestamp more than the tolerance away from now, so a captured
//! delivery cannot be replayed later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header the signature travels in.
pub const HEADER: &str = "Stripe-Signature";

/// How far a signature's timestamp may be from now, in seconds (Stripe's default).
pub const TOLERANCE_SECS: i64 = 300;

/// Why a delivery's signature was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No header, or one without a timestamp or a `v1` signature.
    #[error("the signature header is missing or malformed")]
    Malformed,
    /// The timestamp is too old (or too far ahead).
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    /// No `v1` matches the body: a wrong secret or a changed body.
    #[error("the signature does not match the body")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value that signs `body` at `timestamp` (Unix seconds) with `secret`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// Checks `header` signs `body` with `secret`, within [`TOLERANCE_SECS`] of `now` (Unix seconds).
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut tags = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => tags.extend(hex::decode(value).ok()),
            _ => {} // other schemes (v0) and unknown fields are ignored, as Stripe says to
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(SignatureError::Malformed);
    };
    if tags.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body);
    if tags
        .iter()
        .any(|tag| expected.clone().verify_slice(tag).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn matches_stripes_published_construction() {
        // HMAC-SHA256("whsec_test", "1700000000.{}") computed independently (Python's hmac).
        assert_eq!(
            sign(SECRET, 1_700_000_000, b"{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }

    #[test]
    fn accepts_its_own_signature_and_a_rolled_secret() {
        let header = sign(SECRET, 1_000, b"body");
        assert_eq!(
            verify(SECRET, &header, b"body", 1_000 + TOLERANCE_SECS),
            Ok(())
        );
        let old = sign(b"old secret", 1_000, b"body");
        let both = format!("{header},v1={}", old.split("v1=").nth(1).unwrap());
        assert_eq!(verify(b"old secret", &both, b"body", 1_000), Ok(()));
        assert_eq!(
            verify(SECRET, &format!("v0=ab,{header}"), b"body", 1_000),
            Ok(())
        );
    }

    #[test]
    fn refuses_stale_malformed_and_wrong_signatures() {
        let header = sign(SECRET, 1_000, b"body");
        assert_eq!(
            verify(SECRET, &header, b"body", 1_000 + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, &header, b"body", 1_000 - TOLERANCE_SECS - 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(b"other", &header, b"body", 1_000),
            Err(SignatureError::Mismatch)
        );
        for bad in ["", "t=1000", "v1=abcd", "t=x,v1=abcd", "t=1000,v1=zz"] {
            assert_eq!(
                verify(SECRET, bad, b"body", 1_000),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    proptest! {
        /// SECURITY-TESTS 16: changing any one byte of the body breaks the signature.
        #[test]
        fn any_changed_byte_is_caught(body in prop::collection::vec(any::<u8>(), 1..256), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let header = sign(SECRET, 5_000, &body);
            let mut changed = body.clone();
            let i = at.index(changed.len());
            changed[i] ^= flip;
            prop_assert_eq!(verify(SECRET, &header, &changed, 5_000), Err(SignatureError::Mismatch));
            prop_assert_eq!(verify(SECRET, &header, &body, 5_000), Ok(()));
        }
    }
}
