//! The learner's use cases: the course page as one visitor sees it, free enrollment, progress,
//! "My learning", reviews and their moderation, following authors, certificates.

use crate::{ServiceError, Services};
use domain::learning::{
    self as rules, AuthorProfile, CoursePage, LearningProblem, Offer, PrimaryAction,
};
use domain::permissions::{self, Actor};
use domain::progress::{self, Certificate, LearningEntry, LessonProgress, Report};
use domain::rating::{self, ModerationQueue, Rating};
use domain::{
    CourseDetail, CourseId, Entitlement, Handle, HandleError, LessonId, ReviewId, UserId,
};
use store::{ProgressWrite, ReviewRecord, StoreError, now_millis};
use tracing::instrument;

/// How many reviews a course page shows.
pub const REVIEWS_SHOWN: i64 = 20;
/// How many courses an author's page lists.
pub const AUTHOR_COURSES_SHOWN: i64 = 100;
/// How many reviews each list of the moderation page shows at once.
pub const REPORTS_SHOWN: i64 = 100;

impl From<LearningProblem> for ServiceError {
    fn from(problem: LearningProblem) -> Self {
        ServiceError::Learning(problem)
    }
}

/// The facts about a course that decide what its page offers.
pub(crate) fn offer_of(course: &CourseDetail) -> Offer {
    Offer {
        author: course.author,
        status: course.status,
        free: course.card.price.is_zero(),
    }
}

impl Services {
    /// What `viewer` holds of `course` (nothing when signed out).
    async fn entitlement_of(
        &self,
        viewer: Option<&Actor>,
        course: CourseId,
    ) -> Result<Entitlement, ServiceError> {
        Ok(match viewer {
            Some(actor) => self.store().entitlement(actor.id, course).await?,
            None => Entitlement::None,
        })
    }

    /// The action `viewer` gets on `course`, with where they would continue.
    async fn action_for(
        &self,
        viewer: Option<&Actor>,
        course: &CourseDetail,
        entitlement: Entitlement,
    ) -> Result<PrimaryAction, ServiceError> {
        let resume = match viewer {
            Some(actor) if entitlement == Entitlement::Active => {
                self.store().resume_lesson(actor.id, course.card.id).await?
            }
            _ => None,
        }
        .or_else(|| course.lessons_in_order().next().map(|l| l.id));
        Ok(rules::primary_action(
            viewer,
            offer_of(course),
            entitlement,
            resume,
        ))
    }

    /// A published course as `viewer` sees it: the action that fits them, their progress, their
    /// review, whether they follow the author, and the newest reviews.
    #[instrument(skip_all, fields(slug = slug), err(level = "debug"))]
    pub async fn course_page(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
    ) -> Result<CoursePage, ServiceError> {
        let course = self.course(slug).await?;
        let id = course.card.id;
        let entitlement = self.entitlement_of(viewer, id).await?;
        let action = self.action_for(viewer, &course, entitlement).await?;
        let reviews = self.store().course_reviews(id, None, REVIEWS_SHOWN).await?;
        let mut page = CoursePage {
            action,
            signed_in: viewer.is_some(),
            can_follow: viewer.is_some_and(|actor| rules::can_follow(actor, course.author)),
            following: false,
            reviews,
            can_review: false,
            my_review: None,
            is_author: viewer.is_some_and(|actor| actor.id == course.author),
            can_feature: permissions::can_moderate(viewer),
            done_lessons: Vec::new(),
            percent: 0,
            certificate: None,
            course,
        };
        if let Some(actor) = viewer {
            page.following = self.store().follows(actor.id, page.course.author).await?;
            page.can_review = rules::check_can_rate(actor, page.course.author, entitlement).is_ok();
            page.my_review = self
                .store()
                .review_of(id, actor.id)
                .await?
                .map(|record| record.view);
            let (done, percent) = self.done_lessons(actor.id, &page.course).await?;
            page.done_lessons = done;
            page.percent = percent;
            page.certificate = self.store().certificate_code(actor.id, id).await?;
        }
        Ok(page)
    }

    /// The lessons of `course` that `user` finished, and the course percentage.
    async fn done_lessons(
        &self,
        user: UserId,
        course: &CourseDetail,
    ) -> Result<(Vec<LessonId>, u8), ServiceError> {
        let progress = self.store().course_progress(user, course.card.id).await?;
        let lessons: Vec<LessonId> = course.lessons_in_order().map(|l| l.id).collect();
        let done: Vec<LessonId> = lessons
            .iter()
            .copied()
            .filter(|id| progress.get(id).is_some_and(|p| p.done))
            .collect();
        let percent = progress::course_percent(done.len(), lessons.len());
        Ok((done, percent))
    }

    /// Fills in what a lesson page needs beyond the lesson: how to unlock it, where the viewer
    /// stopped, what they finished. Opening a readable lesson counts as activity.
    pub(crate) async fn lesson_extras(
        &self,
        viewer: Option<&Actor>,
        view: &mut domain::LessonView,
        entitlement: Entitlement,
    ) -> Result<(), ServiceError> {
        view.unlock = self.action_for(viewer, &view.course, entitlement).await?;
        let Some(actor) = viewer else {
            return Ok(());
        };
        let course = view.course.card.id;
        let progress = self.store().course_progress(actor.id, course).await?;
        if let Some(state) = progress.get(&view.lesson.id) {
            view.resume_ms = state.position_ms;
            view.done = state.done;
        }
        view.done_lessons = view
            .course
            .lessons_in_order()
            .map(|l| l.id)
            .filter(|id| progress.get(id).is_some_and(|p| p.done))
            .collect();
        if !view.locked {
            let mut tx = self.store().begin().await?;
            tx.touch_activity(actor.id, course, view.lesson.id, now_millis())
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Enrolls `viewer` in the free course `slug`. Enrolling twice changes nothing. Returns the
    /// course's first lesson, where a new learner starts.
    #[instrument(skip_all, fields(slug = slug), err(level = "debug"))]
    pub async fn enroll(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
    ) -> Result<Option<LessonId>, ServiceError> {
        let course = self.course(slug).await?;
        rules::check_enroll(viewer, offer_of(&course)).map_err(LearningProblem::from)?;
        let Some(actor) = viewer else {
            return Err(ServiceError::Unauthorized);
        };
        let mut tx = self.store().begin().await?;
        tx.grant_entitlement(actor.id, course.card.id, "free", now_millis())
            .await?;
        tx.commit().await?;
        let first = course.lessons_in_order().next().map(|l| l.id);
        Ok(first)
    }

    /// Merges one progress report of `viewer`'s into their progress in `lesson` of course
    /// `slug`, if they may read that lesson. `client_at` is when the browser made the report;
    /// a stamp from the future is pulled back to now.
    pub async fn report_progress(
        &self,
        viewer: &Actor,
        slug: &str,
        lesson: LessonId,
        report: Report,
        client_at: i64,
    ) -> Result<LessonProgress, ServiceError> {
        let report = report.check().map_err(LearningProblem::from)?;
        let course = self.course(slug).await?;
        let entitlement = self.entitlement_of(Some(viewer), course.card.id).await?;
        let Some((_, outline)) = course.lesson(lesson) else {
            return Err(ServiceError::NotFound);
        };
        if !domain::can_view_lesson(Some(viewer), &course.access(), outline, entitlement) {
            return Err(ServiceError::NotFound);
        }
        let at = progress::clamp_stamp(client_at, now_millis());
        let state = LessonProgress::default().apply(report, at);
        let write = ProgressWrite {
            user: viewer.id,
            course: course.card.id,
            lesson,
            state,
        };
        self.progress.record(self.store(), write, at).await?;
        Ok(state)
    }

    /// `viewer`'s courses, most recently active first, with how far along they are.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn my_learning(&self, viewer: &Actor) -> Result<Vec<LearningEntry>, ServiceError> {
        let rows = self.store().learning(viewer.id).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let Some((card, _, _)) = self.store().course_card(row.course).await? else {
                continue; // deleted between the two reads
            };
            let total = usize::try_from(card.lesson_count).unwrap_or_default();
            let done = usize::try_from(row.done).unwrap_or_default();
            entries.push(LearningEntry {
                percent: progress::course_percent(done, total),
                card,
                resume: row.resume,
                last_active: row.last_active,
                done: row.done,
            });
        }
        Ok(entries)
    }

    /// Writes (or rewrites) `viewer`'s review of course `slug`.
    #[instrument(skip_all, fields(slug = slug), err(level = "debug"))]
    pub async fn save_review(
        &self,
        viewer: &Actor,
        slug: &str,
        stars: i64,
        body: &str,
    ) -> Result<ReviewId, ServiceError> {
        let stars = Rating::new(stars).map_err(LearningProblem::from)?;
        let body = rating::tidy_text(body, true).map_err(LearningProblem::from)?;
        let course = self.course(slug).await?;
        let entitlement = self.entitlement_of(Some(viewer), course.card.id).await?;
        rules::check_can_rate(viewer, course.author, entitlement).map_err(LearningProblem::from)?;
        let mut tx = self.store().begin().await?;
        let id = tx
            .save_review(course.card.id, viewer.id, stars, &body, now_millis())
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The course author's one reply to review `id`.
    pub async fn reply_to_review(
        &self,
        viewer: &Actor,
        id: ReviewId,
        text: &str,
    ) -> Result<(), ServiceError> {
        let text = rating::tidy_text(text, false).map_err(LearningProblem::from)?;
        let review = self.visible_review(id).await?;
        let (_, _, author) = self
            .store()
            .course_card(review.course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        rules::check_can_reply(viewer, author, review.view.reply.is_some())
            .map_err(LearningProblem::from)?;
        let mut tx = self.store().begin().await?;
        let replied = tx.reply_to_review(id, &text, now_millis()).await?;
        tx.commit().await?;
        if !replied {
            // Another tab replied between the check and the write.
            return Err(LearningProblem::Review(rules::ReviewRuleError::AlreadyReplied).into());
        }
        Ok(())
    }

    /// Sends review `id` to the moderators. Reporting twice counts once.
    pub async fn report_review(
        &self,
        viewer: &Actor,
        id: ReviewId,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let reason = rating::tidy_text(reason, true).map_err(LearningProblem::from)?;
        self.visible_review(id).await?;
        let mut tx = self.store().begin().await?;
        tx.report_review(id, viewer.id, &reason, now_millis())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A review that readers can see, else "not found".
    async fn visible_review(&self, id: ReviewId) -> Result<ReviewRecord, ServiceError> {
        match self.store().review(id).await? {
            Some(review) if !review.hidden => Ok(review),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// Reviews waiting for a moderator and hidden ones (admins only).
    pub async fn moderation_queue(&self, viewer: &Actor) -> Result<ModerationQueue, ServiceError> {
        if !permissions::can_moderate(Some(viewer)) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store().moderation_queue(REPORTS_SHOWN).await?)
    }

    /// Hides review `id` (it leaves its course's page and rating) or keeps it shown.
    pub async fn moderate_review(
        &self,
        viewer: &Actor,
        id: ReviewId,
        hide: bool,
    ) -> Result<(), ServiceError> {
        if !permissions::can_moderate(Some(viewer)) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        let course = tx.moderate_review(id, hide).await?;
        tx.commit().await?;
        course.map(|_| ()).ok_or(ServiceError::NotFound)
    }

    /// Starts or stops `viewer` following `author`. Either is idempotent.
    pub async fn set_following(
        &self,
        viewer: &Actor,
        author: UserId,
        follow: bool,
    ) -> Result<(), ServiceError> {
        if !rules::can_follow(viewer, author) {
            return Err(LearningProblem::SelfFollow.into());
        }
        let is_author = self
            .store()
            .user(author)
            .await?
            .is_some_and(|user| user.role != domain::Role::Learner);
        if !is_author {
            return Err(ServiceError::NotFound);
        }
        let mut tx = self.store().begin().await?;
        if follow {
            tx.follow(viewer.id, author, now_millis()).await?;
        } else {
            tx.unfollow(viewer.id, author).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The public page of author `key` (their id, or their handle).
    pub async fn author_profile(
        &self,
        viewer: Option<&Actor>,
        key: &str,
    ) -> Result<AuthorProfile, ServiceError> {
        let id = match key.parse::<i64>() {
            Ok(id) => Some(UserId::new(id)),
            Err(_) if key.len() <= 64 => self.store().user_by_handle(key).await?,
            Err(_) => None,
        }
        .ok_or(ServiceError::NotFound)?;
        let user = self.store().user(id).await?.ok_or(ServiceError::NotFound)?;
        let courses = self.store().courses_by(id, AUTHOR_COURSES_SHOWN).await?;
        if !rules::has_author_page(user.role, courses.len()) {
            return Err(ServiceError::NotFound);
        }
        let following = match viewer {
            Some(actor) => self.store().follows(actor.id, id).await?,
            None => false,
        };
        let (bio, handle) = self.store().public_profile(id).await?;
        Ok(AuthorProfile {
            id,
            name: user.display_name,
            bio,
            handle,
            has_avatar: user.has_avatar,
            courses,
            followers: self.store().follower_count(id).await?,
            can_follow: viewer.is_some_and(|actor| rules::can_follow(actor, id)),
            following,
        })
    }

    /// Sets the signed-in author's public profile: a biography (plain text) and a handle (the
    /// address of their page; empty for none). Both are written or neither.
    pub async fn set_profile(
        &self,
        viewer: &Actor,
        bio: &str,
        handle: &str,
    ) -> Result<(), ServiceError> {
        // Plain text under the same rules as a review (at most MAX_REVIEW_CHARS).
        let bio = rating::tidy_text(bio, true).map_err(LearningProblem::from)?;
        let handle = Handle::parse(handle).map_err(LearningProblem::from)?;
        let mut tx = self.store().begin().await?;
        match tx
            .set_profile(viewer.id, &bio, handle.as_ref().map(Handle::as_str))
            .await
        {
            Ok(()) => {}
            // The only unique column the statement writes.
            Err(StoreError::Conflict(_)) => {
                return Err(LearningProblem::Handle(HandleError::Taken).into());
            }
            Err(err) => return Err(err.into()),
        }
        tx.commit().await?;
        Ok(())
    }

    /// Issues (once) `viewer`'s certificate for course `slug`, if they finished every lesson;
    /// returns its code.
    pub async fn claim_certificate(
        &self,
        viewer: &Actor,
        slug: &str,
    ) -> Result<String, ServiceError> {
        let course = self.course(slug).await?;
        if self.store().entitlement(viewer.id, course.card.id).await? != Entitlement::Active {
            return Err(ServiceError::NotFound);
        }
        let (_, percent) = self.done_lessons(viewer.id, &course).await?;
        if percent < 100 {
            return Err(LearningProblem::NotFinished.into());
        }
        let mut tx = self.store().begin().await?;
        let code = tx
            .issue_certificate(
                viewer.id,
                course.card.id,
                &crate::secrets::new_token(),
                now_millis(),
            )
            .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// The certificate with `code`, for its public verification page.
    pub async fn certificate(&self, code: &str) -> Result<Certificate, ServiceError> {
        if code.len() > 64 {
            return Err(ServiceError::NotFound);
        }
        let (user, course, issued_at) = self
            .store()
            .certificate(code)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let learner = self
            .store()
            .user(user)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (card, _, _) = self
            .store()
            .course_card(course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(Certificate {
            code: code.to_owned(),
            learner_name: learner.display_name,
            course_title: card.title,
            course_slug: card.slug,
            author_name: card.author_name,
            issued_at,
        })
    }
}
