//! Pieces shared by several pages.

mod course_card;
mod error_panel;
mod footer;
mod header;
mod lang_switch;

pub use course_card::{CourseGrid, Price};
pub use error_panel::ErrorPanel;
pub use footer::Footer;
pub use header::Header;
pub use lang_switch::LangSwitch;
