//! One module per route.

mod admin;
mod catalog;
mod course;
mod home;
mod lesson;
mod not_found;
mod search;
mod studio;

pub use admin::AdminPage;
pub use catalog::CatalogPage;
pub use course::CoursePage;
pub use home::HomePage;
pub use lesson::LessonPage;
pub use not_found::{NotFound, NotFoundContent};
pub use search::SearchPage;
pub use studio::StudioPage;
