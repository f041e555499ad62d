use crate::AppError;
use domain::HomePage;
use leptos::prelude::*;

/// The home page: featured, newest and popular courses, each category's newest, and the signed-in
/// learner's unfinished courses.
#[server(endpoint = "home")]
pub async fn home() -> Result<HomePage, AppError> {
    let me = crate::auth::current_session();
    super::services()?
        .home(me.as_ref().map(|me| &me.actor))
        .await
        .map_err(AppError::from_service)
}

/// Picks course `course` for the home page (`featured` = true) or takes it off (admins).
#[server(endpoint = "set_featured")]
pub async fn set_featured(course: i64, #[server(default)] featured: bool) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .set_featured(&me.actor, domain::CourseId::new(course), featured)
        .await
        .map_err(AppError::from_service)
}
