//! Server functions of the learner's side: the course page, enrolling, progress, "My learning",
//! reviews and their moderation, following authors, certificates.

mod course_page;
mod progress;
mod reviews;

pub(crate) use course_page::{ClaimCertificate, Enroll, FollowAuthor, SetProfile};
pub use course_page::{
    author_profile, claim_certificate, course_for_visitor, enroll, follow_author, my_learning,
    set_profile, verify_certificate,
};
pub(crate) use progress::ReportProgress;
pub use progress::report_progress;
pub(crate) use reviews::{ModerateReview, ReplyReview, ReportReview, SaveReview};
pub use reviews::{moderate_review, reply_review, report_review, review_reports, save_review};
