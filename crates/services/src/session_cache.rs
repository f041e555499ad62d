//! A per-node cache of live sessions, so a signed-in page does not pay a database read per request.
//!
//! Every change that ends a session or alters what it grants (sign-out, password change or reset,
//! disabling, role or name change) goes through [`Services`], which evicts the entries here before
//! it returns and, on PostgreSQL, announces the change to the other nodes in the same unit of work;
//! each node follows those announcements ([`Services::follow_changes`]) and evicts too, within
//! milliseconds. [`TTL`] bounds staleness only if a node misses an announcement it cannot detect.
//! Expiry rules are checked on every hit, never cached.

use crate::accounts::CurrentSession;
use domain::UserId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use store::{Change, Heard};

/// How long a looked-up session is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; past this the cache starts over (a rare, cheap reset).
const CAPACITY: usize = 10_000;

/// A cached session and the facts its expiry is checked against.
#[derive(Clone, Debug)]
pub struct Cached {
    /// The session as a request sees it.
    pub session: CurrentSession,
    /// When it was created (Unix ms).
    pub created_at: i64,
    /// When it was last used as far as the database knows (Unix ms).
    pub last_seen_at: i64,
    fetched: Instant,
}

/// Live sessions by token hash.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Cached>>,
}

impl SessionCache {
    /// The cached session for `token_hash`, if fetched within [`TTL`].
    pub fn get(&self, token_hash: &str) -> Option<Cached> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(token_hash)
            .filter(|entry| entry.fetched.elapsed() < TTL)
            .cloned()
    }

    /// Remembers a session just read from the database.
    pub fn put(
        &self,
        token_hash: String,
        session: CurrentSession,
        created_at: i64,
        last_seen_at: i64,
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(
                token_hash,
                Cached {
                    session,
                    created_at,
                    last_seen_at,
                    fetched: Instant::now(),
                },
            );
        }
    }

    /// Records a newer "last seen" for a cached session.
    pub fn touched(&self, token_hash: &str, last_seen_at: i64) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(entry) = entries.get_mut(token_hash)
        {
            entry.last_seen_at = last_seen_at;
        }
    }

    /// Forgets one session.
    pub fn evict(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }

    /// Forgets everything (after missing announcements from other nodes).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    /// Forgets every session of `user`.
    pub fn evict_user(&self, user: UserId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, entry| entry.session.actor.id != user);
        }
    }
}

impl crate::Services {
    /// Keeps this node's session cache in step with what every node changes, for as long as the
    /// returned future runs (the server spawns it at start). Returns at once on SQLite, where there
    /// is no other node. When the subscription is lost the cache is emptied, so a missed
    /// announcement costs a database read, never a stale session.
    pub async fn follow_changes(&self) {
        loop {
            match self.store().listen().await {
                Ok(None) => return,
                Ok(Some(mut listener)) => {
                    // Whatever was cached before the subscription may already be stale.
                    self.sessions.clear();
                    loop {
                        match listener.next().await {
                            Ok(Heard::Change(Change::User(user))) => self.sessions.evict_user(user),
                            Ok(Heard::Change(Change::Session(hash))) => self.sessions.evict(&hash),
                            Ok(Heard::Change(Change::Notifications)) => self.bell().wake(),
                            Ok(Heard::MaybeMissed) => {
                                self.sessions.clear();
                                self.bell().wake();
                            }
                            Err(err) => {
                                tracing::warn!(error = %crate::cause_chain(&err), "lost the change subscription");
                                break;
                            }
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %crate::cause_chain(&err), "cannot subscribe to changes");
                }
            }
            self.sessions.clear();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Role;
    use domain::permissions::Actor;

    fn session(user: i64) -> CurrentSession {
        CurrentSession {
            session_id: user,
            actor: Actor {
                id: UserId::new(user),
                role: Role::Learner,
            },
            display_name: String::new(),
        }
    }

    #[test]
    fn eviction_by_token_and_by_user() {
        let cache = SessionCache::default();
        cache.put("a".into(), session(1), 0, 0);
        cache.put("b".into(), session(1), 0, 0);
        cache.put("c".into(), session(2), 0, 0);
        cache.evict("a");
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some());
        cache.evict_user(UserId::new(1));
        assert!(cache.get("b").is_none());
        assert!(cache.get("c").is_some());
        cache.touched("c", 42);
        assert_eq!(cache.get("c").unwrap().last_seen_at, 42);
    }
}
