//! The pages a visitor does not need to browse the catalogue, as lazy routes: the studio, the staff
//! area, the review queue, notifications, orders and the account pages. With `cargo leptos build --split` each one's code (the studio's
//! forms, the editor bridge, the admin tables, the account forms) is a WASM chunk of its own,
//! fetched when the route is first shown, so a learner's first page does not download them.
//! The server renders them like any other page; the browser loads the chunk before hydrating it
//! (see `frontend::hydrate`).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::{
    AccountPage, AdminAuditPage, AdminOrdersPage, AdminPage, AdminPayoutsPage, AdminReviewsPage,
    AdminUsersPage, AuthorPage, CertificatePage, ConfirmEmailPage, CouponsPage, EarningsPage,
    LearningPage, LoginPage, NotificationsPage, OrderPage, OrdersPage, ReceiptPage, RegisterPage,
    ResetPasswordPage, ReviewQueuePage, ReviewRevisionPage, SandboxPayPage, StudioCoursePage,
    StudioLessonPage, StudioPage,
};

/// Declares a lazy route that shows `$page`. The routes load no data of their own before the
/// chunk arrives: each page starts its resources itself, as it does when rendered eagerly.
macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $page:ident;)*) => {$(
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    /// `/studio`.
    StudioRoute => StudioPage;
    /// `/studio/courses/:id`.
    StudioCourseRoute => StudioCoursePage;
    /// `/studio/lessons/:id`.
    StudioLessonRoute => StudioLessonPage;
    /// `/studio/coupons`.
    CouponsRoute => CouponsPage;
    /// `/studio/earnings`.
    EarningsRoute => EarningsPage;
    /// `/admin/orders`.
    AdminOrdersRoute => AdminOrdersPage;
    /// `/admin/payouts`.
    AdminPayoutsRoute => AdminPayoutsPage;
    /// `/admin`.
    AdminRoute => AdminPage;
    /// `/admin/users`.
    AdminUsersRoute => AdminUsersPage;
    /// `/admin/audit`.
    AdminAuditRoute => AdminAuditPage;
    /// `/admin/reviews`.
    AdminReviewsRoute => AdminReviewsPage;
    /// `/login`.
    LoginRoute => LoginPage;
    /// `/register`.
    RegisterRoute => RegisterPage;
    /// `/reset-password`.
    ResetPasswordRoute => ResetPasswordPage;
    /// `/account`.
    AccountRoute => AccountPage;
    /// `/account/confirm-email`.
    ConfirmEmailRoute => ConfirmEmailPage;
    /// `/review`.
    ReviewQueueRoute => ReviewQueuePage;
    /// `/review/:course/:number`.
    ReviewRevisionRoute => ReviewRevisionPage;
    /// `/notifications`.
    NotificationsRoute => NotificationsPage;
    /// `/learning`.
    LearningRoute => LearningPage;
    /// `/certificates/:code`.
    CertificateRoute => CertificatePage;
    /// `/authors/:key`.
    AuthorRoute => AuthorPage;
    /// `/orders`.
    OrdersRoute => OrdersPage;
    /// `/orders/:id`.
    OrderRoute => OrderPage;
    /// `/orders/:id/receipt`.
    ReceiptRoute => ReceiptPage;
    /// `/sandbox/pay/:session`.
    SandboxPayRoute => SandboxPayPage;
}
