//! Limits that protect accounts without handing anyone a way to lock the owner out.
//!
//! A hard refusal keyed on the account alone is a weapon: anyone who knows an address can keep its
//! owner out. So wrong passwords for an account from anywhere only slow its sign-in down (a delay
//! that grows with the failures and stays short enough for the owner to wait through), and the hard
//! lock is keyed on the account *and* the client that guessed. Reset links are limited by how many
//! are still valid, so the owner can always ask again once the earlier links have expired.

/// Wrong passwords for one account, from any client, before sign-in starts to slow down.
pub const FREE_FAILURES: i64 = 5;
/// The first delay after the free failures, in milliseconds; each further failure doubles it.
const FIRST_DELAY_MS: u64 = 250;
/// The longest delay, in milliseconds: an owner still gets in within a few seconds.
pub const MAX_DELAY_MS: u64 = 3_000;

/// How long to wait before checking a sign-in to an account that has had `failures` wrong passwords
/// in the current window: nothing for the first [`FREE_FAILURES`], then 250 ms doubling per
/// failure, at most [`MAX_DELAY_MS`].
pub fn sign_in_delay_ms(failures: i64) -> u64 {
    let over = failures - FREE_FAILURES;
    if over <= 0 {
        return 0;
    }
    let doublings = u32::try_from(over - 1).unwrap_or(u32::MAX).min(16);
    FIRST_DELAY_MS
        .saturating_mul(1 << doublings)
        .min(MAX_DELAY_MS)
}

/// Wrong passwords for one account from one client before that client is refused (429) for the
/// rest of the window. Other clients, the owner among them, are only slowed down.
pub const FAILURES_PER_ACCOUNT_AND_CLIENT: i64 = 20;

/// Password-reset links that may be valid at once for one account. A further request sends nothing
/// (and answers the same), until one is used or expires.
pub const LIVE_RESET_LINKS: i64 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_delay_grows_then_stops_growing() {
        let delays: Vec<u64> = (0..=12).map(sign_in_delay_ms).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 0, 0, 0, 250, 500, 1000, 2000, 3000, 3000, 3000]
        );
    }

    proptest! {
        #[test]
        fn the_delay_is_bounded_and_never_shrinks(failures in -5i64..1_000_000) {
            let delay = sign_in_delay_ms(failures);
            prop_assert!(delay <= MAX_DELAY_MS);
            prop_assert!(sign_in_delay_ms(failures + 1) >= delay);
        }
    }
}
