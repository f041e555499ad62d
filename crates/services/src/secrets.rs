//! Password hashing and random tokens.
//!
//! Argon2id with m=19456 KiB, t=2, p=1 (OWASP's recommended floor), run on the blocking pool so a
//! sign-in never stalls the async workers serving pages.

use crate::ServiceError;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified against when the email is unknown, so that unknown and
/// known emails take the same time to refuse.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    argon2()
        .hash_password(b"lore-timing-equaliser")
        .ok()
        .map(|hash| hash.to_string())
});

/// Hashes a new password (PHC string).
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|_| ServiceError::Invalid("password"))
    })
    .await
    .map_err(|_| ServiceError::Invalid("password"))?
}

/// Checks `password` against a stored hash, or against a dummy hash when there is none, so the
/// caller cannot be timed. Any unreadable hash counts as a mismatch.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let result = tokio::task::spawn_blocking(move || {
        let Some(hash) = hash.or_else(|| DUMMY_HASH.clone()) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await;
    known && result.unwrap_or(false)
}

/// A new random token: 256 bits, hex. Goes to the user (cookie, link); only its hash is stored.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// A generated password for an operator to type once and change: 16 characters from an alphabet
/// without look-alikes (about 90 bits).
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let bytes = rand::random::<[u8; 16]>();
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape [`new_token`] produces (so junk never reaches the database).
pub fn is_token_shaped(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_required_cost() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
        assert!(!verify_password("x".into(), Some("not a hash".into())).await);
    }

    #[test]
    fn generated_passwords_pass_the_rules() {
        let password = new_password();
        assert_eq!(password.chars().count(), 16);
        assert_eq!(domain::check_new_password(&password), Ok(()));
        assert_ne!(password, new_password());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(is_token_shaped(&a));
        assert!(!is_token_shaped("abc"));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
