//! Who may do what. Every server function and route asks these functions; no page decides for itself.
//!
//! An [`Actor`] is a signed-in, enabled user. Anonymous visitors are `None`.

use crate::{Role, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in person a request acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Their account.
    pub id: UserId,
    /// Their role.
    pub role: Role,
}

/// Opening the authoring studio: authors and admins.
pub fn can_open_studio(actor: Option<&Actor>) -> bool {
    matches!(actor, Some(a) if matches!(a.role, Role::Author | Role::Admin))
}

/// Editing, repricing or submitting a course: its own author, or an admin.
pub fn can_edit_course(actor: Option<&Actor>, course_author: UserId) -> bool {
    match actor {
        Some(a) if a.role == Role::Admin => true,
        Some(a) => a.role == Role::Author && a.id == course_author,
        None => false,
    }
}

/// Approving or rejecting submitted courses: reviewers and admins.
pub fn can_review_courses(actor: Option<&Actor>) -> bool {
    matches!(actor, Some(a) if matches!(a.role, Role::Reviewer | Role::Admin))
}

/// The staff area (`/admin`): reviewers and admins.
pub fn can_open_admin(actor: Option<&Actor>) -> bool {
    can_review_courses(actor)
}

/// Listing users, changing roles, disabling accounts, reading the audit log: admins only.
pub fn can_manage_users(actor: Option<&Actor>) -> bool {
    matches!(actor, Some(a) if a.role == Role::Admin)
}

/// Hiding and restoring reported reviews, and picking featured courses: admins only.
pub fn can_moderate(actor: Option<&Actor>) -> bool {
    can_manage_users(actor)
}

/// Becoming an author by accepting the author terms: any learner, for themself.
pub fn can_become_author(actor: Option<&Actor>) -> bool {
    matches!(actor, Some(a) if a.role == Role::Learner)
}

/// Giving `target` the role `role`. Only admins grant roles, and an admin cannot take away their own
/// admin role, so the platform is never left without one by accident.
pub fn can_set_role(actor: Option<&Actor>, target: UserId, role: Role) -> bool {
    match actor {
        Some(a) if a.role == Role::Admin => !(a.id == target && role != Role::Admin),
        _ => false,
    }
}

/// Disabling `target`'s account: admins, never their own.
pub fn can_disable_user(actor: Option<&Actor>, target: UserId) -> bool {
    matches!(actor, Some(a) if a.role == Role::Admin && a.id != target)
}

/// Refunding any order, retrying failed payment events, reading every order and exporting
/// payouts: admins only, since each moves or reveals other people's money.
pub fn can_manage_payments(actor: Option<&Actor>) -> bool {
    can_manage_users(actor)
}

/// Whose coupons someone makes, lists and ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponMaker {
    /// An admin's: platform-wide coupons, which work on every course.
    Platform,
    /// An author's: coupons for their own courses only.
    Author(UserId),
}

impl CouponMaker {
    /// The author whose coupons these are; `None` for the platform's.
    pub fn author(self) -> Option<UserId> {
        match self {
            CouponMaker::Platform => None,
            CouponMaker::Author(author) => Some(author),
        }
    }
}

/// Whose coupons `actor` manages, if any: an admin the platform's, an author their own; learners
/// and reviewers none (a reviewer judges courses and has no prices to cut).
pub fn coupon_maker(actor: Option<&Actor>) -> Option<CouponMaker> {
    match actor {
        Some(a) if a.role == Role::Admin => Some(CouponMaker::Platform),
        Some(a) if a.role == Role::Author => Some(CouponMaker::Author(a.id)),
        _ => None,
    }
}

/// Whether a request comes from this machine (its client address, as the server read it, is a
/// loopback address). Pages that hand out test money or live password-reset links answer such
/// clients only: they are for the developer at the keyboard. Anything unreadable is not local.
pub fn is_this_machine(client_ip: &str) -> bool {
    client_ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ROLES: [Role; 4] = [Role::Learner, Role::Author, Role::Reviewer, Role::Admin];

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id: UserId::new(id),
            role,
        }
    }

    #[test]
    fn the_written_table() {
        // role: studio, edit own course, edit other's course, review, admin area, manage users,
        // become author
        let expected = [
            (
                Role::Learner,
                [false, false, false, false, false, false, true],
            ),
            (
                Role::Author,
                [true, true, false, false, false, false, false],
            ),
            (
                Role::Reviewer,
                [false, false, false, true, true, false, false],
            ),
            (Role::Admin, [true, true, true, true, true, true, false]),
        ];
        for (role, row) in expected {
            let me = actor(1, role);
            let a = Some(&me);
            let got = [
                can_open_studio(a),
                can_edit_course(a, UserId::new(1)),
                can_edit_course(a, UserId::new(2)),
                can_review_courses(a),
                can_open_admin(a),
                can_manage_users(a),
                can_become_author(a),
            ];
            assert_eq!(got, row, "{role:?}");
        }
        let anonymous = None;
        assert!(!can_open_studio(anonymous));
        assert!(!can_edit_course(anonymous, UserId::new(1)));
        assert!(!can_review_courses(anonymous));
        assert!(!can_manage_users(anonymous));
        assert!(!can_become_author(anonymous));
        assert!(!can_set_role(anonymous, UserId::new(1), Role::Admin));
        assert!(!can_disable_user(anonymous, UserId::new(1)));
    }

    #[test]
    fn admins_cannot_demote_or_disable_themselves() {
        let admin = actor(1, Role::Admin);
        assert!(!can_set_role(Some(&admin), UserId::new(1), Role::Learner));
        assert!(can_set_role(Some(&admin), UserId::new(1), Role::Admin));
        assert!(can_set_role(Some(&admin), UserId::new(2), Role::Reviewer));
        assert!(!can_disable_user(Some(&admin), UserId::new(1)));
        assert!(can_disable_user(Some(&admin), UserId::new(2)));
    }

    proptest! {
        #[test]
        fn only_admins_grant_roles_or_disable(me in 1i64..5, target in 1i64..5, r in 0usize..4, g in 0usize..4) {
            let a = actor(me, ROLES[r]);
            let target = UserId::new(target);
            if ROLES[r] != Role::Admin {
                prop_assert!(!can_set_role(Some(&a), target, ROLES[g]));
                prop_assert!(!can_disable_user(Some(&a), target));
                prop_assert!(!can_manage_users(Some(&a)));
            }
        }

        #[test]
        fn nobody_but_admins_edits_another_authors_course(me in 1i64..5, author in 1i64..5, r in 0usize..4) {
            let a = actor(me, ROLES[r]);
            if can_edit_course(Some(&a), UserId::new(author)) {
                prop_assert!(ROLES[r] == Role::Admin || (ROLES[r] == Role::Author && me == author));
            }
        }
    }

    #[test]
    fn coupons_are_made_by_admins_for_the_platform_and_authors_for_themselves() {
        assert_eq!(
            coupon_maker(Some(&actor(1, Role::Admin))),
            Some(CouponMaker::Platform)
        );
        assert_eq!(
            coupon_maker(Some(&actor(2, Role::Author))),
            Some(CouponMaker::Author(UserId::new(2)))
        );
        assert_eq!(coupon_maker(Some(&actor(3, Role::Reviewer))), None);
        assert_eq!(coupon_maker(Some(&actor(4, Role::Learner))), None);
        assert_eq!(coupon_maker(None), None);
        assert_eq!(CouponMaker::Platform.author(), None);
        assert_eq!(
            CouponMaker::Author(UserId::new(2)).author(),
            Some(UserId::new(2))
        );
    }

    #[test]
    fn only_admins_manage_payments() {
        for role in ROLES {
            assert_eq!(
                can_manage_payments(Some(&actor(1, role))),
                role == Role::Admin
            );
        }
        assert!(!can_manage_payments(None));
    }

    #[test]
    fn this_machine_is_a_loopback_address_and_nothing_else() {
        for local in ["127.0.0.1", "127.0.3.7", "::1"] {
            assert!(is_this_machine(local), "{local}");
        }
        for remote in [
            "10.0.0.1",
            "192.168.1.2",
            "::ffff:8.8.8.8",
            "",
            "localhost",
            "unknown",
        ] {
            assert!(!is_this_machine(remote), "{remote}");
        }
    }
}
