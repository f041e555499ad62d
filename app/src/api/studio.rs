//! Server functions of the authoring studio.

use crate::AppError;
use crate::api::types::StudioOverview;
use leptos::prelude::*;

/// The signed-in author's courses and the categories a new one can go in.
#[server(endpoint = "studio_home")]
pub async fn studio_home() -> Result<StudioOverview, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let courses = services
        .studio_courses(&me)
        .await
        .map_err(AppError::from_service)?;
    let categories = services
        .categories()
        .await
        .map_err(AppError::from_service)?;
    Ok(StudioOverview {
        courses: courses
            .into_iter()
            .map(|c| crate::api::types::StudioCourseView {
                id: c.course,
                title: c.title,
                slug: c.slug,
                state: c.state,
                listed: c.listed,
                live_revision: c.live_revision,
                last_revision: c.last_revision,
                edited: domain::time::format_utc(c.updated_at),
                lessons: c.lessons,
            })
            .collect(),
        categories,
    })
}

/// Creates a course from the "new course" form; the rest of its settings start at their
/// defaults (beginner, 7-day refunds, a slug made from the title). Refused fields come back
/// together as [`AppError::Fields`].
#[server(endpoint = "studio_create_course")]
pub async fn studio_create_course(
    title: String,
    category: String,
    language: String,
    price: String,
    currency: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let form = domain::authoring::SettingsForm {
        title,
        category,
        language,
        level: domain::authoring::Level::default().as_str().to_owned(),
        price,
        currency,
        ..Default::default()
    };
    super::services()?
        .create_course(&me, &form, &crate::auth::client())
        .await
        .map(drop)
        .map_err(AppError::from_service)
}
