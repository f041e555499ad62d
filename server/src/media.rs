//! Uploaded files over HTTP: thin adapters around the media service.
//!
//! - Avatars: a plain form (`POST /account/avatar`), then the one image pipeline (`images`: checked
//!   by content, decoded under limits, cropped before scaling to 256 px), stored as PNG in the media
//!   store; served at `/media/avatars/{user}.png`.
//! - Course files: `POST /media?kind=video&name=intro.mp4` with the file as the raw body, streamed
//!   to the media store as it arrives (never whole in memory); `GET /media/{id}` with `Range`
//!   support for players, checked per request or by a signed address (`?expires=…&sig=…`, ten
//!   minutes); `DELETE /media/{id}`. Errors are JSON with a translated message.

use app::messages::{self, MediaMessage};
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{MediaId, MediaKind};
use futures_util::TryStreamExt;
use images::{ImageError, ImagePipeline, Target};
use serde::{Deserialize, Serialize};
use services::media::{Download, FileProblem, Grant};
use services::{Client, CurrentSession, ServiceError, Services};

/// The largest avatar upload accepted.
pub const AVATAR_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Stored avatars are this many pixels square.
const AVATAR_SIDE: u32 = 256;

/// Why an upload was refused; the code goes back to the account page, which says it in the
/// reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarError {
    /// No file in the form.
    Missing,
    /// Not a PNG, JPEG, WebP or GIF by its first bytes, whatever its name says.
    NotAnImage,
    /// An image that would not decode within the limits (too large, or a decompression bomb).
    TooLarge,
}

impl AvatarError {
    fn code(self) -> &'static str {
        match self {
            AvatarError::Missing => "missing",
            AvatarError::NotAnImage => "not-an-image",
            AvatarError::TooLarge => "too-large",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            AvatarError::Missing => StatusCode::BAD_REQUEST,
            AvatarError::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AvatarError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

/// The size stored avatars are made to fill.
const AVATAR: Target = Target {
    width: AVATAR_SIDE,
    height: AVATAR_SIDE,
};

impl From<ImageError> for AvatarError {
    fn from(err: ImageError) -> Self {
        match err {
            ImageError::NotAnImage => AvatarError::NotAnImage,
            ImageError::TooLarge => AvatarError::TooLarge,
        }
    }
}

/// What the media handlers need.
#[derive(Clone)]
pub struct MediaState {
    /// To store and read avatars.
    pub services: Services,
    /// The one image pipeline, with its memory budget shared by every upload.
    pub images: ImagePipeline,
}

/// `POST /account/avatar` (multipart, field `avatar`). Browsers are sent back to the account page
/// (with `?avatar=…` naming a refusal); other clients get the status code.
pub async fn upload_avatar(State(state): State<MediaState>, request: Request) -> Response {
    let (wants_html, client) = (wants_html(&request), client_of(&request));
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return sign_in_first(wants_html, "/account");
    };
    let outcome = async {
        let mut form = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
            .await
            .map_err(|_| AvatarError::Missing)?;
        let mut bytes = None;
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some("avatar") {
                bytes = Some(field.bytes().await.map_err(|_| AvatarError::TooLarge)?);
                break;
            }
        }
        let bytes = bytes
            .filter(|b| !b.is_empty())
            .ok_or(AvatarError::Missing)?;
        Ok::<_, AvatarError>(state.images.fill(bytes.to_vec(), AVATAR).await?)
    }
    .await;
    match outcome {
        Ok(png) => match state.services.set_avatar(&me, png, &client).await {
            Ok(()) if wants_html => Redirect::to("/account?avatar=saved").into_response(),
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(ServiceError::Throttled { .. }) if wants_html => {
                Redirect::to("/account?avatar=throttled").into_response()
            }
            Err(err) => media_error(err, &HeaderMap::new()),
        },
        Err(refusal) if wants_html => {
            Redirect::to(&format!("/account?avatar={}", refusal.code())).into_response()
        }
        Err(refusal) => (refusal.status(), refusal.code()).into_response(),
    }
}

/// `GET /media/avatars/{id}.png`.
pub async fn avatar(State(state): State<MediaState>, Path(file): Path<String>) -> Response {
    let Some(id) = file
        .strip_suffix(".png")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.services.avatar_file(domain::UserId::new(id)).await {
        // Public, and replaced under the same address: caches may keep it a few minutes.
        Ok(download) => send(download, "public, max-age=300"),
        Err(err) => media_error(err, &HeaderMap::new()),
    }
}

/// The query of `POST /media`.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// `image`, `video`, `audio` or `document`.
    kind: Option<String>,
    /// The file's name on the uploader's machine (offered again on download).
    #[serde(default)]
    name: String,
}

/// What `POST /media` answers: the stored file.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    /// The file's id.
    id: MediaId,
    /// What it is for.
    kind: MediaKind,
    /// Its content type, as sniffed.
    content_type: String,
    /// Its length in bytes.
    size: u64,
    /// Its name for downloads.
    file_name: String,
    /// Where to read it.
    url: String,
}

/// `POST /media?kind=…&name=…`, the file as the raw request body (no multipart: a studio sends it
/// with `fetch` and shows progress). The body is streamed to the media store as it arrives.
pub async fn upload(
    State(state): State<MediaState>,
    Query(query): Query<UploadQuery>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return refuse(&headers, StatusCode::UNAUTHORIZED, MediaMessage::SignIn);
    };
    let Some(kind) = query.kind.as_deref().and_then(MediaKind::parse) else {
        return refuse(&headers, StatusCode::BAD_REQUEST, MediaMessage::UnknownKind);
    };
    let client = client_of(&request);
    let body = request.into_body().into_data_stream();
    match state
        .services
        .upload_media(&me, kind, &query.name, body, &client)
        .await
    {
        Ok(record) => (
            StatusCode::CREATED,
            Json(Uploaded {
                id: record.id,
                kind: record.kind,
                url: format!("/media/{}", record.id),
                content_type: record.content_type,
                size: record.byte_size,
                file_name: record.file_name,
            }),
        )
            .into_response(),
        Err(err) => media_error(err, &headers),
    }
}

/// The query of a signed `GET /media/{id}?expires=…&sig=…`. Both or neither: half a signature
/// is no signature.
#[derive(Debug, Deserialize)]
pub struct SignedQuery {
    expires: Option<i64>,
    sig: Option<String>,
}

/// `GET /media/{id}`: the file, or the `Range` of it a player asks for, to those allowed, or to
/// anyone holding a signed address for it that has not expired.
pub async fn file(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    Query(query): Query<SignedQuery>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let Ok(id) = id.parse::<MediaId>() else {
        return refuse(headers, StatusCode::NOT_FOUND, MediaMessage::NotFound);
    };
    let me = request.extensions().get::<CurrentSession>();
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let grant = match query {
        SignedQuery {
            expires: Some(expires),
            sig: Some(sig),
        } => Some(Grant { expires, sig }),
        _ => None,
    };
    match state
        .services
        .media_file(me, id, grant.as_ref(), range)
        .await
    {
        // Private files: never in a shared cache.
        Ok(download) => send(download, "private, max-age=3600"),
        Err(err) => media_error(err, headers),
    }
}

/// `DELETE /media/{id}`: its owner or an admin.
pub async fn delete(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let Some(me) = request.extensions().get::<CurrentSession>() else {
        return refuse(headers, StatusCode::UNAUTHORIZED, MediaMessage::SignIn);
    };
    let Ok(id) = id.parse::<MediaId>() else {
        return refuse(headers, StatusCode::NOT_FOUND, MediaMessage::NotFound);
    };
    let client = client_of(&request);
    match state.services.delete_media(me, id, &client).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => media_error(err, headers),
    }
}

/// Whether the request is a browser's plain form post, answered with a redirect to a page rather
/// than a status code.
pub(crate) fn wants_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The answer to a form posted without a session: the sign-in page (coming back to `next`) for
/// browsers, 401 for scripts.
pub(crate) fn sign_in_first(wants_html: bool, next: &str) -> Response {
    if wants_html {
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// Who sent the request, for the audit log (the session layer notes it on every request).
pub(crate) fn client_of(request: &Request) -> Client {
    request
        .extensions()
        .get::<Client>()
        .cloned()
        .unwrap_or(Client {
            ip: String::new(),
            user_agent: String::new(),
        })
}

/// A file's bytes with the headers that keep it inert: its sniffed type, `nosniff` (from the
/// security layer), a download name, and `attachment` for documents so none renders in Lore's
/// origin.
fn send(download: Download, cache: &'static str) -> Response {
    let Download {
        record,
        range,
        body,
    } = download;
    let disposition = if record.kind.inline() {
        "inline"
    } else {
        "attachment"
    };
    let name = if record.file_name.is_empty() {
        "file".to_owned()
    } else {
        record.file_name.clone()
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(&name)
    );
    let mut builder = Response::builder()
        .header(header::CONTENT_TYPE, &record.content_type)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, cache)
        .header(header::CONTENT_DISPOSITION, disposition);
    builder = match range {
        Some(range) => builder
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_LENGTH, range.end - range.start)
            .header(
                header::CONTENT_RANGE,
                format!(
                    "bytes {}-{}/{}",
                    range.start,
                    range.end - 1,
                    record.byte_size
                ),
            ),
        None => builder
            .status(StatusCode::OK)
            .header(header::CONTENT_LENGTH, record.byte_size),
    };
    let body = Body::from_stream(body.map_err(|err| {
        tracing::error!(error = %services::cause_chain(&err), "sending a file failed midway");
        err
    }));
    builder.body(body).unwrap_or_else(|err| {
        tracing::error!(%err, "building a file response");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// RFC 8187 encoding for `filename*`: everything but unreserved characters as `%XX`.
pub(crate) fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A media error as JSON `{ "error": code, "message": translated }`, with the right status.
pub(crate) fn refuse(headers: &HeaderMap, status: StatusCode, message: MediaMessage) -> Response {
    #[derive(Serialize)]
    struct Refusal {
        error: &'static str,
        message: String,
    }
    let code = match message {
        MediaMessage::SignIn => "sign-in",
        MediaMessage::Forbidden => "forbidden",
        MediaMessage::UnknownKind => "unknown-kind",
        MediaMessage::Empty => "empty",
        MediaMessage::WrongType => "wrong-type",
        MediaMessage::TooLarge => "too-large",
        MediaMessage::Interrupted => "interrupted",
        MediaMessage::Throttled => "throttled",
        MediaMessage::NotFound => "not-found",
        MediaMessage::InUse => "in-use",
        MediaMessage::Unavailable => "unavailable",
    };
    let lang = messages::request_lang(headers);
    (
        status,
        Json(Refusal {
            error: code,
            message: messages::media(lang, message),
        }),
    )
        .into_response()
}

/// Maps what the media service refused or failed at to an answer; platform failures are logged.
pub(crate) fn media_error(err: ServiceError, headers: &HeaderMap) -> Response {
    let (status, message) = match err {
        ServiceError::NotFound => (StatusCode::NOT_FOUND, MediaMessage::NotFound),
        ServiceError::Unauthorized => (StatusCode::UNAUTHORIZED, MediaMessage::SignIn),
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, MediaMessage::Forbidden),
        ServiceError::File(FileProblem::Empty) => (StatusCode::BAD_REQUEST, MediaMessage::Empty),
        ServiceError::File(FileProblem::WrongType) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, MediaMessage::WrongType)
        }
        ServiceError::File(FileProblem::TooLarge) => {
            (StatusCode::PAYLOAD_TOO_LARGE, MediaMessage::TooLarge)
        }
        ServiceError::File(FileProblem::Interrupted) => {
            (StatusCode::BAD_REQUEST, MediaMessage::Interrupted)
        }
        ServiceError::File(FileProblem::InUse) => (StatusCode::CONFLICT, MediaMessage::InUse),
        ServiceError::Throttled { retry_after_secs } => {
            let mut answer = refuse(
                headers,
                StatusCode::TOO_MANY_REQUESTS,
                MediaMessage::Throttled,
            );
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return answer;
        }
        ServiceError::RangeNotSatisfiable { size } => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
            )
                .into_response();
        }
        other => {
            tracing::error!(error = %services::cause_chain(&other), "media request failed");
            (StatusCode::SERVICE_UNAVAILABLE, MediaMessage::Unavailable)
        }
    };
    refuse(headers, status, message)
}
