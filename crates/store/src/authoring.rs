//! The studio's tables: each course's draft (settings, chapters, lessons, files), its submitted
//! revisions, and publishing a revision into the live tables learners read.
//!
//! Every draft edit bumps the draft's `updated_at`, so the studio can tell "edited since the last
//! submission". Settings and lesson bodies carry a version number: a save names the version it was
//! made from and is refused when another tab saved in between, instead of overwriting it.

use crate::db::{Tx, on};
use crate::{NewLesson, Store, StoreError};
use domain::authoring::{CourseSettings, Level, ReviewState};
use domain::revision::{ChapterSnapshot, CourseSnapshot, FileSnapshot, LessonSnapshot};
use domain::{
    CategoryId, ChapterId, CourseId, Currency, Lang, LessonId, LessonKind, MediaId, Money, Slug,
    UserId,
};

/// A course's draft settings and where the course stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseDraft {
    /// The course.
    pub course: CourseId,
    /// Its author.
    pub author: UserId,
    /// The draft settings.
    pub settings: CourseSettings,
    /// Bumped by every settings save.
    pub version: i64,
    /// The last edit of anything in the draft (Unix ms).
    pub updated_at: i64,
    /// Where it is in review.
    pub state: ReviewState,
    /// Whether learners find it in the catalog.
    pub listed: bool,
    /// The revision learners see, if any.
    pub live_revision: Option<i64>,
    /// The live slug (what learners' links use), which may differ from the draft's.
    pub live_slug: String,
}

/// A line of the studio home.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudioCourse {
    /// The course.
    pub course: CourseId,
    /// Its draft title.
    pub title: String,
    /// Its live slug.
    pub slug: String,
    /// Where it is in review.
    pub state: ReviewState,
    /// Whether learners find it in the catalog.
    pub listed: bool,
    /// The revision learners see.
    pub live_revision: Option<i64>,
    /// The newest submitted revision.
    pub last_revision: Option<i64>,
    /// When that was submitted (Unix ms).
    pub last_submitted_at: Option<i64>,
    /// The last edit of the draft (Unix ms).
    pub updated_at: i64,
    /// Lessons in the draft.
    pub lessons: i64,
}

/// A chapter of a draft with its lessons, as the structure editor lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftChapter {
    /// The chapter.
    pub id: ChapterId,
    /// Its title.
    pub title: String,
    /// Its lessons in order.
    pub lessons: Vec<DraftLessonItem>,
}

/// A lesson in the structure editor (no body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftLessonItem {
    /// The lesson.
    pub id: LessonId,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: LessonKind,
    /// A free preview.
    pub preview: bool,
    /// Its length in seconds.
    pub duration_seconds: i64,
}

/// A draft lesson with its content, for the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftLesson {
    /// The lesson.
    pub id: LessonId,
    /// Its course.
    pub course: CourseId,
    /// Its chapter.
    pub chapter: ChapterId,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: LessonKind,
    /// A free preview.
    pub preview: bool,
    /// Its length in seconds.
    pub duration_seconds: i64,
    /// The sanitised body.
    pub body_html: String,
    /// The body as plain text.
    pub body_text: String,
    /// The video or audio file.
    pub media: Option<MediaId>,
    /// Bumped by every body save.
    pub version: i64,
    /// Attached files in order.
    pub files: Vec<FileSnapshot>,
}

/// A submitted revision as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionSummary {
    /// Its number within the course, from 1.
    pub number: i64,
    /// When it was submitted (Unix ms).
    pub submitted_at: i64,
    /// `approved` or `changes_requested`, once decided.
    pub decision: Option<String>,
    /// When it was decided (Unix ms).
    pub decided_at: Option<i64>,
    /// The reviewer's reason, for requested changes.
    pub reason: String,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    course_id: i64,
    author_id: i64,
    slug: String,
    category_id: i64,
    title: String,
    subtitle: String,
    description_html: String,
    language: String,
    level: String,
    tags: String,
    outcomes: String,
    price_minor: i64,
    currency: String,
    refund_days: i64,
    cover_media_id: Option<i64>,
    version: i64,
    updated_at: i64,
    review_state: String,
    status: String,
    live_revision: Option<i64>,
    live_slug: String,
}

const DRAFT_SQL: &str = "SELECT d.course_id, c.author_id, d.slug, d.category_id, d.title, \
     d.subtitle, d.description_html, d.language, d.level, d.tags, d.outcomes, d.price_minor, \
     d.currency, d.refund_days, d.cover_media_id, d.version, d.updated_at, c.review_state, \
     c.status, c.live_revision, c.slug AS live_slug \
     FROM course_drafts d JOIN courses c ON c.id = d.course_id WHERE d.course_id = $1";

fn corrupt(detail: impl ToString) -> StoreError {
    StoreError::corrupt("course_drafts", detail)
}

fn json_list(raw: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(raw).map_err(corrupt)
}

fn to_json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

/// Binds a course's settings as `$1`..`$13`, in this order: slug, category, title, subtitle,
/// description, language, level, tags, outcomes, price (minor units), currency, refund days, cover.
/// The draft, a new course and a published revision all write these thirteen columns, so their
/// statements number them alike and the order is written down once.
macro_rules! bind_settings {
    ($query:expr, $s:expr) => {
        $query
            .bind($s.slug.as_str())
            .bind($s.category.get())
            .bind(&$s.title)
            .bind(&$s.subtitle)
            .bind(&$s.description_html)
            .bind($s.language.tag())
            .bind($s.level.as_str())
            .bind(to_json_list(&$s.tags))
            .bind(to_json_list(&$s.outcomes))
            .bind($s.price.minor())
            .bind($s.price.currency().code())
            .bind(i64::from($s.refund_days))
            .bind($s.cover.map(MediaId::get))
    };
}

impl TryFrom<DraftRow> for CourseDraft {
    type Error = StoreError;
    fn try_from(row: DraftRow) -> Result<Self, StoreError> {
        let currency = Currency::from_code(&row.currency).map_err(corrupt)?;
        Ok(CourseDraft {
            course: CourseId::new(row.course_id),
            author: UserId::new(row.author_id),
            settings: CourseSettings {
                title: row.title,
                subtitle: row.subtitle,
                slug: Slug::parse(&row.slug).map_err(corrupt)?,
                category: CategoryId::new(row.category_id),
                tags: json_list(&row.tags)?,
                language: Lang::from_tag(&row.language).ok_or_else(|| corrupt(&row.language))?,
                level: Level::parse(&row.level).ok_or_else(|| corrupt(&row.level))?,
                price: Money::price(row.price_minor, currency).map_err(corrupt)?,
                description_html: row.description_html,
                outcomes: json_list(&row.outcomes)?,
                refund_days: u8::try_from(row.refund_days).map_err(corrupt)?,
                cover: row.cover_media_id.map(MediaId::new),
            },
            version: row.version,
            updated_at: row.updated_at,
            state: ReviewState::parse(&row.review_state)
                .ok_or_else(|| corrupt(&row.review_state))?,
            listed: row.status == "published",
            live_revision: row.live_revision,
            live_slug: row.live_slug,
        })
    }
}

#[derive(sqlx::FromRow)]
struct LessonRow {
    id: i64,
    course_id: i64,
    chapter_id: i64,
    title: String,
    kind: String,
    is_preview: bool,
    duration_seconds: i64,
    body_html: String,
    body_text: String,
    media_id: Option<i64>,
    version: i64,
}

const LESSON_SQL: &str = "SELECT id, course_id, chapter_id, title, kind, is_preview, \
     duration_seconds, body_html, body_text, media_id, version FROM draft_lessons";

fn lesson_kind(raw: &str) -> Result<LessonKind, StoreError> {
    LessonKind::parse(raw).ok_or_else(|| StoreError::corrupt("draft_lessons", raw))
}

impl LessonRow {
    fn into_lesson(self, files: Vec<FileSnapshot>) -> Result<DraftLesson, StoreError> {
        Ok(DraftLesson {
            id: LessonId::new(self.id),
            course: CourseId::new(self.course_id),
            chapter: ChapterId::new(self.chapter_id),
            title: self.title,
            kind: lesson_kind(&self.kind)?,
            preview: self.is_preview,
            duration_seconds: self.duration_seconds,
            body_html: self.body_html,
            body_text: self.body_text,
            media: self.media_id.map(MediaId::new),
            version: self.version,
            files,
        })
    }
}

fn files_of(rows: &[FileRow], lesson: i64) -> Vec<FileSnapshot> {
    rows.iter()
        .filter(|(l, _, _)| *l == lesson)
        .map(|(_, media, downloadable)| FileSnapshot {
            media: MediaId::new(*media),
            downloadable: *downloadable,
        })
        .collect()
}

const FILES_SQL: &str = "SELECT f.lesson_id, f.media_id, f.downloadable FROM draft_lesson_files f \
     JOIN draft_lessons l ON l.id = f.lesson_id WHERE l.course_id = $1 ORDER BY f.lesson_id, f.position";

impl Store {
    /// A course's draft, or `None` if there is no such course.
    pub async fn course_draft(&self, course: CourseId) -> Result<Option<CourseDraft>, StoreError> {
        let row: Option<DraftRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(DRAFT_SQL)
                .bind(course.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(CourseDraft::try_from).transpose()
    }

    /// The studio home of `author`: their courses, last edited first.
    pub async fn studio_courses(&self, author: UserId) -> Result<Vec<StudioCourse>, StoreError> {
        #[allow(clippy::type_complexity, reason = "one row of a query, named below")]
        let rows: Vec<(
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            i64,
            i64,
        )> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT c.id, d.title, c.slug, c.review_state, c.status, c.live_revision, \
                 (SELECT max(r.number) FROM course_revisions r WHERE r.course_id = c.id), \
                 (SELECT max(r.submitted_at) FROM course_revisions r WHERE r.course_id = c.id), \
                 d.updated_at, \
                 (SELECT count(*) FROM draft_lessons l WHERE l.course_id = c.id) \
                 FROM courses c JOIN course_drafts d ON d.course_id = c.id \
                 WHERE c.author_id = $1 ORDER BY d.updated_at DESC, c.id DESC",
            )
            .bind(author.get())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(StudioCourse {
                    course: CourseId::new(row.0),
                    title: row.1,
                    slug: row.2,
                    state: ReviewState::parse(&row.3).ok_or_else(|| corrupt(&row.3))?,
                    listed: row.4 == "published",
                    live_revision: row.5,
                    last_revision: row.6,
                    last_submitted_at: row.7,
                    updated_at: row.8,
                    lessons: row.9,
                })
            })
            .collect()
    }

    /// The draft's chapters and lessons in order.
    pub async fn draft_outline(&self, course: CourseId) -> Result<Vec<DraftChapter>, StoreError> {
        let (chapters, lessons): (Vec<(i64, String)>, Vec<LessonItemRow>) =
            on!(Pool, &self.pool, |pool| {
                let chapters = sqlx::query_as(
                    "SELECT id, title FROM draft_chapters WHERE course_id = $1 \
                     ORDER BY position, id",
                )
                .bind(course.get())
                .fetch_all(pool)
                .await?;
                let lessons = sqlx::query_as(
                    "SELECT id, chapter_id, title, kind, is_preview, duration_seconds \
                     FROM draft_lessons WHERE course_id = $1 ORDER BY position, id",
                )
                .bind(course.get())
                .fetch_all(pool)
                .await?;
                (chapters, lessons)
            });
        outline(chapters, lessons)
    }

    /// One draft lesson with its content.
    pub async fn draft_lesson(&self, lesson: LessonId) -> Result<Option<DraftLesson>, StoreError> {
        let sql = const_format::concatcp!(LESSON_SQL, " WHERE id = $1");
        let (row, files): (Option<LessonRow>, Vec<FileRow>) = on!(Pool, &self.pool, |pool| {
            let row = sqlx::query_as(sql)
                .bind(lesson.get())
                .fetch_optional(pool)
                .await?;
            let files = sqlx::query_as(
                "SELECT lesson_id, media_id, downloadable FROM draft_lesson_files \
                     WHERE lesson_id = $1 ORDER BY position",
            )
            .bind(lesson.get())
            .fetch_all(pool)
            .await?;
            (row, files)
        });
        row.map(|row| {
            let files = files_of(&files, row.id);
            row.into_lesson(files)
        })
        .transpose()
    }

    /// The course and author a draft chapter belongs to.
    pub async fn draft_chapter_owner(
        &self,
        chapter: ChapterId,
    ) -> Result<Option<(CourseId, UserId)>, StoreError> {
        self.owner_of(
            "SELECT c.id, c.author_id FROM draft_chapters x JOIN courses c ON c.id = x.course_id \
             WHERE x.id = $1",
            chapter.get(),
        )
        .await
    }

    /// The course and author a draft lesson belongs to.
    pub async fn draft_lesson_owner(
        &self,
        lesson: LessonId,
    ) -> Result<Option<(CourseId, UserId)>, StoreError> {
        self.owner_of(
            "SELECT c.id, c.author_id FROM draft_lessons x JOIN courses c ON c.id = x.course_id \
             WHERE x.id = $1",
            lesson.get(),
        )
        .await
    }

    async fn owner_of(
        &self,
        sql: &'static str,
        id: i64,
    ) -> Result<Option<(CourseId, UserId)>, StoreError> {
        let row: Option<(i64, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(|(c, a)| (CourseId::new(c), UserId::new(a))))
    }

    /// The course whose draft or live version has `slug` (the draft's first).
    pub async fn course_by_slug(&self, slug: &str) -> Result<Option<CourseId>, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT course_id FROM course_drafts WHERE slug = $1 \
                 UNION ALL SELECT id FROM courses WHERE slug = $1 LIMIT 1",
            )
            .bind(slug)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(id,)| CourseId::new(id)))
    }

    /// Whether a course other than `except` uses `slug`, live or in its draft.
    pub async fn slug_in_use(
        &self,
        slug: &str,
        except: Option<CourseId>,
    ) -> Result<bool, StoreError> {
        let except = except.map_or(0, CourseId::get);
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id FROM courses WHERE slug = $1 AND id <> $2 \
                 UNION ALL SELECT course_id FROM course_drafts WHERE slug = $1 AND course_id <> $2 \
                 LIMIT 1",
            )
            .bind(slug)
            .bind(except)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.is_some())
    }

    /// Every slug, live or drafted, of courses other than `except` that starts with `prefix`
    /// (a slug holds only `a-z`, `0-9` and `-`, so it needs no escaping in `LIKE`).
    pub async fn slugs_starting_with(
        &self,
        prefix: &str,
        except: Option<CourseId>,
    ) -> Result<Vec<String>, StoreError> {
        let except = except.map_or(0, CourseId::get);
        let pattern = format!("{prefix}%");
        let rows: Vec<(String,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT slug FROM courses WHERE slug LIKE $1 AND id <> $2 \
                 UNION SELECT slug FROM course_drafts WHERE slug LIKE $1 AND course_id <> $2",
            )
            .bind(&pattern)
            .bind(except)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(slug,)| slug).collect())
    }

    /// A course's submitted revisions, newest first.
    pub async fn revisions(&self, course: CourseId) -> Result<Vec<RevisionSummary>, StoreError> {
        let rows: Vec<RevisionRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT number, submitted_at, decision, decided_at, reason \
                     FROM course_revisions WHERE course_id = $1 ORDER BY number DESC",
            )
            .bind(course.get())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| RevisionSummary {
                number: r.number,
                submitted_at: r.submitted_at,
                decision: r.decision,
                decided_at: r.decided_at,
                reason: r.reason,
            })
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    number: i64,
    submitted_at: i64,
    decision: Option<String>,
    decided_at: Option<i64>,
    reason: String,
}

/// A file attached to a lesson: lesson id, media id, downloadable.
type FileRow = (i64, i64, bool);

/// Everything a snapshot is made from: settings, chapters (id, title), lessons, files.
type DraftParts = (
    Option<DraftRow>,
    Vec<(i64, String)>,
    Vec<LessonRow>,
    Vec<FileRow>,
);

#[derive(sqlx::FromRow)]
struct LessonItemRow {
    id: i64,
    chapter_id: i64,
    title: String,
    kind: String,
    is_preview: bool,
    duration_seconds: i64,
}

fn outline(
    chapters: Vec<(i64, String)>,
    lessons: Vec<LessonItemRow>,
) -> Result<Vec<DraftChapter>, StoreError> {
    let mut out: Vec<DraftChapter> = chapters
        .into_iter()
        .map(|(id, title)| DraftChapter {
            id: ChapterId::new(id),
            title,
            lessons: Vec::new(),
        })
        .collect();
    for row in lessons {
        if let Some(chapter) = out.iter_mut().find(|c| c.id.get() == row.chapter_id) {
            chapter.lessons.push(DraftLessonItem {
                id: LessonId::new(row.id),
                title: row.title,
                kind: lesson_kind(&row.kind)?,
                preview: row.is_preview,
                duration_seconds: row.duration_seconds,
            });
        }
    }
    Ok(out)
}

/// Which rows [`Tx::set_positions`] orders.
#[derive(Clone, Copy)]
enum Positions {
    /// A course's chapters.
    Chapters,
    /// A chapter's lessons.
    Lessons,
}

impl Tx {
    /// Creates a course with an empty draft holding `settings`. The course is not listed until a
    /// revision is published; its live columns start as the draft's.
    pub async fn create_draft_course(
        &mut self,
        author: UserId,
        settings: &CourseSettings,
        now: i64,
    ) -> Result<CourseId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            bind_settings!(
                sqlx::query_as(
                    "INSERT INTO courses (slug, category_id, title, subtitle, description, \
                     language, level, tags, outcomes, price_minor, currency, refund_days, \
                     cover_media_id, author_id, status, review_state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                     'draft', 'draft', $15, $15) RETURNING id",
                ),
                settings
            )
            .bind(author.get())
            .bind(now)
            .fetch_one(&mut **tx)
            .await?
        });
        on!(TxInner, &mut self.inner, |tx| {
            bind_settings!(
                sqlx::query(
                    "INSERT INTO course_drafts (slug, category_id, title, subtitle, \
                     description_html, language, level, tags, outcomes, price_minor, currency, \
                     refund_days, cover_media_id, course_id, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                ),
                settings
            )
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        });
        Ok(CourseId::new(id))
    }

    /// Saves the draft settings if they are still at `version`; the new version, or `None` when
    /// another save came first.
    pub async fn update_draft_settings(
        &mut self,
        course: CourseId,
        settings: &CourseSettings,
        version: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            bind_settings!(
                sqlx::query_as(
                    "UPDATE course_drafts SET slug = $1, category_id = $2, title = $3, \
                     subtitle = $4, description_html = $5, language = $6, level = $7, tags = $8, \
                     outcomes = $9, price_minor = $10, currency = $11, refund_days = $12, \
                     cover_media_id = $13, version = version + 1, updated_at = $16 \
                     WHERE course_id = $14 AND version = $15 RETURNING version",
                ),
                settings
            )
            .bind(course.get())
            .bind(version)
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(row.map(|(v,)| v))
    }

    async fn touch_draft(&mut self, course: CourseId, now: i64) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE course_drafts SET updated_at = $2 WHERE course_id = $1")
                .bind(course.get())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Sets (or with `None` removes) the draft's cover picture; the draft's new version. A
    /// cover is set by its own upload, so it never conflicts with a settings form being typed:
    /// the form keeps the stored cover when it is saved.
    pub async fn set_draft_cover(
        &mut self,
        course: CourseId,
        cover: Option<MediaId>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "UPDATE course_drafts SET cover_media_id = $2, version = version + 1, \
                 updated_at = $3 WHERE course_id = $1 RETURNING version",
            )
            .bind(course.get())
            .bind(cover.map(MediaId::get))
            .bind(now)
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(row.map(|(v,)| v))
    }

    /// Adds a chapter at the end of the draft.
    pub async fn add_chapter(
        &mut self,
        course: CourseId,
        title: &str,
        now: i64,
    ) -> Result<ChapterId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO draft_chapters (course_id, position, title) VALUES ($1, \
                 (SELECT coalesce(max(position), 0) + 1 FROM draft_chapters WHERE course_id = $1), \
                 $2) RETURNING id",
            )
            .bind(course.get())
            .bind(title)
            .fetch_one(&mut **tx)
            .await?
        });
        self.touch_draft(course, now).await?;
        Ok(ChapterId::new(id))
    }

    /// Renames a draft chapter; false if it does not exist.
    pub async fn rename_chapter(
        &mut self,
        course: CourseId,
        chapter: ChapterId,
        title: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE draft_chapters SET title = $3 WHERE id = $1 AND course_id = $2")
                .bind(chapter.get())
                .bind(course.get())
                .bind(title)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        self.touch_draft(course, now).await?;
        Ok(done == 1)
    }

    /// Deletes a draft chapter and its lessons; false if it does not exist.
    pub async fn delete_chapter(
        &mut self,
        course: CourseId,
        chapter: ChapterId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM draft_chapters WHERE id = $1 AND course_id = $2")
                .bind(chapter.get())
                .bind(course.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        self.touch_draft(course, now).await?;
        Ok(done == 1)
    }

    /// The draft's chapter ids in order.
    pub async fn draft_chapter_ids(
        &mut self,
        course: CourseId,
    ) -> Result<Vec<ChapterId>, StoreError> {
        let rows: Vec<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT id FROM draft_chapters WHERE course_id = $1 ORDER BY position, id",
            )
            .bind(course.get())
            .fetch_all(&mut **tx)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| ChapterId::new(id)).collect())
    }

    /// A chapter's lesson ids in order.
    pub async fn draft_lesson_ids(
        &mut self,
        chapter: ChapterId,
    ) -> Result<Vec<LessonId>, StoreError> {
        let rows: Vec<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT id FROM draft_lessons WHERE chapter_id = $1 ORDER BY position, id",
            )
            .bind(chapter.get())
            .fetch_all(&mut **tx)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| LessonId::new(id)).collect())
    }

    /// Puts the draft's chapters in `order` (checked by the caller to hold each exactly once).
    pub async fn order_chapters(
        &mut self,
        course: CourseId,
        order: &[ChapterId],
        now: i64,
    ) -> Result<(), StoreError> {
        let ids = order.iter().map(|c| c.get());
        self.set_positions(Positions::Chapters, course.get(), ids)
            .await?;
        self.touch_draft(course, now).await
    }

    /// Puts a chapter's lessons in `order` (checked by the caller to hold each exactly once).
    pub async fn order_lessons(
        &mut self,
        course: CourseId,
        chapter: ChapterId,
        order: &[LessonId],
        now: i64,
    ) -> Result<(), StoreError> {
        let ids = order.iter().map(|l| l.get());
        self.set_positions(Positions::Lessons, chapter.get(), ids)
            .await?;
        self.touch_draft(course, now).await
    }

    /// Numbers the rows of `ids` 1, 2, … under their parent, in that order.
    async fn set_positions(
        &mut self,
        of: Positions,
        parent: i64,
        ids: impl Iterator<Item = i64>,
    ) -> Result<(), StoreError> {
        let sql = match of {
            Positions::Chapters => {
                "UPDATE draft_chapters SET position = $3 WHERE id = $1 AND course_id = $2"
            }
            Positions::Lessons => {
                "UPDATE draft_lessons SET position = $3 WHERE id = $1 AND chapter_id = $2"
            }
        };
        for (position, id) in (1i64..).zip(ids) {
            on!(TxInner, &mut self.inner, |tx| {
                sqlx::query(sql)
                    .bind(id)
                    .bind(parent)
                    .bind(position)
                    .execute(&mut **tx)
                    .await?;
            });
        }
        Ok(())
    }

    /// Sets (or with `None` removes) the video or recording a draft lesson plays.
    pub async fn set_lesson_media(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        media: Option<MediaId>,
        duration_seconds: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE draft_lessons SET media_id = $2, duration_seconds = $3 WHERE id = $1",
            )
            .bind(lesson.get())
            .bind(media.map(MediaId::get))
            .bind(duration_seconds)
            .execute(&mut **tx)
            .await?;
        });
        self.touch_draft(course, now).await
    }

    /// Attaches `media` to draft lesson `lesson` (last, downloadable) unless it is already there;
    /// how many files the lesson carries after.
    pub async fn attach_lesson_file(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        media: MediaId,
        now: i64,
    ) -> Result<u64, StoreError> {
        let (count,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO draft_lesson_files (lesson_id, media_id, position, downloadable) \
                 SELECT $1, $2, coalesce(max(position), 0) + 1, TRUE FROM draft_lesson_files \
                 WHERE lesson_id = $1 ON CONFLICT (lesson_id, media_id) DO NOTHING",
            )
            .bind(lesson.get())
            .bind(media.get())
            .execute(&mut **tx)
            .await?;
            sqlx::query_as("SELECT count(*) FROM draft_lesson_files WHERE lesson_id = $1")
                .bind(lesson.get())
                .fetch_one(&mut **tx)
                .await?
        });
        self.touch_draft(course, now).await?;
        u64::try_from(count).map_err(|_| corrupt(count))
    }

    /// Sets whether learners may download `media` from draft lesson `lesson`; false if it is not
    /// attached there.
    pub async fn set_file_downloadable(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        media: MediaId,
        downloadable: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE draft_lesson_files SET downloadable = $3 \
                 WHERE lesson_id = $1 AND media_id = $2",
            )
            .bind(lesson.get())
            .bind(media.get())
            .bind(downloadable)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        self.touch_draft(course, now).await?;
        Ok(done == 1)
    }

    /// Takes `media` off draft lesson `lesson`, if it is there.
    pub async fn detach_lesson_file(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        media: MediaId,
        now: i64,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM draft_lesson_files WHERE lesson_id = $1 AND media_id = $2")
                .bind(lesson.get())
                .bind(media.get())
                .execute(&mut **tx)
                .await?;
        });
        self.touch_draft(course, now).await
    }

    /// Adds a lesson (no body yet) at the end of a chapter.
    pub async fn add_lesson(
        &mut self,
        course: CourseId,
        chapter: ChapterId,
        lesson: &NewLesson,
        now: i64,
    ) -> Result<LessonId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO draft_lessons (chapter_id, course_id, position, title, kind, \
                 is_preview, duration_seconds, updated_at) VALUES ($1, $2, \
                 (SELECT coalesce(max(position), 0) + 1 FROM draft_lessons WHERE chapter_id = $1), \
                 $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(chapter.get())
            .bind(course.get())
            .bind(&lesson.title)
            .bind(lesson.kind.as_str())
            .bind(lesson.is_preview)
            .bind(lesson.duration_seconds)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?
        });
        self.touch_draft(course, now).await?;
        Ok(LessonId::new(id))
    }

    /// Renames a lesson and sets its preview flag; false if it does not exist.
    pub async fn update_lesson_details(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        title: &str,
        preview: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE draft_lessons SET title = $3, is_preview = $4, updated_at = $5 \
                 WHERE id = $1 AND course_id = $2",
            )
            .bind(lesson.get())
            .bind(course.get())
            .bind(title)
            .bind(preview)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        self.touch_draft(course, now).await?;
        Ok(done == 1)
    }

    /// Saves a lesson body made from `version`; the new version, or `None` when another save came
    /// first (or the lesson is gone).
    #[allow(clippy::too_many_arguments, reason = "one row's worth of columns")]
    pub async fn save_lesson_body(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        html: &str,
        text: &str,
        duration_seconds: i64,
        version: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "UPDATE draft_lessons SET body_html = $3, body_text = $4, duration_seconds = $5, \
                 version = version + 1, updated_at = $6 \
                 WHERE id = $1 AND course_id = $2 AND version = $7 RETURNING version",
            )
            .bind(lesson.get())
            .bind(course.get())
            .bind(html)
            .bind(text)
            .bind(duration_seconds)
            .bind(now)
            .bind(version)
            .fetch_optional(&mut **tx)
            .await?
        });
        if row.is_some() {
            self.touch_draft(course, now).await?;
        }
        Ok(row.map(|(v,)| v))
    }

    /// Deletes a draft lesson; false if it does not exist. Learners keep the live copy until the
    /// next revision is published.
    pub async fn delete_lesson(
        &mut self,
        course: CourseId,
        lesson: LessonId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("DELETE FROM draft_lessons WHERE id = $1 AND course_id = $2")
                .bind(lesson.get())
                .bind(course.get())
                .execute(&mut **tx)
                .await?
                .rows_affected()
        });
        self.touch_draft(course, now).await?;
        Ok(done == 1)
    }

    /// The whole draft as a snapshot, read inside this unit so it is consistent.
    pub async fn draft_snapshot(
        &mut self,
        course: CourseId,
    ) -> Result<Option<CourseSnapshot>, StoreError> {
        let sql =
            const_format::concatcp!(LESSON_SQL, " WHERE course_id = $1 ORDER BY position, id");
        let (draft, chapters, lessons, files): DraftParts = on!(TxInner, &mut self.inner, |tx| {
            let draft = sqlx::query_as(DRAFT_SQL)
                .bind(course.get())
                .fetch_optional(&mut **tx)
                .await?;
            let chapters = sqlx::query_as(
                "SELECT id, title FROM draft_chapters WHERE course_id = $1 ORDER BY position, id",
            )
            .bind(course.get())
            .fetch_all(&mut **tx)
            .await?;
            let lessons = sqlx::query_as(sql)
                .bind(course.get())
                .fetch_all(&mut **tx)
                .await?;
            let files = sqlx::query_as(FILES_SQL)
                .bind(course.get())
                .fetch_all(&mut **tx)
                .await?;
            (draft, chapters, lessons, files)
        });
        let Some(draft) = draft else {
            return Ok(None);
        };
        let settings = CourseDraft::try_from(draft)?.settings;
        let mut out: Vec<ChapterSnapshot> = chapters
            .into_iter()
            .map(|(id, title)| ChapterSnapshot {
                id: ChapterId::new(id),
                title,
                lessons: Vec::new(),
            })
            .collect();
        for row in lessons {
            let files = files_of(&files, row.id);
            let lesson = row.into_lesson(files)?;
            if let Some(chapter) = out.iter_mut().find(|c| c.id == lesson.chapter) {
                chapter.lessons.push(LessonSnapshot {
                    id: lesson.id,
                    title: lesson.title,
                    kind: lesson.kind,
                    preview: lesson.preview,
                    duration_seconds: u32::try_from(lesson.duration_seconds).unwrap_or(0),
                    body_html: lesson.body_html,
                    body_text: lesson.body_text,
                    media: lesson.media,
                    files: lesson.files,
                });
            }
        }
        Ok(Some(CourseSnapshot {
            schema: domain::revision::SNAPSHOT_SCHEMA,
            settings,
            chapters: out,
        }))
    }

    /// Records a submitted revision and puts the course in review; its number.
    pub async fn insert_revision(
        &mut self,
        course: CourseId,
        snapshot_json: &str,
        by: UserId,
        now: i64,
    ) -> Result<i64, StoreError> {
        let (number,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO course_revisions (course_id, number, snapshot, submitted_by, \
                 submitted_at) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 \
                 FROM course_revisions WHERE course_id = $1), $2, $3, $4) RETURNING number",
            )
            .bind(course.get())
            .bind(snapshot_json)
            .bind(by.get())
            .bind(now)
            .fetch_one(&mut **tx)
            .await?
        });
        self.set_review_state(course, ReviewState::InReview).await?;
        Ok(number)
    }

    /// Sets where a course is in review.
    pub async fn set_review_state(
        &mut self,
        course: CourseId,
        state: ReviewState,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE courses SET review_state = $2 WHERE id = $1")
                .bind(course.get())
                .bind(state.as_str())
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// The stored snapshot of revision `number` and whether it is still undecided.
    pub async fn revision_snapshot(
        &mut self,
        course: CourseId,
        number: i64,
    ) -> Result<Option<(String, bool)>, StoreError> {
        let row: Option<(String, Option<String>)> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT snapshot, decision FROM course_revisions \
                 WHERE course_id = $1 AND number = $2",
            )
            .bind(course.get())
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?
        });
        Ok(row.map(|(snapshot, decision)| (snapshot, decision.is_none())))
    }

    /// Makes revision `number` (whose content is `snapshot`) what learners see, if it is still
    /// undecided (false, and nothing written, if another decision came first): the course row
    /// takes the snapshot's settings, chapters and lessons are updated in place by id (so whatever
    /// refers to a lesson that stays, learners' progress among it, stays), those not in the
    /// snapshot are deleted, and the revision is marked approved.
    pub async fn publish_revision(
        &mut self,
        course: CourseId,
        number: i64,
        snapshot: &CourseSnapshot,
        by: UserId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let s = &snapshot.settings;
        let decided = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE course_revisions SET decision = 'approved', decided_by = $3, \
                 decided_at = $4 WHERE course_id = $1 AND number = $2 AND decision IS NULL",
            )
            .bind(course.get())
            .bind(number)
            .bind(by.get())
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        if decided != 1 {
            return Ok(false);
        }
        on!(TxInner, &mut self.inner, |tx| {
            bind_settings!(
                sqlx::query(
                    "UPDATE courses SET slug = $1, category_id = $2, title = $3, subtitle = $4, \
                     description = $5, language = $6, level = $7, tags = $8, outcomes = $9, \
                     price_minor = $10, currency = $11, refund_days = $12, cover_media_id = $13, \
                     status = 'published', review_state = 'published', live_revision = $15, \
                     unpublished_reason = '', published_at = coalesce(published_at, $16), \
                     updated_at = $16 WHERE id = $14",
                ),
                s
            )
            .bind(course.get())
            .bind(number)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            // Every live row is set aside (negative position) and taken back by the upserts
            // below; what is still set aside afterwards is not in the revision.
            for statement in [
                "DELETE FROM lesson_files WHERE lesson_id IN \
                 (SELECT id FROM lessons WHERE course_id = $1)",
                "UPDATE chapters SET position = -position WHERE course_id = $1",
                "UPDATE lessons SET position = -position WHERE course_id = $1",
            ] {
                sqlx::query(statement)
                    .bind(course.get())
                    .execute(&mut **tx)
                    .await?;
            }
        });
        for (chapter_position, chapter) in (1i64..).zip(&snapshot.chapters) {
            on!(TxInner, &mut self.inner, |tx| {
                sqlx::query(
                    "INSERT INTO chapters (id, course_id, position, title) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO UPDATE SET position = excluded.position, \
                     title = excluded.title",
                )
                .bind(chapter.id.get())
                .bind(course.get())
                .bind(chapter_position)
                .bind(&chapter.title)
                .execute(&mut **tx)
                .await?;
            });
            for (position, lesson) in (1i64..).zip(&chapter.lessons) {
                self.upsert_live_lesson(course, chapter.id, position, lesson)
                    .await?;
            }
        }
        on!(TxInner, &mut self.inner, |tx| {
            for statement in [
                "DELETE FROM lessons WHERE course_id = $1 AND position < 0",
                "DELETE FROM chapters WHERE course_id = $1 AND position < 0",
            ] {
                sqlx::query(statement)
                    .bind(course.get())
                    .execute(&mut **tx)
                    .await?;
            }
        });
        Ok(true)
    }

    async fn upsert_live_lesson(
        &mut self,
        course: CourseId,
        chapter: ChapterId,
        position: i64,
        lesson: &LessonSnapshot,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "INSERT INTO lessons (id, chapter_id, course_id, position, title, kind, \
                 is_preview, duration_seconds, body_html, body_text, media_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET chapter_id = excluded.chapter_id, \
                 position = excluded.position, title = excluded.title, kind = excluded.kind, \
                 is_preview = excluded.is_preview, duration_seconds = excluded.duration_seconds, \
                 body_html = excluded.body_html, body_text = excluded.body_text, \
                 media_id = excluded.media_id",
            )
            .bind(lesson.id.get())
            .bind(chapter.get())
            .bind(course.get())
            .bind(position)
            .bind(&lesson.title)
            .bind(lesson.kind.as_str())
            .bind(lesson.preview)
            .bind(i64::from(lesson.duration_seconds))
            .bind(&lesson.body_html)
            .bind(&lesson.body_text)
            .bind(lesson.media.map(MediaId::get))
            .execute(&mut **tx)
            .await?;
            for (file_position, file) in (1i64..).zip(&lesson.files) {
                sqlx::query(
                    "INSERT INTO lesson_files (lesson_id, media_id, position, downloadable) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(lesson.id.get())
                .bind(file.media.get())
                .bind(file_position)
                .bind(file.downloadable)
                .execute(&mut **tx)
                .await?;
            }
        });
        Ok(())
    }
}
