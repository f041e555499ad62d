//! Server functions of the authoring studio.

use crate::AppError;
use crate::api::types::{
    ChapterView, CourseEditorView, LessonEditorView, LessonFileView, LessonSaved, SettingsSaved,
    StudioOverview,
};
use domain::authoring::SettingsForm;
use domain::{ChapterId, CourseId, LessonId, LessonKind};
use leptos::prelude::*;

/// The signed-in author's courses and the categories a new one can go in.
#[server(endpoint = "studio_home")]
pub async fn studio_home() -> Result<StudioOverview, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let courses = services
        .studio_courses(&me)
        .await
        .map_err(AppError::from_service)?;
    let categories = services
        .categories()
        .await
        .map_err(AppError::from_service)?;
    Ok(StudioOverview {
        courses: courses
            .into_iter()
            .map(|c| crate::api::types::StudioCourseView {
                id: c.course,
                title: c.title,
                slug: c.slug,
                state: c.state,
                listed: c.listed,
                live_revision: c.live_revision,
                last_revision: c.last_revision,
                edited: domain::time::format_utc(c.updated_at),
                lessons: c.lessons,
            })
            .collect(),
        categories,
    })
}

/// Creates a course from the "new course" form; the rest of its settings start at their
/// defaults (beginner, 7-day refunds, a slug made from the title). Refused fields come back
/// together as [`AppError::Fields`].
#[server(endpoint = "studio_create_course")]
pub async fn studio_create_course(
    title: String,
    category: String,
    language: String,
    price: String,
    currency: String,
) -> Result<CourseId, AppError> {
    let me = crate::auth::require_session()?;
    let form = domain::authoring::SettingsForm {
        title,
        category,
        language,
        level: domain::authoring::Level::default().as_str().to_owned(),
        price,
        currency,
        ..Default::default()
    };
    super::services()?
        .create_course(&me, &form, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}

/// Everything the course editor shows: draft settings, structure, revisions.
#[server(endpoint = "studio_course")]
pub async fn studio_course(course: CourseId) -> Result<CourseEditorView, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let draft = services
        .course_draft(&me, course)
        .await
        .map_err(AppError::from_service)?;
    let outline = outline(&services, &me, course).await?;
    let revisions = services
        .revisions(&me, course)
        .await
        .map_err(AppError::from_service)?;
    let categories = services
        .categories()
        .await
        .map_err(AppError::from_service)?;
    let unpublished_reason = services
        .unpublished_reason(&me, course)
        .await
        .map_err(AppError::from_service)?;
    Ok(CourseEditorView {
        id: course,
        form: SettingsForm::from_settings(&draft.settings),
        version: draft.version,
        state: draft.state,
        live_slug: draft.listed.then_some(draft.live_slug),
        live_revision: draft.live_revision,
        outline,
        revisions: revisions
            .into_iter()
            .map(|r| crate::api::types::RevisionView {
                number: r.number,
                submitted: domain::time::format_utc(r.submitted_at),
                decision: r.decision,
                reason: r.reason,
            })
            .collect(),
        categories,
        can_review: domain::review::can_review(Some(&me.actor), draft.author),
        unpublished_reason,
        cover: draft.settings.cover,
    })
}

#[cfg(feature = "ssr")]
async fn outline(
    services: &services::Services,
    me: &services::CurrentSession,
    course: CourseId,
) -> Result<Vec<ChapterView>, AppError> {
    let chapters = services
        .draft_outline(me, course)
        .await
        .map_err(AppError::from_service)?;
    Ok(chapters
        .into_iter()
        .map(|c| ChapterView {
            id: c.id,
            title: c.title,
            lessons: c
                .lessons
                .into_iter()
                .map(|l| crate::api::types::LessonItemView {
                    id: l.id,
                    title: l.title,
                    kind: l.kind,
                    preview: l.preview,
                    minutes: domain::time::minutes_rounded_up(l.duration_seconds),
                })
                .collect(),
        })
        .collect())
}

/// Saves the settings form over the draft at `version`. Refused fields come back together as
/// [`AppError::Fields`]; a save from a stale version as [`AppError::EditConflict`].
#[server(endpoint = "studio_save_settings")]
pub async fn studio_save_settings(
    course: CourseId,
    version: i64,
    form: SettingsForm,
) -> Result<SettingsSaved, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let version = services
        .update_course(&me, course, &form, version)
        .await
        .map_err(AppError::from_service)?;
    let draft = services
        .course_draft(&me, course)
        .await
        .map_err(AppError::from_service)?;
    Ok(SettingsSaved {
        version,
        slug: draft.settings.slug.to_string(),
    })
}

/// What a structure edit does; each answers the whole new outline, so the page shows exactly what
/// is stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StructureEdit {
    /// A chapter at the end.
    AddChapter {
        /// Its title.
        title: String,
    },
    /// A new chapter title.
    RenameChapter {
        /// The chapter.
        chapter: ChapterId,
        /// Its new title.
        title: String,
    },
    /// A chapter and its lessons removed.
    DeleteChapter {
        /// The chapter.
        chapter: ChapterId,
    },
    /// Chapters in a new order.
    OrderChapters {
        /// Every chapter once.
        order: Vec<ChapterId>,
    },
    /// A lesson at the end of a chapter.
    AddLesson {
        /// The chapter.
        chapter: ChapterId,
        /// Its title.
        title: String,
        /// What it is made of.
        kind: LessonKind,
    },
    /// A lesson removed.
    DeleteLesson {
        /// The lesson.
        lesson: LessonId,
    },
    /// A chapter's lessons in a new order.
    OrderLessons {
        /// The chapter.
        chapter: ChapterId,
        /// Every lesson of it once.
        order: Vec<LessonId>,
    },
}

/// Applies one structure edit to a course's draft; the outline after it.
#[server(endpoint = "studio_structure", input = leptos::server_fn::codec::Json)]
pub async fn studio_structure(
    course: CourseId,
    edit: StructureEdit,
) -> Result<Vec<ChapterView>, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    // The course is checked first, so an edit naming another course's chapter answers "not found".
    services
        .course_draft(&me, course)
        .await
        .map_err(AppError::from_service)?;
    let done = match edit {
        StructureEdit::AddChapter { title } => {
            services.add_chapter(&me, course, &title).await.map(drop)
        }
        StructureEdit::RenameChapter { chapter, title } => {
            services.rename_chapter(&me, chapter, &title).await
        }
        StructureEdit::DeleteChapter { chapter } => services.delete_chapter(&me, chapter).await,
        StructureEdit::OrderChapters { order } => {
            services.reorder_chapters(&me, course, &order).await
        }
        StructureEdit::AddLesson {
            chapter,
            title,
            kind,
        } => services
            .add_lesson(&me, chapter, &title, kind)
            .await
            .map(drop),
        StructureEdit::DeleteLesson { lesson } => services.delete_lesson(&me, lesson).await,
        StructureEdit::OrderLessons { chapter, order } => {
            services.reorder_lessons(&me, chapter, &order).await
        }
    };
    done.map_err(AppError::from_service)?;
    outline(&services, &me, course).await
}

/// Snapshots the draft as a revision and puts the course in review; the revision's number.
#[server(endpoint = "studio_submit")]
pub async fn studio_submit(course: CourseId) -> Result<i64, AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .submit_course(&me, course, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}

/// Approves and publishes the revision waiting for review (reviewers and admins, not on their
/// own courses): the review page's approval, for clients that need no page.
#[server(endpoint = "studio_publish")]
pub async fn studio_publish(course: CourseId, number: i64) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .publish_revision(&me, course, number, &crate::auth::client())
        .await
        .map_err(AppError::from_service)
}

/// One draft lesson for the editor.
#[server(endpoint = "studio_lesson")]
pub async fn studio_lesson(lesson: LessonId) -> Result<LessonEditorView, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let draft = services
        .draft_lesson(&me, lesson)
        .await
        .map_err(AppError::from_service)?;
    let course = services
        .course_draft(&me, draft.course)
        .await
        .map_err(AppError::from_service)?;
    let stats = domain::authoring::text_stats(&draft.body_text);
    Ok(LessonEditorView {
        id: draft.id,
        course: draft.course,
        course_title: course.settings.title,
        title: draft.title,
        kind: draft.kind,
        preview: draft.preview,
        html: draft.body_html,
        version: draft.version,
        counts: crate::api::types::BodyCounts {
            chars: stats.characters,
            words: stats.words,
            duration_seconds: draft.duration_seconds,
        },
        media: draft.media,
    })
}

/// The files attached to a draft lesson, after applying `edit` if there is one (attach an upload,
/// set whether learners may download a file, take one off).
#[server(endpoint = "studio_lesson_files", input = leptos::server_fn::codec::Json)]
pub async fn studio_lesson_files(
    lesson: LessonId,
    edit: Option<domain::authoring::FileEdit>,
) -> Result<Vec<LessonFileView>, AppError> {
    let me = crate::auth::require_session()?;
    let services = super::services()?;
    let files = match edit {
        Some(edit) => services.edit_lesson_files(&me, lesson, edit).await,
        None => services.lesson_files(&me, lesson).await,
    }
    .map_err(AppError::from_service)?;
    Ok(files
        .into_iter()
        .map(|(file, downloadable)| LessonFileView {
            media: file.id,
            name: file.file_name,
            size: file.byte_size,
            kind: file.kind,
            downloadable,
        })
        .collect())
}

/// Sets the video or recording a lesson plays to a file the editor uploaded (`POST /media`), or
/// removes it when `media` is left out.
#[server(endpoint = "studio_lesson_media")]
pub async fn studio_lesson_media(
    lesson: LessonId,
    media: Option<domain::MediaId>,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .set_lesson_media(&me, lesson, media)
        .await
        .map_err(AppError::from_service)
}

/// Renames a lesson and sets whether it is a free preview.
#[server(endpoint = "studio_lesson_details")]
pub async fn studio_lesson_details(
    lesson: LessonId,
    title: String,
    preview: Option<String>,
) -> Result<(), AppError> {
    let me = crate::auth::require_session()?;
    super::services()?
        .update_lesson_details(&me, lesson, &title, preview.is_some())
        .await
        .map_err(AppError::from_service)
}

/// The editor's autosave: the body typed from `version`, sanitised and stored; the new version
/// and counts, or [`AppError::EditConflict`] with the stored version when another tab saved first.
/// JSON in, because a form would send each Chinese character as nine bytes (`%E4%BD%A0`).
#[server(endpoint = "studio_save_lesson", input = leptos::server_fn::codec::Json)]
pub async fn studio_save_lesson(
    lesson: LessonId,
    html: String,
    version: i64,
) -> Result<LessonSaved, AppError> {
    let me = crate::auth::require_session()?;
    let saved = super::services()?
        .save_lesson_body(&me, lesson, &html, version)
        .await
        .map_err(AppError::from_service)?;
    Ok(LessonSaved {
        version: saved.version,
        counts: crate::api::types::BodyCounts {
            chars: saved.stats.characters,
            words: saved.stats.words,
            duration_seconds: saved.duration_seconds,
        },
    })
}
