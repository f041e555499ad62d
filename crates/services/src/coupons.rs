//! Making and ending coupons: an author's for their own courses, an admin's for every course.

use crate::{ServiceError, Services};
use domain::coupon::{self, CouponForm, CouponScope, CouponTarget, CouponView, CouponsPage};
use domain::permissions::coupon_maker;
use domain::{Actor, CouponId, CourseId, UserId};
use store::{NewCoupon, StoreError, now_millis};

/// The author whose coupons `actor` manages (`None`: the platform's, for an admin); anyone who
/// makes none is refused.
fn maker(actor: &Actor) -> Result<Option<UserId>, ServiceError> {
    coupon_maker(Some(actor))
        .map(|maker| maker.author())
        .ok_or(ServiceError::Forbidden)
}

impl Services {
    /// `actor`'s coupons and the courses a new one may be limited to.
    pub async fn coupons_page(&self, actor: &Actor) -> Result<CouponsPage, ServiceError> {
        let owner = maker(actor)?;
        let now = now_millis();
        let coupons = self
            .store()
            .coupons_by(owner)
            .await?
            .into_iter()
            .map(|(record, title)| CouponView {
                id: record.id,
                code: record.coupon.code.as_str().to_owned(),
                discount: record.coupon.discount,
                target: match (record.coupon.scope, title) {
                    (CouponScope::Platform, _) => CouponTarget::Platform,
                    (CouponScope::Author(_), _) => CouponTarget::AllOfAuthor,
                    (CouponScope::Course(_), title) => {
                        CouponTarget::Course(title.unwrap_or_default())
                    }
                },
                expires_at: record.coupon.expires_at,
                redeemed: record.redeemed,
                max_redemptions: record.max_redemptions,
                over: record.coupon.expires_at.is_some_and(|end| end <= now)
                    || record
                        .max_redemptions
                        .is_some_and(|max| record.redeemed >= max),
            })
            .collect();
        let courses = match owner {
            Some(author) => self
                .store()
                .studio_courses(author)
                .await?
                .into_iter()
                .map(|course| (course.course, course.title))
                .collect(),
            None => Vec::new(),
        };
        Ok(CouponsPage {
            coupons,
            platform: owner.is_none(),
            courses,
        })
    }

    /// Makes the coupon `form` describes: an admin's works on every course; an author's on
    /// `course` (one of theirs) or, with none, on all of theirs. A taken code is a conflict.
    pub async fn create_coupon(
        &self,
        actor: &Actor,
        form: &CouponForm,
        course: Option<CourseId>,
    ) -> Result<CouponId, ServiceError> {
        let owner = maker(actor)?;
        let scope = match (owner, course) {
            (None, _) => CouponScope::Platform,
            (Some(author), None) => CouponScope::Author(author),
            (Some(author), Some(course)) => {
                let theirs = self
                    .store()
                    .studio_courses(author)
                    .await?
                    .iter()
                    .any(|mine| mine.course == course);
                if !theirs {
                    return Err(ServiceError::NotFound);
                }
                CouponScope::Course(course)
            }
        };
        let now = now_millis();
        let (coupon, max_redemptions) = coupon::read_form(form, scope, now)
            .map_err(|field| ServiceError::Invalid(field.name()))?;
        let new = NewCoupon {
            coupon,
            author: owner,
            max_redemptions,
            created_by: actor.id,
            now,
        };
        let mut tx = self.store().begin().await?;
        match tx.insert_coupon(&new).await {
            Ok(id) => {
                tx.commit().await?;
                Ok(id)
            }
            Err(StoreError::Conflict(_)) => Err(ServiceError::Conflict("coupon_code".into())),
            Err(other) => Err(other.into()),
        }
    }

    /// Ends `actor`'s coupon `id` now: orders that hold it keep their price. Ending one twice
    /// changes nothing; someone else's is not found.
    pub async fn end_coupon(&self, actor: &Actor, id: CouponId) -> Result<(), ServiceError> {
        let owner = maker(actor)?;
        let mut tx = self.store().begin().await?;
        let ended = tx.end_coupon(id, owner, now_millis()).await?;
        tx.commit().await?;
        if !ended
            && !self
                .store()
                .coupons_by(owner)
                .await?
                .iter()
                .any(|(coupon, _)| coupon.id == id)
        {
            return Err(ServiceError::NotFound);
        }
        Ok(())
    }
}
