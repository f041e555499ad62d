//! Lore's domain: the types and rules every other crate agrees on.
//!
//! This crate knows neither SQL nor HTTP nor Leptos, so it compiles for the server and for the browser
//! alike, and its rules are tested without a database.
//!
//! Error policy: every parser here returns a small `thiserror` enum that names the rule that was broken;
//! callers turn it into a translated message. Nothing here panics on user input.

pub mod access;
pub mod authoring;
pub mod browse;
pub mod catalog;
pub mod coupon;
pub mod diff;
pub mod display_name;
pub mod earnings;
pub mod email;
pub mod handle;
pub mod ids;
pub mod lang;
pub mod learning;
pub mod limits;
pub mod media;
pub mod money;
pub mod notify;
pub mod order;
pub mod password;
pub mod permissions;
pub mod progress;
pub mod rating;
pub mod redirect;
pub mod review;
pub mod revision;
pub mod role;
pub mod session;
pub mod slug;
pub mod time;

pub use access::{CourseAccess, Entitlement, can_view_lesson};
pub use catalog::{
    AttachedFile, CatalogPage, Category, ChapterOutline, CourseCard, CourseDetail, CourseStatus,
    HomePage, LessonContent, LessonKind, LessonOutline, LessonView, PlayableMedia,
};
pub use display_name::{DisplayNameError, parse_display_name};
pub use email::{Email, EmailError};
pub use handle::{Handle, HandleError};
pub use ids::{
    CategoryId, ChapterId, CouponId, CourseId, LessonId, MediaId, OrderId, ReviewId, UserId,
};
pub use lang::{Lang, LocalizedText};
pub use media::MediaKind;
pub use money::{BasisPoints, Currency, Money, MoneyError, Split};
pub use password::{PasswordError, check_new_password};
pub use permissions::Actor;
pub use role::Role;
pub use slug::{Slug, SlugError};
