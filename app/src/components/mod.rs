//! Pieces shared by several pages.

mod bell;
mod course_card;
mod editor;
mod error_panel;
mod footer;
mod forms;
mod header;
mod lang_switch;

pub use bell::{Bell, NoticeText};
pub use course_card::{CourseGrid, Price};
pub use editor::{EditorTarget, RichEditor, Widget, mount_when_ready};
pub use error_panel::{ErrorMessage, ErrorPanel};
pub use footer::Footer;
pub use forms::{ActionDone, ActionError};
pub use header::Header;
pub use lang_switch::LangSwitch;
