use crate::AppError;
use domain::learning::CoursePage;
use domain::progress::{Certificate, LearningEntry};
use leptos::prelude::*;

/// A published course as the visitor sees it: the action that fits them, their progress and
/// review, and the newest reviews.
#[server(endpoint = "course_page")]
pub async fn course_for_visitor(slug: String) -> Result<CoursePage, AppError> {
    let me = crate::auth::current_session();
    super::super::services()?
        .course_page(me.as_ref().map(|me| &me.actor), &slug)
        .await
        .map_err(AppError::from_service)
}

/// Enrolls the signed-in learner in the free course `slug`; enrolling twice changes nothing.
#[server(endpoint = "enroll")]
pub async fn enroll(slug: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .enroll(Some(&me.actor), &slug)
        .await
        .map_err(AppError::from_service)?;
    Ok(())
}

/// Follows (`follow` = true) or unfollows the author `author`.
#[server(endpoint = "follow")]
pub async fn follow_author(author: i64, #[server(default)] follow: bool) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .set_following(&me.actor, domain::UserId::new(author), follow)
        .await
        .map_err(AppError::from_service)
}

/// The signed-in learner's courses, most recently active first.
#[server(endpoint = "my_learning")]
pub async fn my_learning() -> Result<Vec<LearningEntry>, AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .my_learning(&me.actor)
        .await
        .map_err(AppError::from_service)
}

/// Issues (once) the learner's certificate for the finished course `slug` and opens it.
#[server(endpoint = "claim_certificate")]
pub async fn claim_certificate(slug: String) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let code = super::super::services()?
        .claim_certificate(&me.actor, &slug)
        .await
        .map_err(AppError::from_service)?;
    leptos_axum::redirect(&format!("/certificates/{code}"));
    Ok(())
}

/// The certificate with `code`, for its public verification page.
#[server(endpoint = "certificate")]
pub async fn verify_certificate(code: String) -> Result<Certificate, AppError> {
    super::super::services()?
        .certificate(&code)
        .await
        .map_err(AppError::from_service)
}

/// The public page of author `key` (their id or handle).
#[server(endpoint = "author")]
pub async fn author_profile(key: String) -> Result<domain::learning::AuthorProfile, AppError> {
    let me = crate::auth::current_session();
    super::super::services()?
        .author_profile(me.as_ref().map(|me| &me.actor), &key)
        .await
        .map_err(AppError::from_service)
}

/// Sets the signed-in author's public biography and handle.
#[server(endpoint = "set_profile")]
pub async fn set_profile(
    #[server(default)] bio: String,
    #[server(default)] handle: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::super::services()?
        .set_profile(&me.actor, &bio, &handle)
        .await
        .map_err(AppError::from_service)
}
