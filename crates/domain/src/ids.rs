//! Typed ids, so a course id can never be passed where a lesson id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw database id.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw database id, for binding into queries and building URLs.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A catalog category.
    CategoryId
);
id_type!(
    /// A course.
    CourseId
);
id_type!(
    /// A chapter inside a course.
    ChapterId
);
id_type!(
    /// A lesson inside a chapter.
    LessonId
);
id_type!(
    /// An uploaded file.
    MediaId
);
id_type!(
    /// A learner's review of a course.
    ReviewId
);
id_type!(
    /// An order: one checkout of one course by one learner.
    OrderId
);
id_type!(
    /// A coupon.
    CouponId
);
