//! Password hashing and random tokens.
//!
//! Argon2id with m=19456 KiB, t=2, p=1 (OWASP's recommended floor), run on the blocking pool so a
//! sign-in never stalls the async workers serving pages.
//!
//! Each hash costs ~19 MiB and ~50 ms of a core, so the process hashes at most one password per core
//! at a time (a probe's 128 parallel bogus resets once took the server from 206 MiB to 2.5 GB). A
//! few requests wait their turn; past [`MAX_WAITING`], or after [`MAX_WAIT`], the answer is "busy,
//! retry shortly" rather than an ever longer queue.

use crate::ServiceError;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Hashes waiting for a core beyond which new ones are turned away at once.
const MAX_WAITING: usize = 64;
/// The longest a hash waits for a core.
const MAX_WAIT: Duration = Duration::from_secs(5);
/// What a turned-away request is told to wait.
const BUSY_RETRY_SECS: u64 = 2;

/// Bounded concurrency with a bounded, time-limited queue.
struct Gate {
    slots: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
}

impl Gate {
    fn new(slots: usize, max_waiting: usize, max_wait: Duration) -> Self {
        Self {
            slots: Semaphore::new(slots),
            waiting: AtomicUsize::new(0),
            max_waiting,
            max_wait,
        }
    }

    /// Takes a slot, waiting a bounded time in a bounded queue; otherwise the caller is told to
    /// come back later.
    async fn enter(&self) -> Result<SemaphorePermit<'_>, ServiceError> {
        let busy = ServiceError::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        };
        if let Ok(permit) = self.slots.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy);
        }
        let waited = tokio::time::timeout(self.max_wait, self.slots.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match waited {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy),
        }
    }
}

/// The process's password-hashing slots: one per core.
static HASHING: LazyLock<Gate> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Gate::new(cores, MAX_WAITING, MAX_WAIT)
});

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
    let _slot = HASHING.enter().await?;
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
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, ServiceError> {
    let known = hash.is_some();
    let _slot = HASHING.enter().await?;
    let result = tokio::task::spawn_blocking(move || {
        let Some(hash) = hash.or_else(|| DUMMY_HASH.clone()) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await;
    Ok(known && result.unwrap_or(false))
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
        let verify = |password: &str, hash: Option<String>| verify_password(password.into(), hash);
        assert!(
            verify("correct horse battery", Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong", Some(hash)).await.unwrap());
        assert!(!verify("anything", None).await.unwrap());
        assert!(!verify("x", Some("not a hash".into())).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_gate_serves_its_slots_queues_a_few_and_turns_away_the_rest() {
        let gate = std::sync::Arc::new(Gate::new(2, 3, Duration::from_secs(1)));
        let started = std::time::Instant::now();
        let jobs: Vec<_> = (0..12)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    let _slot = gate.enter().await?;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Ok::<_, ServiceError>(())
                })
            })
            .collect();
        let mut done = 0;
        let mut busy = 0;
        for job in jobs {
            match job.await.unwrap() {
                Ok(()) => done += 1,
                Err(ServiceError::Busy { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, BUSY_RETRY_SECS);
                    busy += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(done, 5, "two at once plus three waiting");
        assert_eq!(busy, 7, "the rest are turned away at once");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(gate.slots.available_permits(), 2, "every slot came back");
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
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
