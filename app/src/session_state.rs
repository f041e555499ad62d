//! The signed-in person as the interface knows them, refreshed whenever a sign-in, sign-up or
//! sign-out action completes.

use crate::AppError;
use crate::api::account::{Login, Logout, Register, who_am_i};
use crate::api::types::Me;
use leptos::prelude::*;

/// The actions that change who is signed in, shared so every form uses the same ones.
#[derive(Clone, Copy)]
pub struct AuthActions {
    /// Sign in.
    pub login: ServerAction<Login>,
    /// Sign out.
    pub logout: ServerAction<Logout>,
    /// Sign up.
    pub register: ServerAction<Register>,
}

/// The signed-in person (`None` when anonymous), loaded once per page and after each auth action.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, AppError>>);

/// Creates the actions and the resource and provides both to the tree.
pub fn provide() {
    let actions = AuthActions {
        login: ServerAction::new(),
        logout: ServerAction::new(),
        register: ServerAction::new(),
    };
    let me = Resource::new(
        move || {
            (
                actions.login.version().get(),
                actions.logout.version().get(),
                actions.register.version().get(),
            )
        },
        |_| who_am_i(),
    );
    provide_context(actions);
    provide_context(CurrentUser(me));
}

/// The auth actions.
pub fn actions() -> AuthActions {
    expect_context::<AuthActions>()
}

/// The signed-in person resource.
pub fn current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}
