//! The outbox sender: delivers queued mails by SMTP, or, with no SMTP server configured, writes them
//! as `.eml` files for the development mail viewer.
//!
//! A node takes a batch of due mails with one compare-and-set statement (a lease), so two nodes
//! draining one outbox never send the same mail. A mail is marked sent only after delivery
//! succeeded, so a node that dies mid-send leaves it to be sent again once its lease runs out
//! rather than losing it.
//!
//! A failing mail never holds up the others: a failure puts it back with a doubling wait (30 s, 1 min,
//! … up to an hour), the mails waiting longest go first, a few are sent at once, and each attempt has
//! a time limit. (Oldest-first retries without a wait once let 100 undeliverable mails delay a reset
//! mail by 46 s.)

use anyhow::Context;
use futures_util::StreamExt;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use services::Services;
use std::path::PathBuf;
use std::time::Duration;
use store::{OutboxMail, now_millis};

/// A mail is retried this many times before it is left for an operator.
const MAX_ATTEMPTS: i64 = 5;
/// How long a node holds the mails it took before another node may take them: longer than a
/// batch takes to send ([`ATTEMPT_TIMEOUT`] per mail, [`PARALLEL`] at once).
const LEASE_MS: i64 = 10 * 60 * 1000;
/// How often the outbox is checked.
const POLL: Duration = Duration::from_secs(2);
/// Mails taken from the outbox per check.
const BATCH: i64 = 20;
/// Batches taken per check at most, so one check cannot run for ever.
const MAX_ROUNDS: usize = 20;
/// Mails in flight at once.
const PARALLEL: usize = 4;
/// The longest one delivery attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// The wait after a first failure; it doubles with each further one, up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i64 = 30_000;
const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;

/// When a mail that has now failed `attempts` times (this one included) is tried again.
fn retry_at(now: i64, attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    now + FIRST_BACKOFF_MS
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF_MS)
}

/// Where mails go.
pub enum Delivery {
    /// A real SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this folder (development, tests).
    Files(PathBuf),
}

impl Delivery {
    /// SMTP if `smtp_url` is set, otherwise files under `<data_dir>/mail`.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => Ok(Delivery::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .context("reading LORE_SMTP_URL")?
                    .timeout(Some(ATTEMPT_TIMEOUT))
                    .build(),
            )),
            None => Ok(Delivery::Files(mail_dir(&settings.data_dir))),
        }
    }
}

/// The folder development mails are written to.
pub fn mail_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("mail")
}

/// Delivers queued mail until the task is dropped.
pub async fn run(services: Services, delivery: Delivery, from: Mailbox) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = deliver_pending(&services, &delivery, &from).await {
            tracing::warn!(error = %format!("{err:#}"), "mail outbox run failed");
        }
    }
}

/// Sends what is waiting in the outbox once.
pub async fn deliver_pending(
    services: &Services,
    delivery: &Delivery,
    from: &Mailbox,
) -> anyhow::Result<()> {
    // Failures are put back with a wait, so each round takes new mails; a batch of failures
    // (100 undeliverable addresses, say) is worked through in one check, not one per poll.
    for _ in 0..MAX_ROUNDS {
        let due = services
            .store()
            .claim_due_mail(now_millis(), LEASE_MS, MAX_ATTEMPTS, BATCH)
            .await?;
        let full = due.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
        send_all(services, delivery, from, due).await?;
        if !full {
            break;
        }
    }
    Ok(())
}

/// Sends `mails`, a few at a time, recording each outcome.
async fn send_all(
    services: &Services,
    delivery: &Delivery,
    from: &Mailbox,
    mails: Vec<OutboxMail>,
) -> anyhow::Result<()> {
    let store = services.store();
    futures_util::stream::iter(mails)
        .map(|mail| async move {
            let attempt = tokio::time::timeout(ATTEMPT_TIMEOUT, deliver(delivery, from, &mail))
                .await
                .unwrap_or_else(|_| Err(anyhow::anyhow!("timed out")));
            let recorded = async {
                let mut tx = store.begin().await?;
                match attempt {
                    Ok(()) => {
                        tx.mark_mail_sent(mail.id).await?;
                    }
                    Err(err) => {
                        tracing::warn!(mail = mail.id, error = %format!("{err:#}"), "mail delivery failed");
                        let retry = retry_at(now_millis(), mail.attempts + 1);
                        tx.mark_mail_failed(mail.id, &format!("{err:#}"), retry)
                            .await?;
                    }
                }
                tx.commit().await
            };
            recorded.await.context("recording a delivery attempt")
        })
        .buffer_unordered(PARALLEL)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn deliver(delivery: &Delivery, from: &Mailbox, mail: &OutboxMail) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(from.clone())
        .to(mail.to.parse().context("recipient address")?)
        .subject(&mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .context("building the mail")?;
    match delivery {
        Delivery::Smtp(transport) => {
            transport.send(message).await.context("SMTP")?;
        }
        Delivery::Files(dir) => {
            tokio::fs::create_dir_all(dir).await?;
            let path = dir.join(format!("{:08}.eml", mail.id));
            tokio::fs::write(&path, message.formatted()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_mails_wait_longer_each_time() {
        assert_eq!(retry_at(0, 1), 30_000);
        assert_eq!(retry_at(0, 2), 60_000);
        assert_eq!(retry_at(0, 4), 240_000);
        assert_eq!(retry_at(0, 50), MAX_BACKOFF_MS);
        assert_eq!(retry_at(1_000, 0), 31_000);
    }
}
