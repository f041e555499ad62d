//! Server functions for the staff area.

mod audit;
mod orders;
mod set_disabled;
mod set_role;
mod users;

pub use audit::admin_audit;
pub(crate) use orders::{AdminRefund, AdminRetryEvent};
pub use orders::{admin_order_list, admin_refund, admin_retry_event};
pub(crate) use set_disabled::AdminSetDisabled;
pub use set_disabled::admin_set_disabled;
pub(crate) use set_role::AdminSetRole;
pub use set_role::admin_set_role;
pub use users::admin_users;
