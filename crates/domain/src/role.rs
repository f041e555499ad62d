//! What a person may do on Lore is decided by their role (and, later, by what they bought).

use serde::{Deserialize, Serialize};

/// A user's role. Roles are ordered by how much they may do; each includes the ones below it
/// only where a permission function says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Buys and learns. Everyone starts here.
    Learner,
    /// Writes courses.
    Author,
    /// Approves courses for publication.
    Reviewer,
    /// Runs the platform.
    Admin,
}

impl Role {
    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Author => "author",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored role name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "learner" => Some(Role::Learner),
            "author" => Some(Role::Author),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in [Role::Learner, Role::Author, Role::Reviewer, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
