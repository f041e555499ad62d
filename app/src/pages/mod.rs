//! One module per route.

mod account;
mod admin;
mod catalog;
mod confirm_email;
mod course;
mod home;
mod lazy;
mod learning;
mod lesson;
mod login;
mod not_found;
mod notifications;
#[cfg(feature = "hydrate")]
mod player;
mod register;
mod reset_password;
mod review;
mod search;
mod sign_in_prompt;
mod studio;
mod studio_course;
mod studio_lesson;

pub use account::AccountPage;
pub use admin::{AdminAuditPage, AdminPage, AdminReviewsPage, AdminUsersPage};
pub use catalog::CatalogPage;
pub use confirm_email::ConfirmEmailPage;
pub use course::CoursePage;
pub use home::HomePage;
pub use lazy::{
    AccountRoute, AdminAuditRoute, AdminReviewsRoute, AdminRoute, AdminUsersRoute, AuthorRoute,
    CertificateRoute, ConfirmEmailRoute, LearningRoute, LoginRoute, NotificationsRoute,
    RegisterRoute, ResetPasswordRoute, ReviewQueueRoute, ReviewRevisionRoute, StudioCourseRoute,
    StudioLessonRoute, StudioRoute,
};
pub use learning::{AuthorPage, CertificatePage, LearningPage};
pub use lesson::LessonPage;
pub use login::LoginPage;
pub use not_found::{NotFound, NotFoundContent};
pub use notifications::NotificationsPage;
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;
pub use review::{ReviewQueuePage, ReviewRevisionPage};
pub use search::SearchPage;
pub use sign_in_prompt::SignInPrompt;
pub use studio::StudioPage;
pub use studio_course::StudioCoursePage;
pub use studio_lesson::StudioLessonPage;
