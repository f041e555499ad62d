//! Notifications: the bell's list and unread count, delivery preferences, the one-click mail
//! unsubscribe, and the three background jobs a node runs for them.
//!
//! - **The bell's live stream.** Each node keeps the browsers connected to it in a [`Bell`]. A
//!   job reads every notification written after the last one it saw (ids come in commit order,
//!   see `store::notifications`) and hands each to its reader's connections on this node. It is
//!   woken by this node's writes at once, by other nodes' through PostgreSQL's `NOTIFY`, and every
//!   few seconds regardless, so a missed wake-up delays a notification but never loses it. A
//!   reconnecting browser sends the last id it saw and is given everything after it first.
//! - **Fan-out.** Notices to many (everyone owning a course) are written in batches of
//!   [`FANOUT_BATCH`] recipients, each batch one short unit of work that also moves the fan-out's
//!   cursor (compare-and-set), so two nodes working one fan-out write every notification once and
//!   other writers wait at most one batch.
//! - **Digests.** A person's mail notifications wait [`domain::notify::DIGEST_WINDOW_MS`] after the
//!   first, then go out as one mail through the outbox; taking them is a compare-and-set, so two
//!   nodes never mail the same ones.

use crate::accounts::CurrentSession;
use crate::{ServiceError, Services};
use domain::notify::{self, Delivery, Kind, Unsubscribe};
use domain::{Lang, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{FanoutStep, NotificationRecord, now_millis};
use tokio::sync::{Notify, broadcast, watch};

/// Recipients written per fan-out unit of work: big enough that 100,000 take a few seconds,
/// small enough that each unit holds the database for a few milliseconds.
pub const FANOUT_BATCH: i64 = 2_000;
/// How often the jobs look even when nobody woke them.
const TICK: Duration = Duration::from_secs(2);
/// How often the digest job looks for due digests.
const DIGEST_TICK: Duration = Duration::from_secs(20);
/// Notifications one connection may fall behind by before it is closed (the browser reconnects
/// and resumes from the database, so nothing is lost).
const CONNECTION_BUFFER: usize = 256;
/// Rows the live stream reads per query.
const STREAM_PAGE: i64 = 2_000;

/// The browsers connected to this node, by reader, and the wake-up for the jobs.
#[derive(Debug)]
pub struct Bell {
    readers: Mutex<HashMap<UserId, broadcast::Sender<Arc<NotificationRecord>>>>,
    written: Notify,
    fanout: Notify,
    closing: watch::Sender<bool>,
}

impl Default for Bell {
    fn default() -> Self {
        Self {
            readers: Mutex::default(),
            written: Notify::new(),
            fanout: Notify::new(),
            closing: watch::Sender::new(false),
        }
    }
}

impl Bell {
    /// Ends every stream on this node (the node is shutting down, and streams never end by
    /// themselves).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Turns true when the node shuts down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// A new connection of `user`'s: what is written for them from now on.
    pub fn subscribe(&self, user: UserId) -> broadcast::Receiver<Arc<NotificationRecord>> {
        let mut readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        readers
            .entry(user)
            .or_insert_with(|| broadcast::channel(CONNECTION_BUFFER).0)
            .subscribe()
    }

    /// Connections open on this node.
    pub fn connections(&self) -> usize {
        let readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        readers
            .values()
            .map(broadcast::Sender::receiver_count)
            .sum()
    }

    /// Tells the jobs that notifications or fan-outs were written.
    pub fn wake(&self) {
        self.written.notify_one();
        self.fanout.notify_one();
    }

    fn hand_out(&self, records: Vec<NotificationRecord>) {
        let mut readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        readers.retain(|_, sender| sender.receiver_count() > 0);
        for record in records {
            if let Some(sender) = readers.get(&record.user) {
                // An error only means every receiver has gone since the line above.
                let _ = sender.send(Arc::new(record));
            }
        }
    }
}

/// One page of the notifications list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationsPage {
    /// Newest first.
    pub items: Vec<NotificationRecord>,
    /// The id to ask for the next page with, if there is one.
    pub next_before: Option<i64>,
    /// Unread in all.
    pub unread: i64,
}

impl Services {
    /// This node's connected browsers.
    pub fn bell(&self) -> &Bell {
        &self.bell
    }

    /// A page of `me`'s notifications, newest first, older than `before`.
    pub async fn notifications(
        &self,
        me: &CurrentSession,
        before: Option<i64>,
    ) -> Result<NotificationsPage, ServiceError> {
        let items = self
            .store()
            .notifications(me.actor.id, before, notify::PAGE_SIZE)
            .await?;
        let next_before = (items.len() == usize::try_from(notify::PAGE_SIZE).unwrap_or(0))
            .then(|| items.last().map(|n| n.id))
            .flatten();
        Ok(NotificationsPage {
            items,
            next_before,
            unread: self.store().unread_count(me.actor.id).await?,
        })
    }

    /// How many of `me`'s notifications are unread.
    pub async fn unread_count(&self, me: &CurrentSession) -> Result<i64, ServiceError> {
        Ok(self.store().unread_count(me.actor.id).await?)
    }

    /// What a reconnecting browser missed: `me`'s notifications after `after`, oldest first.
    pub async fn notifications_after(
        &self,
        me: &CurrentSession,
        after: i64,
    ) -> Result<Vec<NotificationRecord>, ServiceError> {
        Ok(self
            .store()
            .notifications_after(me.actor.id, after, STREAM_PAGE)
            .await?)
    }

    /// Marks one notification read, or all (`None`). Marking again changes nothing.
    pub async fn mark_read(
        &self,
        me: &CurrentSession,
        id: Option<i64>,
    ) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        tx.mark_read(me.actor.id, id, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `me`'s delivery choice for every kind, defaults filled in.
    pub async fn delivery_prefs(
        &self,
        me: &CurrentSession,
    ) -> Result<Vec<(Kind, Delivery)>, ServiceError> {
        let chosen = self.store().delivery_prefs(me.actor.id).await?;
        Ok(Kind::ALL
            .into_iter()
            .map(|kind| {
                let delivery = chosen
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(kind.default_delivery(), |(_, d)| *d);
                (kind, delivery)
            })
            .collect())
    }

    /// Sets how `me` hears of each kind given.
    pub async fn set_delivery_prefs(
        &self,
        me: &CurrentSession,
        prefs: &[(Kind, Delivery)],
    ) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        for (kind, delivery) in prefs {
            tx.set_delivery(me.actor.id, *kind, *delivery).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Remembers the language `me` uses, for mail sent later.
    pub async fn remember_lang(&self, me: UserId, lang: Lang) -> Result<(), ServiceError> {
        let mut tx = self.store().begin().await?;
        tx.set_user_lang(me, lang).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed one-click link that stops mail of `kind` to `user`.
    pub async fn unsubscribe_link(&self, user: UserId, kind: Kind) -> Result<String, ServiceError> {
        let payload = Unsubscribe { user, kind }.payload();
        let sig = self.signer().await?.sign_text("unsubscribe", &payload);
        Ok(format!(
            "{}/notifications/unsubscribe?u={payload}&sig={sig}",
            self.public_url()
        ))
    }

    /// Follows a one-click unsubscribe link: the kind is no longer mailed to its reader. Safe to
    /// follow twice. Which kind it was, for the page to say.
    pub async fn unsubscribe(&self, payload: &str, sig: &str) -> Result<Kind, ServiceError> {
        let signer = self.signer().await?;
        let request = Unsubscribe::parse(payload)
            .filter(|_| signer.verify_text("unsubscribe", payload, sig))
            .ok_or(ServiceError::InvalidToken)?;
        let me = CurrentSession {
            session_id: 0,
            actor: domain::Actor {
                id: request.user,
                role: domain::Role::Learner,
            },
            display_name: String::new(),
        };
        let current = self
            .delivery_prefs(&me)
            .await?
            .into_iter()
            .find(|(k, _)| *k == request.kind)
            .map_or(request.kind.default_delivery(), |(_, d)| d);
        self.set_delivery_prefs(&me, &[(request.kind, current.without_mail())])
            .await?;
        Ok(request.kind)
    }

    /// Runs this node's live stream for as long as the future runs (the server spawns it).
    pub async fn run_bell(&self) {
        let mut cursor = loop {
            match self.store().last_notification_id().await {
                Ok(id) => break id,
                Err(err) => {
                    tracing::warn!(error = %crate::cause_chain(&err), "bell cannot start");
                    tokio::time::sleep(TICK).await;
                }
            }
        };
        loop {
            let _ = tokio::time::timeout(TICK, self.bell.written.notified()).await;
            loop {
                match self
                    .store()
                    .all_notifications_after(cursor, STREAM_PAGE)
                    .await
                {
                    Ok(records) => {
                        let Some(last) = records.last().map(|r| r.id) else {
                            break;
                        };
                        let full = records.len() == usize::try_from(STREAM_PAGE).unwrap_or(0);
                        cursor = last;
                        self.bell.hand_out(records);
                        if !full {
                            break;
                        }
                    }
                    Err(err) => {
                        tracing::warn!(error = %crate::cause_chain(&err), "bell read failed");
                        break;
                    }
                }
            }
        }
    }

    /// Works through open fan-outs for as long as the future runs (the server spawns it).
    pub async fn run_fanouts(&self) {
        loop {
            let _ = tokio::time::timeout(TICK, self.bell.fanout.notified()).await;
            if let Err(err) = self.drain_fanouts().await {
                tracing::warn!(error = %crate::cause_chain(&err), "fan-out failed");
            }
        }
    }

    /// Writes every open fan-out to the end, batch by batch. How many notifications it wrote.
    pub async fn drain_fanouts(&self) -> Result<u64, ServiceError> {
        let mut written = 0;
        for mut fanout in self.store().open_fanouts(100).await? {
            loop {
                let mut tx = self.store().begin().await?;
                match tx
                    .fan_out_batch(&fanout, FANOUT_BATCH, now_millis())
                    .await?
                {
                    // Another node moved this fan-out on: leave it to them.
                    FanoutStep::Lost => {
                        tx.rollback().await?;
                        break;
                    }
                    FanoutStep::Finished => {
                        tx.commit().await?;
                        break;
                    }
                    FanoutStep::Batch {
                        written: count,
                        cursor,
                    } => {
                        tx.announce(&store::Change::Notifications).await?;
                        tx.commit().await?;
                        self.bell.written.notify_one();
                        written += count;
                        fanout.cursor = cursor;
                    }
                }
            }
        }
        Ok(written)
    }

    /// Sends due digests every few seconds for as long as the future runs (the server spawns it).
    pub async fn run_digests(&self) {
        loop {
            tokio::time::sleep(DIGEST_TICK).await;
            if let Err(err) = self.send_due_digests(now_millis()).await {
                tracing::warn!(error = %crate::cause_chain(&err), "digest run failed");
            }
        }
    }

    /// Queues one digest mail for everyone whose mail notifications are due at `now`. How many.
    pub async fn send_due_digests(&self, now: i64) -> Result<usize, ServiceError> {
        let mut sent = 0;
        let cutoff = now - notify::DIGEST_WINDOW_MS;
        for user in self.store().due_digest_users(cutoff, 200).await? {
            // Made before the unit of work: the signing key may be written on first use, which
            // on SQLite must not wait for this unit's own write lock.
            let mut links = Vec::new();
            for kind in Kind::ALL {
                links.push((kind, self.unsubscribe_link(user, kind).await?));
            }
            let mut tx = self.store().begin().await?;
            let Some(digest) = tx.take_digest(user).await? else {
                tx.rollback().await?;
                continue;
            };
            let lang = digest.lang.unwrap_or_default();
            let notices: Vec<_> = digest.items.iter().map(|(_, n)| n.clone()).collect();
            let mail = crate::mail::digest(lang, self.public_url(), &notices, |kind| {
                links
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map(|(_, link)| link.clone())
                    .unwrap_or_default()
            });
            tx.enqueue_mail(&digest.email, &mail.subject, &mail.body)
                .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }
}
