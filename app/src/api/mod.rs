//! Server functions: thin adapters from HTTP to one service call each, at stable `/api/…` URLs.

pub mod account;
pub mod admin;
mod catalog;
mod commerce;
mod course;
mod home;
pub mod learning;
mod lesson;
pub mod notifications;
pub mod review;
mod search;
mod studio;
pub mod types;

pub use catalog::browse;
pub(crate) use commerce::{Buy, CreateCoupon, EndCoupon, RequestRefund, SandboxChoose};
pub use commerce::{
    buy, coupons, create_coupon, earnings, end_coupon, my_order, my_orders, order_receipt,
    quote_price, request_refund, sandbox_choose, sandbox_page,
};
pub use course::course;
pub(crate) use home::SetFeatured;
pub use home::{home, set_featured};
pub use lesson::lesson;
pub use search::search;
pub(crate) use studio::{
    StructureEdit, StudioCreateCourse, StudioLessonDetails, StudioLessonFiles, StudioSaveSettings,
    StudioStructure, StudioSubmit,
};
pub use studio::{
    studio_course, studio_create_course, studio_home, studio_lesson, studio_lesson_details,
    studio_lesson_files, studio_lesson_media, studio_publish, studio_save_lesson,
    studio_save_settings, studio_structure, studio_submit,
};

/// The shared services, provided to every request by the server.
#[cfg(feature = "ssr")]
fn services() -> Result<services::Services, crate::AppError> {
    leptos::prelude::use_context::<services::Services>().ok_or_else(|| {
        tracing::error!("services missing from the request context");
        crate::error::set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        crate::AppError::Unavailable
    })
}
