use crate::AppError;
use leptos::prelude::*;

/// Takes a live course off the catalog with a reason (`listed` false), or puts an unpublished
/// one back (`listed` true); admins only. The course is named by its slug.
#[server(endpoint = "review_listing")]
pub async fn review_listing(
    slug: String,
    listed: bool,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    let services = super::super::services()?;
    let course = services
        .course_by_slug(slug.trim())
        .await
        .map_err(AppError::from_service)?;
    let client = crate::auth::client();
    if listed {
        services.republish_course(&me, course, &client).await
    } else {
        services
            .unpublish_course(&me, course, &reason, &client)
            .await
    }
    .map_err(AppError::from_service)
}
