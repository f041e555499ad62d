//! Resumable uploads over HTTP: the tus 1.0.0 protocol (core, creation and termination; see
//! tus.io/protocols/resumable-upload), so any tus client can send Lore a file in pieces and pick up
//! after a dropped connection. Thin adapters around `services::uploads`.
//!
//! - `OPTIONS /media/uploads`: what this server speaks.
//! - `POST /media/uploads` with `Upload-Length` and `Upload-Metadata` (`kind`, `filename`):
//!   201 and the upload's `Location`.
//! - `HEAD /media/uploads/{id}`: `Upload-Offset`, where to resume.
//! - `PATCH /media/uploads/{id}` with `Upload-Offset` and the bytes that follow it: 204 and the new
//!   offset; the request that brings the last byte also answers `Lore-Media-Id` and
//!   `Lore-Media-Url`, the file it became.
//! - `DELETE /media/uploads/{id}`: stops it and deletes what arrived.
//!
//! Errors other than the protocol's own are the media API's JSON with a translated message.

use crate::media::{MediaState, client_of, media_error, refuse};
use app::messages::MediaMessage;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::MediaKind;
use services::{CurrentSession, ServiceError};
use store::UploadRecord;

/// The protocol version spoken.
const TUS_VERSION: &str = "1.0.0";
const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const MEDIA_ID: HeaderName = HeaderName::from_static("lore-media-id");
const MEDIA_URL: HeaderName = HeaderName::from_static("lore-media-url");

/// Adds `Tus-Resumable` (every answer carries it) and `headers` to `status`.
fn tus(status: StatusCode, headers: &[(HeaderName, String)]) -> Response {
    let mut response = status.into_response();
    let map = response.headers_mut();
    map.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    map.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name.clone(), value);
        }
    }
    response
}

/// A request for another protocol version than this server speaks: 412, naming the one it does.
fn wrong_version(headers: &HeaderMap) -> Option<Response> {
    let asked = headers.get(&TUS_RESUMABLE).and_then(|v| v.to_str().ok());
    (asked != Some(TUS_VERSION)).then(|| {
        tus(
            StatusCode::PRECONDITION_FAILED,
            &[(HeaderName::from_static("tus-version"), TUS_VERSION.into())],
        )
    })
}

/// A number in header `name`, if it holds one.
fn number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The signed-in person, if any.
fn signed_in(request: &Request) -> Option<CurrentSession> {
    request.extensions().get::<CurrentSession>().cloned()
}

/// The answer when nobody is signed in.
fn sign_in(headers: &HeaderMap) -> Response {
    refuse(headers, StatusCode::UNAUTHORIZED, MediaMessage::SignIn)
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs; the value of `key`, decoded.
fn metadata(headers: &HeaderMap, key: &str) -> Option<String> {
    let raw = headers.get(&UPLOAD_METADATA)?.to_str().ok()?;
    raw.split(',').find_map(|pair| {
        let mut parts = pair.trim().splitn(2, ' ');
        if parts.next()? != key {
            return None;
        }
        let value = base64::engine::general_purpose::STANDARD
            .decode(parts.next().unwrap_or("").trim())
            .ok()?;
        String::from_utf8(value).ok()
    })
}

/// `OPTIONS /media/uploads`: the protocol's discovery answer.
pub async fn options(State(state): State<MediaState>) -> Response {
    tus(
        StatusCode::NO_CONTENT,
        &[
            (HeaderName::from_static("tus-version"), TUS_VERSION.into()),
            (
                HeaderName::from_static("tus-extension"),
                "creation,termination".into(),
            ),
            (
                HeaderName::from_static("tus-max-size"),
                state.services.media().largest().to_string(),
            ),
        ],
    )
}

/// `POST /media/uploads`: begins an upload.
pub async fn create(State(state): State<MediaState>, request: Request) -> Response {
    let headers = request.headers();
    if let Some(refusal) = wrong_version(headers) {
        return refusal;
    }
    let Some(me) = signed_in(&request) else {
        return sign_in(request.headers());
    };
    let Some(kind) = metadata(headers, "kind").and_then(|k| MediaKind::parse(&k)) else {
        return refuse(headers, StatusCode::BAD_REQUEST, MediaMessage::UnknownKind);
    };
    let Some(length) = number(headers, &UPLOAD_LENGTH) else {
        return refuse(headers, StatusCode::BAD_REQUEST, MediaMessage::Empty);
    };
    let name = metadata(headers, "filename").unwrap_or_default();
    match state.services.start_upload(&me, kind, &name, length).await {
        Ok(upload) => tus(
            StatusCode::CREATED,
            &[
                (header::LOCATION, format!("/media/uploads/{}", upload.id)),
                (UPLOAD_OFFSET, "0".into()),
            ],
        ),
        Err(err) => media_error(err, headers),
    }
}

/// Where an upload stands, as protocol headers.
fn position(upload: &UploadRecord) -> Vec<(HeaderName, String)> {
    let mut headers = vec![
        (UPLOAD_OFFSET, upload.received.to_string()),
        (UPLOAD_LENGTH, upload.length.to_string()),
    ];
    if let Some(media) = upload.media {
        headers.push((MEDIA_ID, media.to_string()));
        headers.push((MEDIA_URL, format!("/media/{media}")));
    }
    headers
}

/// `HEAD /media/uploads/{id}`: where to resume.
pub async fn head(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers();
    if let Some(refusal) = wrong_version(headers) {
        return refusal;
    }
    let Some(me) = signed_in(&request) else {
        return sign_in(request.headers());
    };
    match state.services.upload_status(&me, &id).await {
        Ok(upload) => tus(StatusCode::OK, &position(&upload)),
        Err(err) => tus(status_of(&err), &[]),
    }
}

/// The status alone for answers without a body (`HEAD`).
fn status_of(err: &ServiceError) -> StatusCode {
    match err {
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Unauthorized => StatusCode::UNAUTHORIZED,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// `PATCH /media/uploads/{id}`: the bytes from `Upload-Offset` on.
pub async fn patch(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    if let Some(refusal) = wrong_version(&headers) {
        return refusal;
    }
    let Some(me) = signed_in(&request) else {
        return sign_in(request.headers());
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type != Some("application/offset+octet-stream") {
        return tus(StatusCode::UNSUPPORTED_MEDIA_TYPE, &[]);
    }
    let Some(offset) = number(&headers, &UPLOAD_OFFSET) else {
        return tus(StatusCode::BAD_REQUEST, &[]);
    };
    let client = client_of(&request);
    let body = request.into_body().into_data_stream();
    match state
        .services
        .append_upload(&me, &id, offset, body, &client)
        .await
    {
        Ok(upload) => tus(StatusCode::NO_CONTENT, &position(&upload)),
        Err(ServiceError::UploadOffset { offset }) => {
            tus(StatusCode::CONFLICT, &[(UPLOAD_OFFSET, offset.to_string())])
        }
        Err(err) => {
            let mut answer = media_error(err, &headers);
            answer
                .headers_mut()
                .insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
            answer
        }
    }
}

/// `DELETE /media/uploads/{id}`: stops it and deletes what arrived. Safe to repeat.
pub async fn delete(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Some(refusal) = wrong_version(request.headers()) {
        return refusal;
    }
    let Some(me) = signed_in(&request) else {
        return sign_in(request.headers());
    };
    match state.services.cancel_upload(&me, &id).await {
        Ok(()) => tus(StatusCode::NO_CONTENT, &[]),
        Err(err) => media_error(err, request.headers()),
    }
}
