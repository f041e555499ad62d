//! The development mail viewer: with no SMTP server configured, mails are written as `.eml` files,
//! and this page lists them so a developer can click a reset link. It shows live password-reset
//! links, so it is off unless `LORE_DEV_MAIL` turns it on, refused at start on a non-loopback
//! listen address (see `config`), and answers only clients on this machine.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::permissions::is_this_machine;
use services::Client;
use std::path::PathBuf;

/// `GET /dev/mail`: the mails written to the data folder, newest first. Only routed when
/// `LORE_DEV_MAIL` is on, and answers 404 to any client not on this machine.
pub async fn dev_mail(State(dir): State<PathBuf>, request: Request) -> Response {
    let local = request
        .extensions()
        .get::<Client>()
        .is_some_and(|client| is_this_machine(&client.ip));
    if !local {
        tracing::warn!("development mail viewer refused to a non-loopback client");
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files.reverse();
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Lore · mail</title></head>\
         <body><h1>Development mail</h1>",
    );
    if files.is_empty() {
        html.push_str("<p>No mail yet.</p>");
    }
    for file in files.iter().take(50) {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        html.push_str("<article><pre>");
        html.push_str(&escape(&decoded(&text)));
        html.push_str("</pre></article><hr>");
    }
    html.push_str("</body></html>");
    Html(html).into_response()
}

/// The mail with quoted-printable soft line breaks undone, so links can be read and clicked.
fn decoded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
