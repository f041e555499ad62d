//! Server functions of the review queue and the review page (reviewers and admins).

mod claim;
mod decide;
mod listing;
mod page;
mod queue;

pub(crate) use claim::ReviewClaim;
pub use claim::review_claim;
pub(crate) use decide::ReviewDecide;
pub use decide::review_decide;
pub(crate) use listing::ReviewListing;
pub use listing::review_listing;
pub use page::review_page;
pub use queue::review_queue;
