//! The bell over HTTP: the live stream of a reader's notifications (Server-Sent Events) and the
//! one-click unsubscribe link of digest mails. Thin adapters around `services::notifications`.
//!
//! `GET /notifications/stream` sends each new notification as an event whose id is the
//! notification's, so a browser that lost the connection resumes with `Last-Event-ID` (which
//! `EventSource` sends by itself) and is first given everything it missed. A connection that falls
//! too far behind is closed rather than buffered without end; the browser reconnects and resumes.

use app::messages::request_lang;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use domain::Lang;
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use services::{CurrentSession, Services};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use store::NotificationRecord;
use tokio::sync::broadcast::error::RecvError;

/// How often an idle stream sends a comment, well inside the server's idle timeout and the
/// timeouts of proxies in front of it.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting after a dropped stream.
const RETRY: Duration = Duration::from_secs(2);

/// What an event carries: the notification's id and its notice, as stored.
#[derive(Serialize)]
struct Payload<'a> {
    id: i64,
    notice: &'a domain::notify::Notice,
    link: String,
}

fn event(record: &NotificationRecord) -> Event {
    let payload = Payload {
        id: record.id,
        notice: &record.notice,
        link: record.notice.link(),
    };
    Event::default()
        .id(record.id.to_string())
        .event("notification")
        .data(serde_json::to_string(&payload).unwrap_or_default())
}

/// `?after=` for clients that cannot set `Last-Event-ID` on their first connection.
#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<i64>,
}

/// `GET /notifications/stream`: the signed-in reader's notifications as they are written.
pub async fn stream(
    State(services): State<Services>,
    Query(query): Query<StreamQuery>,
    request: Request,
) -> Response {
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let after = request
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    // Subscribe before reading what was missed, so nothing written in between falls through.
    let live = services.bell().subscribe(me.actor.id);
    let missed = match after {
        Some(after) => match services.notifications_after(&me, after).await {
            Ok(missed) => missed,
            Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
        None => Vec::new(),
    };
    let last = missed.last().map_or(after.unwrap_or(0), |r| r.id);
    let replay = stream::iter(missed.iter().map(event).map(Ok).collect::<Vec<_>>());
    let closing = services.bell().closing();
    let first = stream::once(async { Ok(Event::default().retry(RETRY).comment("lore")) });
    Sse::new(first.chain(replay).chain(live_events(live, last, closing)))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

/// The live part of a stream: notifications newer than `last`, until the reader falls behind,
/// the bell closes or the node shuts down.
fn live_events(
    live: tokio::sync::broadcast::Receiver<Arc<NotificationRecord>>,
    last: i64,
    closing: tokio::sync::watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (live, last, closing),
        |(mut live, mut last, mut closing)| async move {
            loop {
                let received = tokio::select! {
                    received = live.recv() => received,
                    _ = closing.wait_for(|closed| *closed) => return None,
                };
                match received {
                    Ok(record) if record.id > last => {
                        last = record.id;
                        return Some((Ok(event(&record)), (live, last, closing)));
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_) | RecvError::Closed) => return None,
                }
            }
        },
    )
}

/// The signed link's fields.
#[derive(Deserialize)]
pub struct UnsubscribeQuery {
    u: String,
    sig: String,
}

/// `GET /notifications/unsubscribe?u=…&sig=…`: stops one kind of mail at once, and says so.
pub async fn unsubscribe(
    State(services): State<Services>,
    headers: HeaderMap,
    Query(query): Query<UnsubscribeQuery>,
) -> Response {
    let lang = request_lang(&headers);
    let (status, text) = match services.unsubscribe(&query.u, &query.sig).await {
        Ok(kind) => (
            StatusCode::OK,
            match lang {
                Lang::En => format!(
                    "You will no longer get mail about {}. You can change this on your account page.",
                    services::mail::kind_name(lang, kind)
                ),
                Lang::ZhCn => format!(
                    "你将不再收到关于{}的邮件。可在账号页面随时更改。",
                    services::mail::kind_name(lang, kind)
                ),
            },
        ),
        Err(services::ServiceError::InvalidToken) => (
            StatusCode::BAD_REQUEST,
            match lang {
                Lang::En => "This unsubscribe link is not valid.".to_owned(),
                Lang::ZhCn => "这个退订链接无效。".to_owned(),
            },
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            match lang {
                Lang::En => {
                    "Lore is unavailable right now. Please try the link again later.".to_owned()
                }
                Lang::ZhCn => "Lore 暂时无法处理，请稍后再打开这个链接。".to_owned(),
            },
        ),
    };
    let page = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Lore</title>\
         <main style=\"font-family:sans-serif;max-width:40rem;margin:4rem auto\"><p>{}</p>\
         <p><a href=\"/\">Lore</a></p></main></html>",
        lang.tag(),
        text
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}
