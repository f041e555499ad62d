//! Avatars: uploaded through a plain form, checked by content rather than name, decoded under
//! limits, cropped to 256 px and stored as PNG in the database (so every node can serve them).
//! Also the development mail viewer.

use axum::extract::{Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use image::{ImageFormat, ImageReader, Limits, imageops::FilterType};
use services::{CurrentSession, Services};
use std::io::Cursor;
use std::path::PathBuf;

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

/// Checks, decodes and shrinks an uploaded image to the stored avatar PNG.
pub fn avatar_png(bytes: &[u8]) -> Result<Vec<u8>, AvatarError> {
    let format = image::guess_format(bytes).map_err(|_| AvatarError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(AvatarError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(6000);
    limits.max_image_height = Some(6000);
    limits.max_alloc = Some(128 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader.decode().map_err(|err| match err {
        image::ImageError::Limits(_) => AvatarError::TooLarge,
        _ => AvatarError::NotAnImage,
    })?;
    let square = image.resize_to_fill(AVATAR_SIDE, AVATAR_SIDE, FilterType::Lanczos3);
    let mut png = Vec::new();
    square
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| AvatarError::NotAnImage)?;
    Ok(png)
}

/// `POST /account/avatar` (multipart, field `avatar`). Browsers are sent back to the account page
/// (with `?avatar=…` naming a refusal); other clients get the status code.
pub async fn upload_avatar(State(services): State<Services>, request: Request) -> Response {
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
        tokio::task::spawn_blocking(move || avatar_png(&bytes))
            .await
            .map_err(|_| AvatarError::NotAnImage)?
    }
    .await;
    match outcome {
        Ok(png) => match services.store().set_avatar(me.actor.id, &png).await {
            Ok(()) if wants_html => Redirect::to("/account?avatar=saved").into_response(),
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(err) => {
                tracing::error!(error = %err, "storing an avatar");
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
pub async fn avatar(State(services): State<Services>, Path(file): Path<String>) -> Response {
    let Some(id) = file
        .strip_suffix(".png")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match services.store().avatar(domain::UserId::new(id)).await {
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
            tracing::error!(error = %err, "reading an avatar");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `GET /dev/mail`: the mails written to the data folder, newest first. Development mode only.
pub async fn dev_mail(State(dir): State<PathBuf>) -> Html<String> {
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
    Html(html)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([10, 20, 30]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_become_256_pixel_pngs() {
        let out = avatar_png(&png(800, 400)).unwrap();
        let decoded = image::load_from_memory(&out).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (256, 256));
    }

    #[test]
    fn html_named_png_is_refused_by_content() {
        assert_eq!(
            avatar_png(b"<html><script>alert(1)</script></html>"),
            Err(AvatarError::NotAnImage)
        );
    }

    #[test]
    fn huge_dimensions_are_refused_before_decoding() {
        // A valid PNG header claiming 100000 x 100000 pixels: a decompression bomb.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(avatar_png(&bomb).is_err());
    }
}
