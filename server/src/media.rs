//! Avatars: uploaded through a plain form, then through the one image pipeline (`images`: checked
//! by content, decoded under limits, cropped before scaling to 256 px) and stored as PNG in the
//! database (so every node can serve them).

use axum::extract::{Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use images::{ImageError, ImagePipeline, Target};
use services::{CurrentSession, Services};

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
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return if wants_html {
            Redirect::to("/login?next=/account").into_response()
        } else {
            StatusCode::UNAUTHORIZED.into_response()
        };
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
        Ok(png) => match state.services.set_avatar(&me, &png).await {
            Ok(()) if wants_html => Redirect::to("/account?avatar=saved").into_response(),
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(err) => {
                tracing::error!(error = %services::cause_chain(&err), "storing an avatar");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
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
    match state.services.store().avatar(domain::UserId::new(id)).await {
        Ok(Some((png, _))) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline; filename=\"avatar.png\""),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            png,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %services::cause_chain(&err), "reading an avatar");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
