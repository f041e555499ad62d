//! Course archives over HTTP, thin adapters around `services::course_archive`:
//!
//! - `GET /studio/courses/{id}/export`: the draft as one zip, written to a temporary file and
//!   streamed from there, so a course with gigabytes of video never sits in memory.
//! - `POST /studio/import` (multipart, field `archive`): the zip is streamed to a temporary file,
//!   imported as a new draft, and the browser is sent to its editor; a refusal goes back to
//!   `/studio?import=<code>&detail=…`, which says it in the reader's language.

use crate::media::{MediaState, client_of, media_error, sign_in_first, wants_html};
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::CourseId;
use futures_util::TryStreamExt;
use serde::Serialize;
use services::course_archive::{Exporter, ImportProblem, Importer};
use services::{CurrentSession, ServiceError};
use std::io::Seek;
use tokio::io::AsyncWriteExt;

/// The largest archive accepted: the archive format's media limit, and room for the manifest.
const MAX_ARCHIVE_BYTES: u64 = 16 * 1024 * 1024 * 1024 + 64 * 1024 * 1024;

/// `GET /studio/courses/{id}/export`: the course's author or an admin.
pub async fn export(
    State(state): State<MediaState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/studio").into_response();
    };
    let Ok(course) = id.parse::<i64>().map(CourseId::new) else {
        return media_error(ServiceError::NotFound, &headers);
    };
    let exported = async {
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(|_| ServiceError::Invalid("archive"))?
            .map_err(|_| ServiceError::Invalid("archive"))?;
        let target = file
            .try_clone()
            .map_err(|_| ServiceError::Invalid("archive"))?;
        let exported = state
            .services
            .export_course(&Exporter::Person(me.actor), course, target)
            .await?;
        Ok::<_, ServiceError>((exported, file))
    }
    .await;
    match exported {
        Ok((exported, mut file)) => {
            if file.rewind().is_err() {
                return media_error(ServiceError::Invalid("archive"), &headers);
            }
            let body = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
            let name = format!("{}.lore.zip", exported.slug);
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                Body::from_stream(body),
            )
                .into_response()
        }
        Err(err) => media_error(err, &headers),
    }
}

/// What a script importing an archive is told.
#[derive(Serialize)]
struct ImportedAnswer {
    course: CourseId,
    slug: String,
    lessons: usize,
    media: usize,
}

/// `POST /studio/import`: an author or admin imports an archive as a new draft of their own.
pub async fn import(State(state): State<MediaState>, request: Request) -> Response {
    let (wants_html, client) = (wants_html(&request), client_of(&request));
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return sign_in_first(wants_html, "/studio");
    };
    let outcome = async {
        let file = receive_archive(request).await?;
        state
            .services
            .import_course(&Importer::Person(me.actor), file, &client)
            .await
    }
    .await;
    match outcome {
        Ok(imported) if wants_html => {
            Redirect::to(&format!("/studio/courses/{}?imported=1", imported.course)).into_response()
        }
        Ok(imported) => (
            StatusCode::CREATED,
            Json(ImportedAnswer {
                course: imported.course,
                slug: imported.slug.to_string(),
                lessons: imported.lessons,
                media: imported.media,
            }),
        )
            .into_response(),
        Err(err) => refuse(err, wants_html),
    }
}

/// The multipart field `archive`, streamed into a temporary file (at most
/// [`MAX_ARCHIVE_BYTES`]).
async fn receive_archive(request: Request) -> Result<std::fs::File, ServiceError> {
    let missing = || ServiceError::from(ImportProblem::NoFile);
    let mut form = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
        .await
        .map_err(|_| missing())?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() != Some("archive") {
            continue;
        }
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(|_| ServiceError::Invalid("archive"))?
            .map_err(|_| ServiceError::Invalid("archive"))?;
        let mut writer = tokio::fs::File::from_std(
            file.try_clone()
                .map_err(|_| ServiceError::Invalid("archive"))?,
        );
        let mut field = field.map_err(std::io::Error::other);
        let mut size: u64 = 0;
        while let Some(chunk) = field
            .try_next()
            .await
            .map_err(|_| ServiceError::File(services::media::FileProblem::Interrupted))?
        {
            size += chunk.len() as u64;
            if size > MAX_ARCHIVE_BYTES {
                return Err(ServiceError::File(services::media::FileProblem::TooLarge));
            }
            writer
                .write_all(&chunk)
                .await
                .map_err(|_| ServiceError::Invalid("archive"))?;
        }
        writer
            .flush()
            .await
            .map_err(|_| ServiceError::Invalid("archive"))?;
        let mut file = file;
        file.rewind()
            .map_err(|_| ServiceError::Invalid("archive"))?;
        return Ok(file);
    }
    Err(missing())
}

/// A refused import: back to the studio with a code its page translates, or JSON for scripts.
fn refuse(err: ServiceError, wants_html: bool) -> Response {
    let (status, code, detail) = match &err {
        ServiceError::Import(problem) => {
            (StatusCode::BAD_REQUEST, problem.code(), problem.to_string())
        }
        ServiceError::File(services::media::FileProblem::TooLarge) => {
            (StatusCode::PAYLOAD_TOO_LARGE, "too-large", String::new())
        }
        ServiceError::File(_) => (StatusCode::BAD_REQUEST, "interrupted", String::new()),
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", String::new()),
        ServiceError::Unavailable(_) | ServiceError::MediaUnavailable(_) => {
            tracing::error!(error = %services::cause_chain(&err), "import failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                String::new(),
            )
        }
        other => {
            tracing::warn!(error = %services::cause_chain(other), "import refused");
            (StatusCode::BAD_REQUEST, "invalid", String::new())
        }
    };
    if wants_html {
        let detail: String = detail.chars().take(300).collect();
        let detail = crate::media::percent_encode(&detail);
        return Redirect::to(&format!("/studio?import={code}&detail={detail}")).into_response();
    }
    #[derive(Serialize)]
    struct Refusal {
        error: &'static str,
        detail: String,
    }
    (
        status,
        Json(Refusal {
            error: code,
            detail,
        }),
    )
        .into_response()
}
