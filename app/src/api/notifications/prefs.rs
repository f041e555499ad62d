use crate::AppError;
use leptos::prelude::*;

/// Sets how the reader hears of each kind: one field per kind (`review`, `course_updated`,
/// `new_course`, `orders`), each `in_app`, `mail`, `both` or `off`. A kind left out keeps its choice.
#[server(endpoint = "notification_prefs")]
pub async fn save_notification_prefs(
    #[server(default)] review: String,
    #[server(default)] course_updated: String,
    #[server(default)] new_course: String,
    #[server(default)] orders: String,
) -> Result<(), AppError> {
    use domain::notify::{Delivery, Kind};
    let me = crate::auth::require_session()?;
    let mut prefs = Vec::new();
    for (kind, raw) in [
        (Kind::Review, review),
        (Kind::CourseUpdated, course_updated),
        (Kind::NewCourse, new_course),
        (Kind::Orders, orders),
    ] {
        if raw.is_empty() {
            continue;
        }
        let Some(delivery) = Delivery::parse(&raw) else {
            crate::error::set_status(http::StatusCode::BAD_REQUEST);
            return Err(AppError::Invalid(kind.as_str().to_owned()));
        };
        prefs.push((kind, delivery));
    }
    super::super::services()?
        .set_delivery_prefs(&me, &prefs)
        .await
        .map_err(AppError::from_service)
}
