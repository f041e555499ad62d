//! Server functions of the bell: the list, marking read, delivery preferences.

mod list;
mod mark_read;
mod prefs;

pub use list::notifications;
pub(crate) use mark_read::MarkRead;
pub use mark_read::mark_read;
pub(crate) use prefs::SaveNotificationPrefs;
pub use prefs::save_notification_prefs;
