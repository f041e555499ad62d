//! One module per route.

mod account;
mod admin;
mod catalog;
mod confirm_email;
mod coupons;
mod course;
mod earnings;
mod home;
mod lazy;
mod learning;
mod lesson;
mod login;
mod not_found;
mod notifications;
mod orders;
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
pub use admin::{AdminAuditPage, AdminOrdersPage, AdminPage, AdminReviewsPage, AdminUsersPage};
pub use catalog::CatalogPage;
pub use confirm_email::ConfirmEmailPage;
pub use coupons::CouponsPage;
pub use course::CoursePage;
pub use earnings::{AdminPayoutsPage, EarningsPage};
pub use home::HomePage;
pub use lazy::{
    AccountRoute, AdminAuditRoute, AdminOrdersRoute, AdminPayoutsRoute, AdminReviewsRoute,
    AdminRoute, AdminUsersRoute, AuthorRoute, CertificateRoute, ConfirmEmailRoute, CouponsRoute,
    EarningsRoute, LearningRoute, LoginRoute, NotificationsRoute, OrderRoute, OrdersRoute,
    ReceiptRoute, RegisterRoute, ResetPasswordRoute, ReviewQueueRoute, ReviewRevisionRoute,
    SandboxPayRoute, StudioCourseRoute, StudioLessonRoute, StudioRoute,
};
pub use learning::{AuthorPage, CertificatePage, LearningPage};
pub use lesson::LessonPage;
pub use login::LoginPage;
pub use not_found::{NotFound, NotFoundContent};
pub use notifications::NotificationsPage;
pub use orders::{OrderPage, OrdersPage, ReceiptPage, SandboxPayPage};
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;
pub use review::{ReviewQueuePage, ReviewRevisionPage};
pub use search::SearchPage;
pub use sign_in_prompt::{PageError, SignInPrompt};
pub use studio::StudioPage;
pub use studio_course::StudioCoursePage;
pub use studio_lesson::StudioLessonPage;
