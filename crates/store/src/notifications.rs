//! Notifications: the rows behind the bell, delivery preferences, fan-out to many recipients in
//! batches, and mail digests.
//!
//! Ids are handed out in commit order, which "everything after id N" (the bell's live stream and
//! its resumption) relies on: SQLite has one writer at a time, and on PostgreSQL every unit of
//! work that writes notifications first takes one transaction-scoped advisory lock, so a smaller
//! id can never become visible after a larger one.

use crate::db::{Tx, TxInner, on};
use crate::{Store, StoreError};
use domain::notify::{Delivery, Kind, Notice};
use domain::{CourseId, Lang, UserId};

/// The advisory lock key that orders notification writes on PostgreSQL ("LORE" "NOTI").
const ORDER_LOCK: i64 = 0x4c4f_5245_4e4f_5449;

/// A notification as the bell shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Its id: the SSE event id.
    pub id: i64,
    /// Whose it is.
    pub user: UserId,
    /// What happened.
    pub notice: Notice,
    /// When (Unix ms).
    pub created_at: i64,
    /// Whether it was read.
    pub read: bool,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    user_id: i64,
    notice: String,
    created_at: i64,
    read_at: Option<i64>,
}

fn records(rows: Vec<NotificationRow>) -> Vec<NotificationRecord> {
    // A notice a newer Lore wrote is skipped rather than failing the whole list.
    rows.into_iter()
        .filter_map(|row| {
            Some(NotificationRecord {
                id: row.id,
                user: UserId::new(row.user_id),
                notice: Notice::from_json(&row.notice)?,
                created_at: row.created_at,
                read: row.read_at.is_some(),
            })
        })
        .collect()
}

/// Who a fan-out reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Everyone with an active entitlement to the course.
    Owners(CourseId),
    /// Everyone following the author.
    Followers(UserId),
}

/// A fan-out not yet finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fanout {
    /// Its row.
    pub id: i64,
    /// Who it reaches.
    pub audience: Audience,
    /// What it says.
    pub notice: Notice,
    /// The last recipient id written.
    pub cursor: i64,
}

/// What one step of a fan-out did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanoutStep {
    /// Another node moved the fan-out on first: nothing was written (roll back).
    Lost,
    /// Wrote `written` notifications; the cursor is now `cursor`.
    Batch {
        /// Notifications written (recipients who turned the kind off get none).
        written: u64,
        /// The last recipient id covered.
        cursor: i64,
    },
    /// No recipients were left; the fan-out is marked done.
    Finished,
}

/// A person whose mail notifications are due as one digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    /// The reader.
    pub user: UserId,
    /// Their address.
    pub email: String,
    /// The language they last used, if known.
    pub lang: Option<Lang>,
    /// The waiting notifications, oldest first.
    pub items: Vec<(i64, Notice)>,
}

impl Store {
    /// A person's notifications shown in the bell, newest first, older than `before` if given.
    pub async fn notifications(
        &self,
        user: UserId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows: Vec<NotificationRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, notice, created_at, read_at FROM notifications \
                 WHERE user_id = $1 AND in_app AND id < $2 ORDER BY id DESC LIMIT $3",
            )
            .bind(user.get())
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(records(rows))
    }

    /// A person's bell notifications after id `after`, oldest first (a resuming stream).
    pub async fn notifications_after(
        &self,
        user: UserId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows: Vec<NotificationRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, notice, created_at, read_at FROM notifications \
                 WHERE user_id = $1 AND in_app AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(user.get())
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(records(rows))
    }

    /// Everyone's bell notifications after id `after`, oldest first: what a node's live stream
    /// hands to the browsers connected to it.
    pub async fn all_notifications_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows: Vec<NotificationRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, notice, created_at, read_at FROM notifications \
                 WHERE id > $1 AND in_app ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(records(rows))
    }

    /// The newest notification id (0 when there is none): where a starting node's stream begins.
    pub async fn last_notification_id(&self) -> Result<i64, StoreError> {
        let (id,): (Option<i64>,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT max(id) FROM notifications")
                .fetch_one(pool)
                .await?
        });
        Ok(id.unwrap_or(0))
    }

    /// How many of a person's bell notifications are unread.
    pub async fn unread_count(&self, user: UserId) -> Result<i64, StoreError> {
        let (count,): (i64,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT count(*) FROM notifications \
                 WHERE user_id = $1 AND in_app AND read_at IS NULL",
            )
            .bind(user.get())
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }

    /// A person's delivery choice for each kind they changed.
    pub async fn delivery_prefs(&self, user: UserId) -> Result<Vec<(Kind, Delivery)>, StoreError> {
        let rows: Vec<(String, String)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT kind, delivery FROM notification_prefs WHERE user_id = $1")
                .bind(user.get())
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(kind, delivery)| Some((Kind::parse(&kind)?, Delivery::parse(&delivery)?)))
            .collect())
    }

    /// Fan-outs not finished yet, oldest first.
    pub async fn open_fanouts(&self, limit: i64) -> Result<Vec<Fanout>, StoreError> {
        let rows: Vec<(i64, String, i64, String, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, audience, subject_id, notice, cursor FROM fanouts \
                 WHERE done_at IS NULL ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(id, audience, subject, notice, cursor)| {
                let audience = match audience.as_str() {
                    "owners" => Audience::Owners(CourseId::new(subject)),
                    _ => Audience::Followers(UserId::new(subject)),
                };
                Some(Fanout {
                    id,
                    audience,
                    notice: Notice::from_json(&notice)?,
                    cursor,
                })
            })
            .collect())
    }

    /// People whose oldest waiting mail notification was created at or before `cutoff`.
    pub async fn due_digest_users(
        &self,
        cutoff: i64,
        limit: i64,
    ) -> Result<Vec<UserId>, StoreError> {
        let rows: Vec<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT user_id FROM notifications WHERE mail_state = 'waiting' \
                 GROUP BY user_id HAVING min(created_at) <= $1 ORDER BY min(created_at) LIMIT $2",
            )
            .bind(cutoff)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| UserId::new(id)).collect())
    }
}

/// A recipient's delivery of the kind in `$2` with the default in `$3`, `p` being their
/// (optional) preference row, and what it makes of the notification row.
macro_rules! delivered_as {
    () => {
        "coalesce(p.delivery, $3) IN ('in_app', 'both'), CASE WHEN coalesce(p.delivery, $3) \
         IN ('mail', 'both') THEN 'waiting' ELSE 'none' END"
    };
}

/// The people told: `$1` is the user (one person), the course (owners) or the author (followers).
macro_rules! recipients {
    (one) => {
        "SELECT id FROM users WHERE id = $1"
    };
    (owners) => {
        "SELECT user_id AS id FROM entitlements WHERE course_id = $1 AND status = 'active'"
    };
    (followers) => {
        "SELECT follower_id AS id FROM follows WHERE author_id = $1"
    };
}

/// Notifies everyone in recipients `$1` with ids in `($4, $5]` of notice `$6` (kind `$2`) at `$7`.
macro_rules! insert_notifications {
    ($who:tt) => {
        concat!(
            "INSERT INTO notifications (user_id, kind, notice, created_at, in_app, mail_state) \
             SELECT r.id, $2, $6, $7, ",
            delivered_as!(),
            " FROM (",
            recipients!($who),
            ") r LEFT JOIN notification_prefs p ON p.user_id = r.id AND p.kind = $2 \
             WHERE r.id > $4 AND r.id <= $5 AND coalesce(p.delivery, $3) <> 'off' ORDER BY r.id"
        )
    };
}

/// The last id of the next `$3` recipients after `$2`.
macro_rules! batch_end {
    ($who:tt) => {
        concat!(
            "SELECT max(id) FROM (SELECT id FROM (",
            recipients!($who),
            ") r WHERE id > $2 ORDER BY id LIMIT $3) b"
        )
    };
}

impl Tx {
    /// Orders this unit's notification ids after every other unit's (see the module comment).
    async fn order_notifications(&mut self) -> Result<(), StoreError> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(ORDER_LOCK)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Tells `user` of `notice` the way they chose for its kind. Whether a row was written
    /// (nothing for someone who turned the kind off).
    pub async fn notify(
        &mut self,
        user: UserId,
        notice: &Notice,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.order_notifications().await?;
        let kind = notice.kind();
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(insert_notifications!(one))
                .bind(user.get())
                .bind(kind.as_str())
                .bind(kind.default_delivery().as_str())
                .bind(user.get() - 1)
                .bind(user.get())
                .bind(notice.to_json())
                .bind(now)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Queues `notice` for everyone in `audience`, written later in batches by
    /// [`Tx::fan_out_batch`].
    pub async fn queue_fanout(
        &mut self,
        audience: Audience,
        notice: &Notice,
        now: i64,
    ) -> Result<(), StoreError> {
        let (name, subject) = match audience {
            Audience::Owners(course) => ("owners", course.get()),
            Audience::Followers(author) => ("followers", author.get()),
        };
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO fanouts (audience, subject_id, kind, notice, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(name)
            .bind(subject)
            .bind(notice.kind().as_str())
            .bind(notice.to_json())
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Writes the notifications of the next `batch` recipients of `fanout` (by id, after its
    /// cursor) and moves the cursor past them, or marks it done when none are left.
    pub async fn fan_out_batch(
        &mut self,
        fanout: &Fanout,
        batch: i64,
        now: i64,
    ) -> Result<FanoutStep, StoreError> {
        self.order_notifications().await?;
        let (subject, end_sql, insert_sql) = match fanout.audience {
            Audience::Owners(course) => (
                course.get(),
                batch_end!(owners),
                insert_notifications!(owners),
            ),
            Audience::Followers(author) => (
                author.get(),
                batch_end!(followers),
                insert_notifications!(followers),
            ),
        };
        let (upto,): (Option<i64>,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(end_sql)
                .bind(subject)
                .bind(fanout.cursor)
                .bind(batch)
                .fetch_one(&mut **tx)
                .await?
        });
        let Some(upto) = upto else {
            let done = on!(TxInner, &mut self.inner, |tx| {
                sqlx::query(
                    "UPDATE fanouts SET done_at = $3 WHERE id = $1 AND cursor = $2 \
                     AND done_at IS NULL",
                )
                .bind(fanout.id)
                .bind(fanout.cursor)
                .bind(now)
                .execute(&mut **tx)
                .await?
                .rows_affected()
            });
            return Ok(if done == 1 {
                FanoutStep::Finished
            } else {
                FanoutStep::Lost
            });
        };
        let moved = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE fanouts SET cursor = $3 WHERE id = $1 AND cursor = $2")
                .bind(fanout.id)
                .bind(fanout.cursor)
                .bind(upto)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        if moved != 1 {
            return Ok(FanoutStep::Lost);
        }
        let kind = fanout.notice.kind();
        let written = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(insert_sql)
                .bind(subject)
                .bind(kind.as_str())
                .bind(kind.default_delivery().as_str())
                .bind(fanout.cursor)
                .bind(upto)
                .bind(fanout.notice.to_json())
                .bind(now)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        Ok(FanoutStep::Batch {
            written,
            cursor: upto,
        })
    }

    /// Marks one of `user`'s notifications read, or all of them (`None`). How many changed.
    pub async fn mark_read(
        &mut self,
        user: UserId,
        id: Option<i64>,
        now: i64,
    ) -> Result<u64, StoreError> {
        Ok(on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE notifications SET read_at = $3 WHERE user_id = $1 \
                 AND ($2 = 0 OR id = $2) AND read_at IS NULL AND in_app",
            )
            .bind(user.get())
            .bind(id.unwrap_or(0))
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        }))
    }

    /// Sets how `user` hears of `kind`.
    pub async fn set_delivery(
        &mut self,
        user: UserId,
        kind: Kind,
        delivery: Delivery,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, kind, delivery) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET delivery = excluded.delivery",
            )
            .bind(user.get())
            .bind(kind.as_str())
            .bind(delivery.as_str())
            .execute(&mut **tx)
            .await?;
        });
        Ok(())
    }

    /// Takes `user`'s waiting mail notifications for one digest, marking them sent in this unit
    /// (which also queues the mail). `None` if another node took them first or none wait.
    pub async fn take_digest(&mut self, user: UserId) -> Result<Option<Digest>, StoreError> {
        let rows: Vec<(i64, String, String, Option<String>)> =
            on!(TxInner, &mut self.inner, |tx| {
                sqlx::query_as(
                    "SELECT n.id, n.notice, u.email, u.lang FROM notifications n \
                     JOIN users u ON u.id = n.user_id \
                     WHERE n.user_id = $1 AND n.mail_state = 'waiting' ORDER BY n.id LIMIT 100",
                )
                .bind(user.get())
                .fetch_all(&mut **tx)
                .await?
            });
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(None);
        };
        let (email, lang) = (first.2.clone(), first.3.as_deref().and_then(Lang::from_tag));
        let (from, to) = (first.0, last.0);
        let taken = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE notifications SET mail_state = 'sent' WHERE user_id = $1 \
                 AND mail_state = 'waiting' AND id >= $2 AND id <= $3",
            )
            .bind(user.get())
            .bind(from)
            .bind(to)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        if usize::try_from(taken).ok() != Some(rows.len()) {
            return Ok(None);
        }
        Ok(Some(Digest {
            user,
            email,
            lang,
            items: rows
                .into_iter()
                .filter_map(|(id, notice, _, _)| Some((id, Notice::from_json(&notice)?)))
                .collect(),
        }))
    }

    /// Remembers the language `user` uses Lore in, for mail sent to them later.
    pub async fn set_user_lang(&mut self, user: UserId, lang: Lang) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET lang = $2 WHERE id = $1")
                .bind(user.get())
                .bind(lang.tag())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }
}
