//! The outbox sender: delivers queued mails by SMTP, or, with no SMTP server configured, writes them
//! as `.eml` files for the development mail viewer.
//!
//! A mail is marked sent only after delivery succeeded, so a crash in between sends it again rather
//! than losing it. Two nodes may both send one mail in that window; the outbox table is the record.

use anyhow::Context;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use services::Services;
use std::path::PathBuf;
use std::time::Duration;
use store::OutboxMail;

/// A mail is retried this many times before it is left for an operator.
const MAX_ATTEMPTS: i64 = 5;
/// How often the outbox is checked.
const POLL: Duration = Duration::from_secs(2);

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
            tracing::warn!(error = %err, "mail outbox run failed");
        }
    }
}

/// Sends what is waiting in the outbox once.
pub async fn deliver_pending(
    services: &Services,
    delivery: &Delivery,
    from: &Mailbox,
) -> anyhow::Result<()> {
    let store = services.store();
    for mail in store.unsent_mail(MAX_ATTEMPTS, 20).await? {
        match deliver(delivery, from, &mail).await {
            Ok(()) => {
                store.mark_mail_sent(mail.id).await?;
            }
            Err(err) => {
                tracing::warn!(mail = mail.id, error = %err, "mail delivery failed");
                store.mark_mail_failed(mail.id, &format!("{err:#}")).await?;
            }
        }
    }
    Ok(())
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
