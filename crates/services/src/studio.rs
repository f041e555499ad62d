//! The authoring studio's use cases: courses, their settings and structure, lesson bodies,
//! submitting a revision and (until the review queue exists) an admin publishing it.
//!
//! Every use case asks `domain::permissions::can_edit_course` first (an author edits only their
//! own courses; admins any), runs its writes in one unit of work, and sanitises every piece of
//! rich text before it is stored.

use crate::accounts::{Client, CurrentSession, audit};
use crate::{ServiceError, Services};
use domain::authoring::{
    self, CourseSettings, Field, FieldError, FieldProblem, FileEdit, SettingsForm, suggest_slug,
    unique_slug,
};
use domain::permissions::{can_edit_course, can_open_studio};
use domain::{ChapterId, CourseId, LessonId, LessonKind, MediaId, Slug, UserId};
use store::{
    CourseDraft, DraftChapter, DraftLesson, MediaRecord, NewLesson, RevisionSummary, StudioCourse,
    now_millis,
};

/// A saved lesson body: the version the next save must name, and the counts the editor shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedBody {
    /// The new version.
    pub version: i64,
    /// The stored, sanitised HTML (what the editor should now hold).
    pub html: String,
    /// Character and word counts of the text.
    pub stats: authoring::TextStats,
    /// The reading time now recorded for the lesson.
    pub duration_seconds: i64,
}

impl Services {
    /// The signed-in person's courses, for `/studio`.
    pub async fn studio_courses(
        &self,
        me: &CurrentSession,
    ) -> Result<Vec<StudioCourse>, ServiceError> {
        if !can_open_studio(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store().studio_courses(me.actor.id).await?)
    }

    /// Creates a course from the settings form; its id, or every field's problem.
    pub async fn create_course(
        &self,
        me: &CurrentSession,
        form: &SettingsForm,
        client: &Client,
    ) -> Result<CourseId, ServiceError> {
        if !can_open_studio(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let settings = self.checked_settings(form, None).await?;
        let mut tx = self.store().begin().await?;
        let course = tx
            .create_draft_course(me.actor.id, &settings, now_millis())
            .await?;
        audit(
            &mut tx,
            "course_created",
            Some(me.actor.id),
            None,
            client,
            settings.slug.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(course)
    }

    /// A course's draft, for its editor.
    pub async fn course_draft(
        &self,
        me: &CurrentSession,
        course: CourseId,
    ) -> Result<CourseDraft, ServiceError> {
        let draft = self
            .store()
            .course_draft(course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        editable(me, draft.author)?;
        Ok(draft)
    }

    /// Saves the settings form over the draft made from `version`; the new version.
    pub async fn update_course(
        &self,
        me: &CurrentSession,
        course: CourseId,
        form: &SettingsForm,
        version: i64,
    ) -> Result<i64, ServiceError> {
        let draft = self.course_draft(me, course).await?;
        let mut settings = self.checked_settings(form, Some(course)).await?;
        settings.cover = draft.settings.cover;
        let mut tx = self.store().begin().await?;
        let saved = tx
            .update_draft_settings(course, &settings, version, now_millis())
            .await?;
        let Some(new_version) = saved else {
            return Err(ServiceError::EditConflict {
                version: draft.version,
            });
        };
        tx.commit().await?;
        Ok(new_version)
    }

    /// Validates the form, sanitises the description and settles the slug: an empty slug gets
    /// one made from the title (numbered if taken); a typed one that is taken is refused.
    async fn checked_settings(
        &self,
        form: &SettingsForm,
        course: Option<CourseId>,
    ) -> Result<CourseSettings, ServiceError> {
        let mut settings = form.validate().map_err(ServiceError::Fields)?;
        settings.description_html = richtext::clean(&settings.description_html).html;
        if form.slug.trim().is_empty() {
            let base = Slug::parse(&suggest_slug(&settings.title))
                .map_err(|_| ServiceError::Invalid("slug"))?;
            let taken = self
                .store()
                .slugs_starting_with(base.as_str(), course)
                .await?;
            settings.slug = unique_slug(&base, |s| taken.iter().any(|t| t == s));
            return Ok(settings);
        }
        if self
            .store()
            .slug_in_use(settings.slug.as_str(), course)
            .await?
        {
            return Err(ServiceError::Fields(vec![FieldError {
                field: Field::Slug,
                problem: FieldProblem::Taken,
            }]));
        }
        Ok(settings)
    }

    /// The draft's chapters and lessons.
    pub async fn draft_outline(
        &self,
        me: &CurrentSession,
        course: CourseId,
    ) -> Result<Vec<DraftChapter>, ServiceError> {
        self.course_draft(me, course).await?;
        Ok(self.store().draft_outline(course).await?)
    }

    /// Adds a chapter at the end.
    pub async fn add_chapter(
        &self,
        me: &CurrentSession,
        course: CourseId,
        title: &str,
    ) -> Result<ChapterId, ServiceError> {
        self.course_draft(me, course).await?;
        let title = title_of(title)?;
        let mut tx = self.store().begin().await?;
        let chapter = tx.add_chapter(course, &title, now_millis()).await?;
        tx.commit().await?;
        Ok(chapter)
    }

    /// Renames a chapter.
    pub async fn rename_chapter(
        &self,
        me: &CurrentSession,
        chapter: ChapterId,
        title: &str,
    ) -> Result<(), ServiceError> {
        let course = self.chapter_course(me, chapter).await?;
        let title = title_of(title)?;
        let mut tx = self.store().begin().await?;
        tx.rename_chapter(course, chapter, &title, now_millis())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a chapter and its lessons from the draft. Safe to repeat.
    pub async fn delete_chapter(
        &self,
        me: &CurrentSession,
        chapter: ChapterId,
    ) -> Result<(), ServiceError> {
        let course = match self.chapter_course(me, chapter).await {
            Err(ServiceError::NotFound) => return Ok(()),
            other => other?,
        };
        let mut tx = self.store().begin().await?;
        tx.delete_chapter(course, chapter, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts the course's chapters in `order`, which must hold each of them once.
    pub async fn reorder_chapters(
        &self,
        me: &CurrentSession,
        course: CourseId,
        order: &[ChapterId],
    ) -> Result<(), ServiceError> {
        self.course_draft(me, course).await?;
        let mut tx = self.store().begin().await?;
        let current = tx.draft_chapter_ids(course).await?;
        authoring::check_reorder(&current, order).map_err(|_| ServiceError::Invalid("order"))?;
        tx.order_chapters(course, order, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a chapter's lessons in `order`, which must hold each of them once.
    pub async fn reorder_lessons(
        &self,
        me: &CurrentSession,
        chapter: ChapterId,
        order: &[LessonId],
    ) -> Result<(), ServiceError> {
        let course = self.chapter_course(me, chapter).await?;
        let mut tx = self.store().begin().await?;
        let current = tx.draft_lesson_ids(chapter).await?;
        authoring::check_reorder(&current, order).map_err(|_| ServiceError::Invalid("order"))?;
        tx.order_lessons(course, chapter, order, now_millis())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an empty lesson at the end of a chapter.
    pub async fn add_lesson(
        &self,
        me: &CurrentSession,
        chapter: ChapterId,
        title: &str,
        kind: LessonKind,
    ) -> Result<LessonId, ServiceError> {
        let course = self.chapter_course(me, chapter).await?;
        let lesson = NewLesson {
            title: title_of(title)?,
            kind,
            is_preview: false,
            duration_seconds: 0,
        };
        let mut tx = self.store().begin().await?;
        let id = tx
            .add_lesson(course, chapter, &lesson, now_millis())
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A draft lesson with its body, for the editor.
    pub async fn draft_lesson(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
    ) -> Result<DraftLesson, ServiceError> {
        self.lesson_course(me, lesson).await?;
        self.store()
            .draft_lesson(lesson)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Renames a lesson and sets whether it is a free preview.
    pub async fn update_lesson_details(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
        title: &str,
        preview: bool,
    ) -> Result<(), ServiceError> {
        let course = self.lesson_course(me, lesson).await?;
        let title = title_of(title)?;
        let mut tx = self.store().begin().await?;
        tx.update_lesson_details(course, lesson, &title, preview, now_millis())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the video of a video lesson or the recording of an audio lesson to a file the
    /// editor uploaded (its own upload, of the kind the lesson plays), or removes it with `None`.
    /// Safe to repeat.
    pub async fn set_lesson_media(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
        media: Option<MediaId>,
    ) -> Result<(), ServiceError> {
        let course = self.lesson_course(me, lesson).await?;
        let draft = self
            .store()
            .draft_lesson(lesson)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut played = None;
        if let Some(media) = media {
            let record = self
                .store()
                .media(media)
                .await?
                .filter(|r| domain::media::can_attach(&me.actor, r.owner))
                .ok_or(ServiceError::NotFound)?;
            if authoring::lesson_media_kind(draft.kind) != Some(record.kind) {
                return Err(ServiceError::Invalid("media"));
            }
            played = record.duration_seconds;
        }
        let duration = authoring::lesson_seconds(played, &draft.body_text);
        let mut tx = self.store().begin().await?;
        tx.set_lesson_media(course, lesson, media, duration, now_millis())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The files attached to `me`'s draft lesson `lesson`, in order, each with whether learners
    /// may download it.
    pub async fn lesson_files(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
    ) -> Result<Vec<(MediaRecord, bool)>, ServiceError> {
        self.lesson_course(me, lesson).await?;
        let draft = self
            .store()
            .draft_lesson(lesson)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let ids: Vec<MediaId> = draft.files.iter().map(|f| f.media).collect();
        let records = self.store().media_records(&ids).await?;
        Ok(draft
            .files
            .iter()
            .filter_map(|file| {
                let record = records.iter().find(|r| r.id == file.media)?;
                Some((record.clone(), file.downloadable))
            })
            .collect())
    }

    /// Applies `edit` to the files of `me`'s draft lesson `lesson`; the files after it. Only a
    /// file `me` uploaded (or any, for an admin) of an attachable kind can be attached; a lesson
    /// carries at most [`authoring::MAX_LESSON_FILES`]. Each edit is safe to repeat.
    pub async fn edit_lesson_files(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
        edit: FileEdit,
    ) -> Result<Vec<(MediaRecord, bool)>, ServiceError> {
        let course = self.lesson_course(me, lesson).await?;
        let mut tx = self.store().begin().await?;
        match edit {
            FileEdit::Attach { media } => {
                self.store()
                    .media(media)
                    .await?
                    .filter(|r| {
                        domain::media::can_attach(&me.actor, r.owner)
                            && domain::media::attachable(r.kind)
                    })
                    .ok_or(ServiceError::NotFound)?;
                let count = tx
                    .attach_lesson_file(course, lesson, media, now_millis())
                    .await?;
                if !authoring::files_within_limit(count) {
                    return Err(ServiceError::Invalid("files"));
                }
            }
            FileEdit::Downloadable {
                media,
                downloadable,
            } => {
                let found = tx
                    .set_file_downloadable(course, lesson, media, downloadable, now_millis())
                    .await?;
                if !found {
                    return Err(ServiceError::NotFound);
                }
            }
            FileEdit::Detach { media } => {
                tx.detach_lesson_file(course, lesson, media, now_millis())
                    .await?;
            }
        }
        tx.commit().await?;
        self.lesson_files(me, lesson).await
    }

    /// Deletes a lesson from the draft. Safe to repeat.
    pub async fn delete_lesson(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
    ) -> Result<(), ServiceError> {
        let course = match self.lesson_course(me, lesson).await {
            Err(ServiceError::NotFound) => return Ok(()),
            other => other?,
        };
        let mut tx = self.store().begin().await?;
        tx.delete_lesson(course, lesson, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a lesson body typed from `version` (the editor's autosave). The HTML is sanitised;
    /// an article's duration becomes its reading time. A save made from an older version than
    /// the stored one is refused with the stored version, never written over it. A retry of a
    /// save whose answer was lost (the stored body already equals this one) answers as the
    /// first save did instead of reporting a conflict.
    pub async fn save_lesson_body(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
        html: &str,
        version: i64,
    ) -> Result<SavedBody, ServiceError> {
        if html.len() > authoring::MAX_LESSON_BYTES {
            return Err(ServiceError::Invalid("body"));
        }
        let course = self.lesson_course(me, lesson).await?;
        let current = self
            .store()
            .draft_lesson(lesson)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let clean = richtext::clean(html);
        let played = match current.media {
            Some(media) => self
                .store()
                .media(media)
                .await?
                .and_then(|m| m.duration_seconds),
            None => None,
        };
        let duration = authoring::lesson_seconds(played, &clean.text);
        let mut tx = self.store().begin().await?;
        let saved = tx
            .save_lesson_body(
                course,
                lesson,
                &clean.html,
                &clean.text,
                duration,
                version,
                now_millis(),
            )
            .await?;
        let new_version = match saved {
            Some(v) => v,
            None if current.body_html == clean.html && current.version > version => current.version,
            None => {
                return Err(ServiceError::EditConflict {
                    version: current.version,
                });
            }
        };
        tx.commit().await?;
        Ok(SavedBody {
            version: new_version,
            stats: authoring::text_stats(&clean.text),
            html: clean.html,
            duration_seconds: duration,
        })
    }

    /// Snapshots the draft as a new revision and puts the course in review; its number.
    pub async fn submit_course(
        &self,
        me: &CurrentSession,
        course: CourseId,
        client: &Client,
    ) -> Result<i64, ServiceError> {
        let draft = self.course_draft(me, course).await?;
        let mut tx = self.store().begin().await?;
        let snapshot = tx
            .draft_snapshot(course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        authoring::submit(draft.state, snapshot.lesson_count())
            .map_err(ServiceError::Transition)?;
        let json = snapshot
            .to_json()
            .map_err(|_| ServiceError::Invalid("revision"))?;
        let number = tx
            .insert_revision(course, &json, me.actor.id, now_millis())
            .await?;
        audit(
            &mut tx,
            "course_submitted",
            Some(me.actor.id),
            Some(draft.author),
            client,
            &format!("{course} r{number}"),
        )
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    /// Approves the revision waiting for review, so learners see it at once (the review page's
    /// approval, for callers that have no reason to give).
    pub async fn publish_revision(
        &self,
        me: &CurrentSession,
        course: CourseId,
        number: i64,
        client: &Client,
    ) -> Result<(), ServiceError> {
        self.decide_review(
            me,
            course,
            number,
            domain::review::Decision::Approve,
            "",
            client,
        )
        .await
    }

    /// Why an admin took the course off the catalog (empty if they did not).
    pub async fn unpublished_reason(
        &self,
        me: &CurrentSession,
        course: CourseId,
    ) -> Result<String, ServiceError> {
        self.course_draft(me, course).await?;
        Ok(self.store().unpublished_reason(course).await?)
    }

    /// A course's revision history.
    pub async fn revisions(
        &self,
        me: &CurrentSession,
        course: CourseId,
    ) -> Result<Vec<RevisionSummary>, ServiceError> {
        self.course_draft(me, course).await?;
        Ok(self.store().revisions(course).await?)
    }

    async fn chapter_course(
        &self,
        me: &CurrentSession,
        chapter: ChapterId,
    ) -> Result<CourseId, ServiceError> {
        let (course, author) = self
            .store()
            .draft_chapter_owner(chapter)
            .await?
            .ok_or(ServiceError::NotFound)?;
        editable(me, author)?;
        Ok(course)
    }

    async fn lesson_course(
        &self,
        me: &CurrentSession,
        lesson: LessonId,
    ) -> Result<CourseId, ServiceError> {
        let (course, author) = self
            .store()
            .draft_lesson_owner(lesson)
            .await?
            .ok_or(ServiceError::NotFound)?;
        editable(me, author)?;
        Ok(course)
    }
}

/// Someone else's course answers "not found", so course ids cannot be probed.
fn editable(me: &CurrentSession, author: UserId) -> Result<(), ServiceError> {
    if can_edit_course(Some(&me.actor), author) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

fn title_of(raw: &str) -> Result<String, ServiceError> {
    authoring::parse_title(raw).map_err(|_| ServiceError::Invalid("title"))
}
