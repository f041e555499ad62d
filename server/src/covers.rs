//! Course covers over HTTP, thin adapters around `services::covers`:
//!
//! - `POST /studio/courses/{id}/cover` (multipart: a file `cover`, or `remove`): a plain form on
//!   the course's settings, answered with the course page and `?cover=<outcome>`, which that page
//!   says in the reader's language; scripts get a status code.
//! - `GET /media/covers/{id}-{card|page}.jpg`: a cover's card or page size. Listed courses'
//!   covers are public and never change under one address (a new cover is a new file), so shared
//!   caches may keep them for a year.

use crate::media::{MediaState, client_of, media_error, sign_in_first, wants_html};
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::media::CoverVariant;
use domain::{CourseId, MediaId};
use services::media::FileProblem;
use services::{CurrentSession, ServiceError};

/// `GET /media/covers/{file}`, `file` being `{id}-{variant}.jpg`.
pub async fn cover(
    State(state): State<MediaState>,
    Path(file): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let parsed = file
        .strip_suffix(".jpg")
        .and_then(|name| name.split_once('-'))
        .and_then(|(id, variant)| {
            Some((id.parse::<MediaId>().ok()?, CoverVariant::parse(variant)?))
        });
    let Some((id, variant)) = parsed else {
        return media_error(ServiceError::NotFound, headers);
    };
    let me = request
        .extensions()
        .get::<CurrentSession>()
        .map(|s| &s.actor);
    match state.services.cover_file(me, id, variant).await {
        Ok(file) => {
            let cache = if file.public {
                "public, max-age=31536000, immutable"
            } else {
                "private, max-age=3600"
            };
            (
                [
                    (header::CONTENT_TYPE, "image/jpeg"),
                    (header::CACHE_CONTROL, cache),
                ],
                file.bytes,
            )
                .into_response()
        }
        Err(err) => media_error(err, headers),
    }
}

/// `POST /studio/courses/{id}/cover`.
pub async fn set_cover(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (wants_html, client) = (wants_html(&request), client_of(&request));
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return sign_in_first(wants_html, "/studio");
    };
    let Ok(course) = id.parse::<i64>().map(CourseId::new) else {
        return media_error(ServiceError::NotFound, &HeaderMap::new());
    };
    let outcome = async {
        let mut form = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
            .await
            .map_err(|_| ServiceError::File(FileProblem::Empty))?;
        while let Ok(Some(field)) = form.next_field().await {
            match field.name() {
                Some("remove") => {
                    state.services.remove_cover(&me, course).await?;
                    return Ok("removed");
                }
                Some("cover") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|_| ServiceError::File(FileProblem::TooLarge))?;
                    if bytes.is_empty() {
                        break;
                    }
                    state
                        .services
                        .set_cover(&me, course, bytes.to_vec(), &name, &client)
                        .await?;
                    return Ok("saved");
                }
                _ => {}
            }
        }
        Err(ServiceError::File(FileProblem::Empty))
    }
    .await;
    let code = match &outcome {
        Ok(done) => *done,
        Err(ServiceError::File(FileProblem::Empty)) => "missing",
        Err(ServiceError::File(FileProblem::WrongType)) => "not-an-image",
        Err(ServiceError::File(FileProblem::TooLarge)) => "too-large",
        Err(ServiceError::Throttled { .. }) => "throttled",
        Err(_) => "",
    };
    match outcome {
        Err(err) if code.is_empty() || !wants_html => {
            let status_only = matches!(err, ServiceError::File(_));
            if status_only {
                (StatusCode::BAD_REQUEST, code).into_response()
            } else {
                media_error(err, &HeaderMap::new())
            }
        }
        _ if wants_html => {
            Redirect::to(&format!("/studio/courses/{course}?cover={code}")).into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}
