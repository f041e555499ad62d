use crate::AppError;
use crate::error::PasswordProblem;
use crate::i18n::*;
use domain::authoring::TransitionError;
use domain::coupon::CouponError;
use domain::learning::{EnrollError, LearningProblem, ReviewRuleError};
use domain::order::{CheckoutProblem, PurchaseError, RefundRefusal};
use domain::rating::{MAX_REVIEW_CHARS, ReviewTextError};
use domain::review::{ListingError, ReasonError, ReviewProblem};
use domain::{Handle, HandleError};
use leptos::prelude::*;

/// The translated sentence for an error.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    match error {
        AppError::NotFound => t!(i18n, not_found_body).into_any(),
        AppError::Invalid(field) if field == "email_scripts" => {
            t!(i18n, error_email_scripts).into_any()
        }
        AppError::Invalid(field) if field == "display_name_invisible" => {
            t!(i18n, error_display_name_invisible).into_any()
        }
        AppError::Invalid(field) if field == "display_name_bidi" => {
            t!(i18n, error_display_name_bidi).into_any()
        }
        AppError::Invalid(field) => {
            let field = field_label(&field);
            t!(i18n, error_invalid, field = move || field()).into_any()
        }
        AppError::Conflict(field) if field == "email" => t!(i18n, error_email_taken).into_any(),
        AppError::Conflict(field) if field == "coupon_code" => {
            t!(i18n, error_coupon_taken).into_any()
        }
        AppError::Conflict(_) | AppError::Request(_) => t!(i18n, error_request).into_any(),
        AppError::Unauthorized => t!(i18n, error_unauthorized).into_any(),
        AppError::Forbidden => t!(i18n, error_forbidden).into_any(),
        AppError::WrongCredentials => t!(i18n, error_wrong_credentials).into_any(),
        AppError::AccountDisabled => t!(i18n, error_account_disabled).into_any(),
        AppError::Password(PasswordProblem::Short) => t!(i18n, error_password_short).into_any(),
        AppError::Password(PasswordProblem::Long) => t!(i18n, error_password_long).into_any(),
        AppError::Password(PasswordProblem::Common) => t!(i18n, error_password_common).into_any(),
        AppError::Throttled(seconds) => {
            let minutes = seconds.div_ceil(60);
            t!(i18n, error_throttled, minutes = minutes).into_any()
        }
        AppError::InvalidToken => t!(i18n, error_invalid_token).into_any(),
        AppError::Unavailable => t!(i18n, error_unavailable).into_any(),
        AppError::Busy(seconds) => t!(i18n, error_busy, seconds = seconds).into_any(),
        AppError::BadRequest => t!(i18n, error_bad_request).into_any(),
        AppError::Fields(_) => t!(i18n, error_fields).into_any(),
        AppError::EditConflict(_) => t!(i18n, error_edit_conflict).into_any(),
        AppError::Transition(TransitionError::AlreadyInReview) => {
            t!(i18n, error_already_in_review).into_any()
        }
        AppError::Transition(TransitionError::NothingToPublish) => {
            t!(i18n, error_nothing_to_publish).into_any()
        }
        AppError::Transition(TransitionError::Empty) => t!(i18n, error_course_empty).into_any(),
        AppError::Review(problem) => review_problem(problem).into_any(),
        AppError::Learning(problem) => learning_problem(problem).into_any(),
        AppError::Checkout(problem) => checkout_problem(problem).into_any(),
        AppError::PaymentUnavailable => t!(i18n, error_payment_unavailable).into_any(),
    }
}

fn checkout_problem(problem: CheckoutProblem) -> impl IntoView {
    let i18n = use_i18n();
    match problem {
        CheckoutProblem::Purchase(PurchaseError::SignedOut) => {
            t!(i18n, error_unauthorized).into_any()
        }
        CheckoutProblem::Purchase(PurchaseError::NotPublished) => {
            t!(i18n, error_not_available).into_any()
        }
        CheckoutProblem::Purchase(PurchaseError::Free)
        | CheckoutProblem::Coupon(CouponError::FreeCourse) => {
            t!(i18n, error_course_free).into_any()
        }
        CheckoutProblem::Purchase(PurchaseError::OwnCourse) => {
            t!(i18n, error_buy_own_course).into_any()
        }
        CheckoutProblem::Purchase(PurchaseError::AlreadyOwned) => {
            t!(i18n, error_already_owned).into_any()
        }
        CheckoutProblem::Coupon(CouponError::Malformed) => {
            t!(i18n, error_coupon_malformed).into_any()
        }
        CheckoutProblem::Coupon(CouponError::Unknown) => t!(i18n, error_coupon_unknown).into_any(),
        CheckoutProblem::Coupon(CouponError::Expired) => t!(i18n, error_coupon_expired).into_any(),
        CheckoutProblem::Coupon(CouponError::WrongCourse) => {
            t!(i18n, error_coupon_wrong_course).into_any()
        }
        CheckoutProblem::Coupon(CouponError::WrongCurrency) => {
            t!(i18n, error_coupon_wrong_currency).into_any()
        }
        CheckoutProblem::Coupon(CouponError::UsedUp) => t!(i18n, error_coupon_used_up).into_any(),
        CheckoutProblem::Key | CheckoutProblem::Refund(RefundRefusal::BadAmount) => {
            t!(i18n, error_bad_request).into_any()
        }
        CheckoutProblem::Refund(RefundRefusal::NothingToRefund) => {
            t!(i18n, error_refund_nothing).into_any()
        }
        CheckoutProblem::Refund(RefundRefusal::WindowClosed) => {
            t!(i18n, error_refund_window).into_any()
        }
        CheckoutProblem::Refund(RefundRefusal::TooMuchCompleted) => {
            t!(i18n, error_refund_completed).into_any()
        }
    }
}

fn learning_problem(problem: LearningProblem) -> impl IntoView {
    let i18n = use_i18n();
    match problem {
        LearningProblem::Enroll(EnrollError::SignedOut) => t!(i18n, error_unauthorized).into_any(),
        LearningProblem::Enroll(EnrollError::NotPublished) => {
            t!(i18n, error_not_available).into_any()
        }
        LearningProblem::Enroll(EnrollError::NotFree) => t!(i18n, error_not_free).into_any(),
        LearningProblem::Review(ReviewRuleError::NotOwned) => {
            t!(i18n, error_review_not_owned).into_any()
        }
        LearningProblem::Review(ReviewRuleError::OwnCourse) => {
            t!(i18n, error_review_own_course).into_any()
        }
        LearningProblem::Review(ReviewRuleError::NotTheAuthor) => {
            t!(i18n, error_reply_not_author).into_any()
        }
        LearningProblem::Review(ReviewRuleError::AlreadyReplied) => {
            t!(i18n, error_already_replied).into_any()
        }
        LearningProblem::Text(ReviewTextError::Empty) => t!(i18n, error_text_empty).into_any(),
        LearningProblem::Text(ReviewTextError::TooLong) => {
            t!(i18n, error_text_long, max = MAX_REVIEW_CHARS).into_any()
        }
        LearningProblem::Rating(_) => t!(i18n, error_stars).into_any(),
        LearningProblem::Progress(_) => t!(i18n, error_bad_request).into_any(),
        LearningProblem::SelfFollow => t!(i18n, error_self_follow).into_any(),
        LearningProblem::NotFinished => t!(i18n, error_not_finished).into_any(),
        LearningProblem::Handle(HandleError::Length) => t!(
            i18n,
            error_handle_length,
            min = Handle::MIN_LEN,
            max = Handle::MAX_LEN
        )
        .into_any(),
        LearningProblem::Handle(HandleError::Characters) => {
            t!(i18n, error_handle_characters).into_any()
        }
        LearningProblem::Handle(HandleError::Reserved) => {
            t!(i18n, error_handle_reserved).into_any()
        }
        LearningProblem::Handle(HandleError::Taken) => t!(i18n, error_handle_taken).into_any(),
    }
}

fn review_problem(problem: ReviewProblem) -> impl IntoView {
    let i18n = use_i18n();
    match problem {
        ReviewProblem::OwnCourse => t!(i18n, error_own_course).into_any(),
        ReviewProblem::Claimed(name) if name.is_empty() => {
            t!(i18n, error_claimed_someone).into_any()
        }
        ReviewProblem::Claimed(name) => t!(i18n, error_claimed, name = name).into_any(),
        ReviewProblem::Decided => t!(i18n, error_decided).into_any(),
        ReviewProblem::Reason(ReasonError::Missing) => t!(i18n, error_reason_missing).into_any(),
        ReviewProblem::Reason(ReasonError::TooLong) => t!(i18n, error_reason_long).into_any(),
        ReviewProblem::Listing(ListingError::NotListed) => t!(i18n, error_not_listed).into_any(),
        ReviewProblem::Listing(ListingError::NotUnpublished) => {
            t!(i18n, error_not_unpublished).into_any()
        }
    }
}

/// A field name in the reader's language, for "invalid …" messages.
fn field_label(field: &str) -> impl Fn() -> &'static str + Clone + Send + 'static {
    let i18n = use_i18n();
    let field = field.to_owned();
    move || match field.as_str() {
        "email" => t_string!(i18n, field_email),
        "display_name" => t_string!(i18n, field_display_name),
        "terms" => t_string!(i18n, field_terms),
        "category" => t_string!(i18n, field_category),
        "user" => t_string!(i18n, field_user),
        "date" => t_string!(i18n, field_date),
        "coupon_code" => t_string!(i18n, field_coupon_code),
        "coupon_amount" => t_string!(i18n, field_coupon_amount),
        "coupon_until" => t_string!(i18n, field_coupon_until),
        "coupon_max" => t_string!(i18n, field_coupon_max),
        _ => t_string!(i18n, field_other),
    }
}

/// Explains a failed request in the reader's language, as a page section. "Not allowed" is said
/// as such (and answered 403 when the page is rendered on the server), not as a failure.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let forbidden = error == AppError::Forbidden;
    #[cfg(feature = "ssr")]
    if forbidden {
        crate::error::set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section class="panel panel-error" role="alert">
            <h2>
                {if forbidden { t!(i18n, not_allowed_title).into_any() } else { t!(i18n, error_title).into_any() }}
            </h2>
            <p>
                <ErrorMessage error/>
            </p>
            {forbidden.then(|| view! { <p><a href="/">{t!(i18n, back_home)}</a></p> })}
        </section>
    }
}
