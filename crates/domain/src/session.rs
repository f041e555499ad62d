//! How long a sign-in lasts: seven days without a visit, thirty days at most.

/// A session unused this long is over (milliseconds).
pub const IDLE_TIMEOUT_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// No session lives longer than this after sign-in, used or not (milliseconds).
pub const ABSOLUTE_TIMEOUT_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// "Last seen" is only rewritten when older than this, so a busy reader does not cause a database
/// write per page (milliseconds).
pub const TOUCH_INTERVAL_MS: i64 = 60 * 1000;

/// Whether a session created at `created_at` and last used at `last_seen_at` is still valid at `now`.
pub fn is_live(created_at: i64, last_seen_at: i64, now: i64) -> bool {
    now < created_at.saturating_add(ABSOLUTE_TIMEOUT_MS)
        && now < last_seen_at.saturating_add(IDLE_TIMEOUT_MS)
}

/// Whether this request should record itself as the session's last use.
pub fn needs_touch(last_seen_at: i64, now: i64) -> bool {
    now.saturating_sub(last_seen_at) >= TOUCH_INTERVAL_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    #[test]
    fn idle_and_absolute_limits() {
        assert!(is_live(0, 0, DAY));
        assert!(!is_live(0, 0, 7 * DAY), "a week idle ends it");
        assert!(
            is_live(0, 25 * DAY, 29 * DAY),
            "used recently, within 30 days"
        );
        assert!(
            !is_live(0, 29 * DAY, 30 * DAY),
            "30 days after sign-in it ends, used or not"
        );
    }

    proptest! {
        #[test]
        fn never_live_past_the_absolute_limit(created in 0i64..1_000_000_000_000, seen_offset in 0i64..(40 * DAY), extra in 0i64..(10 * DAY)) {
            let last_seen = created + seen_offset;
            prop_assert!(!is_live(created, last_seen, created + ABSOLUTE_TIMEOUT_MS + extra));
        }

        #[test]
        fn touching_keeps_an_active_session_live(created in 0i64..1_000_000, steps in 1usize..40) {
            let mut last_seen = created;
            let mut now = created;
            for _ in 0..steps {
                now += DAY / 2;
                if now >= created + ABSOLUTE_TIMEOUT_MS { break; }
                prop_assert!(is_live(created, last_seen, now));
                if needs_touch(last_seen, now) { last_seen = now; }
            }
        }
    }
}
