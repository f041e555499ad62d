//! The public catalog: categories, courses, chapters and lesson outlines.

use crate::{Store, StoreError, now_millis};
use domain::{
    Category, CategoryId, ChapterId, ChapterOutline, CourseCard, CourseDetail, CourseId,
    CourseStatus, Currency, Lang, LessonId, LessonKind, LessonOutline, LocalizedText, Money, Slug,
    UserId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A category to create or rename.
#[derive(Clone, Debug)]
pub struct NewCategory {
    /// Its URL name; the key for upserts.
    pub slug: Slug,
    /// Its name in both languages.
    pub name: LocalizedText,
    /// Where it sorts in menus.
    pub position: i64,
}

/// A lesson outline to create.
#[derive(Clone, Debug)]
pub struct NewLesson {
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: LessonKind,
    /// Whether anyone may open it without buying.
    pub is_preview: bool,
    /// Its running time in seconds.
    pub duration_seconds: i64,
}

/// A chapter to create, with its lessons in order.
#[derive(Clone, Debug)]
pub struct NewChapter {
    /// Its title.
    pub title: String,
    /// Its lessons, in order.
    pub lessons: Vec<NewLesson>,
}

/// A course to create, with its whole outline.
#[derive(Clone, Debug)]
pub struct NewCourse {
    /// Its URL name; unique.
    pub slug: Slug,
    /// Who wrote it.
    pub author: UserId,
    /// Where it is filed.
    pub category: CategoryId,
    /// Its title.
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// The long description.
    pub description: String,
    /// The language it is taught in.
    pub language: Lang,
    /// Its price.
    pub price: Money,
    /// Where it is in its life.
    pub status: CourseStatus,
    /// Its chapters, in order.
    pub chapters: Vec<NewChapter>,
}

/// Which published courses to list.
#[derive(Clone, Debug, Default)]
pub struct CourseFilter {
    /// Only this category, if set.
    pub category: Option<Slug>,
    /// At most this many.
    pub limit: i64,
    /// Skip this many first (for pages).
    pub offset: i64,
}

/// The columns a course card needs; shared by every query that lists cards.
const CARD_COLUMNS: &str = "c.id, c.slug, c.title, c.subtitle, u.display_name AS author_name, \
     k.slug AS category_slug, c.language, c.price_minor, c.currency, \
     (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id) AS lesson_count";

const LIST_PUBLISHED: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' \
     ORDER BY c.published_at DESC, c.id DESC LIMIT $1 OFFSET $2"
);

const LIST_PUBLISHED_IN_CATEGORY: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' AND k.slug = $3 \
     ORDER BY c.published_at DESC, c.id DESC LIMIT $1 OFFSET $2"
);

const PUBLISHED_BY_SLUG: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    ", c.description, k.id AS category_id, k.name_en, k.name_zh \
     FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' AND c.slug = $1"
);

const SEARCH_PUBLISHED: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' \
       AND (lower(c.title) LIKE $1 ESCAPE '\\' OR lower(c.subtitle) LIKE $1 ESCAPE '\\' \
            OR lower(c.description) LIKE $1 ESCAPE '\\') \
     ORDER BY c.published_at DESC, c.id DESC LIMIT $2"
);

impl Store {
    /// Creates a category or, if its slug exists, renames and re-sorts it.
    pub async fn upsert_category(&self, category: &NewCategory) -> Result<CategoryId, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO categories (slug, name_en, name_zh, position) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO UPDATE SET name_en = excluded.name_en, \
             name_zh = excluded.name_zh, position = excluded.position RETURNING id",
        )
        .bind(category.slug.as_str())
        .bind(&category.name.en)
        .bind(&category.name.zh_cn)
        .bind(category.position)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await?;
        Ok(CategoryId::new(id))
    }

    /// Every category, in menu order.
    pub async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows =
            sqlx::query("SELECT id, slug, name_en, name_zh FROM categories ORDER BY position, id")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| category_from(row, "id", "slug"))
            .collect()
    }

    /// Creates a course with its chapters and lessons in one transaction: all or nothing.
    pub async fn create_course(&self, course: &NewCourse) -> Result<CourseId, StoreError> {
        let now = now_millis();
        let published_at = (course.status == CourseStatus::Published).then_some(now);
        let mut tx = self.begin_write().await?;
        let course_id: i64 = sqlx::query(
            "INSERT INTO courses (slug, author_id, category_id, title, subtitle, description, \
             language, price_minor, currency, status, published_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(course.slug.as_str())
        .bind(course.author.get())
        .bind(course.category.get())
        .bind(&course.title)
        .bind(&course.subtitle)
        .bind(&course.description)
        .bind(course.language.tag())
        .bind(course.price.minor())
        .bind(course.price.currency().code())
        .bind(course.status.as_str())
        .bind(published_at)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (chapter_position, chapter) in (1i64..).zip(&course.chapters) {
            let chapter_id: i64 = sqlx::query(
                "INSERT INTO chapters (course_id, position, title) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(course_id)
            .bind(chapter_position)
            .bind(&chapter.title)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            for (lesson_position, lesson) in (1i64..).zip(&chapter.lessons) {
                sqlx::query(
                    "INSERT INTO lessons (chapter_id, course_id, position, title, kind, is_preview, \
                     duration_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(chapter_id)
                .bind(course_id)
                .bind(lesson_position)
                .bind(&lesson.title)
                .bind(lesson.kind.as_str())
                .bind(lesson.is_preview)
                .bind(lesson.duration_seconds)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(CourseId::new(course_id))
    }

    /// How many courses exist in any state; zero means a fresh database.
    pub async fn count_courses(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM courses")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Published courses, newest first.
    pub async fn list_published_courses(
        &self,
        filter: &CourseFilter,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let query = match &filter.category {
            None => sqlx::query(LIST_PUBLISHED)
                .bind(filter.limit)
                .bind(filter.offset),
            Some(category) => sqlx::query(LIST_PUBLISHED_IN_CATEGORY)
                .bind(filter.limit)
                .bind(filter.offset)
                .bind(category.as_str()),
        };
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(card_from).collect()
    }

    /// Published courses whose title, subtitle or description contains `needle` (any case).
    pub async fn search_published_courses(
        &self,
        needle: &str,
        limit: i64,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let rows = sqlx::query(SEARCH_PUBLISHED)
            .bind(crate::like_pattern(needle))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(card_from).collect()
    }

    /// A published course with its outline, or `None` if no published course has that slug.
    pub async fn published_course(&self, slug: &Slug) -> Result<Option<CourseDetail>, StoreError> {
        let Some(row) = sqlx::query(PUBLISHED_BY_SLUG)
            .bind(slug.as_str())
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let card = card_from(&row)?;
        let category = category_from(&row, "category_id", "category_slug")?;
        let description: String = row.try_get("description")?;
        let chapters = self.outline(card.id).await?;
        Ok(Some(CourseDetail {
            card,
            description,
            category,
            chapters,
        }))
    }

    async fn outline(&self, course: CourseId) -> Result<Vec<ChapterOutline>, StoreError> {
        let rows = sqlx::query(
            "SELECT ch.id AS chapter_id, ch.title AS chapter_title, l.id, l.title, l.kind, \
             l.is_preview, l.duration_seconds \
             FROM chapters ch LEFT JOIN lessons l ON l.chapter_id = ch.id \
             WHERE ch.course_id = $1 ORDER BY ch.position, l.position",
        )
        .bind(course.get())
        .fetch_all(self.pool())
        .await?;
        let mut chapters: Vec<ChapterOutline> = Vec::new();
        for row in &rows {
            let chapter_id = ChapterId::new(row.try_get("chapter_id")?);
            if chapters.last().is_none_or(|c| c.id != chapter_id) {
                chapters.push(ChapterOutline {
                    id: chapter_id,
                    title: row.try_get("chapter_title")?,
                    lessons: Vec::new(),
                });
            }
            let Some(lesson_id) = row.try_get::<Option<i64>, _>("id")? else {
                continue; // a chapter without lessons yet
            };
            let kind: String = row.try_get("kind")?;
            let lesson = LessonOutline {
                id: LessonId::new(lesson_id),
                title: row.try_get("title")?,
                kind: LessonKind::parse(&kind)
                    .ok_or_else(|| StoreError::corrupt("lessons", kind))?,
                is_preview: flag(row, "is_preview")?,
                duration_seconds: row.try_get("duration_seconds")?,
            };
            if let Some(chapter) = chapters.last_mut() {
                chapter.lessons.push(lesson);
            }
        }
        Ok(chapters)
    }
}

fn card_from(row: &AnyRow) -> Result<CourseCard, StoreError> {
    let slug: String = row.try_get("slug")?;
    let category_slug: String = row.try_get("category_slug")?;
    let language: String = row.try_get("language")?;
    let currency: String = row.try_get("currency")?;
    let currency = Currency::from_code(&currency).map_err(|e| StoreError::corrupt("courses", e))?;
    Ok(CourseCard {
        id: CourseId::new(row.try_get("id")?),
        slug: Slug::parse(&slug).map_err(|e| StoreError::corrupt("courses", e))?,
        title: row.try_get("title")?,
        subtitle: row.try_get("subtitle")?,
        author_name: row.try_get("author_name")?,
        category_slug: Slug::parse(&category_slug)
            .map_err(|e| StoreError::corrupt("categories", e))?,
        language: Lang::from_tag(&language)
            .ok_or_else(|| StoreError::corrupt("courses", language))?,
        price: Money::price(row.try_get("price_minor")?, currency)
            .map_err(|e| StoreError::corrupt("courses", e))?,
        lesson_count: row.try_get("lesson_count")?,
    })
}

fn category_from(row: &AnyRow, id: &str, slug: &str) -> Result<Category, StoreError> {
    let slug_text: String = row.try_get(slug)?;
    Ok(Category {
        id: CategoryId::new(row.try_get(id)?),
        slug: Slug::parse(&slug_text).map_err(|e| StoreError::corrupt("categories", e))?,
        name: LocalizedText {
            en: row.try_get("name_en")?,
            zh_cn: row.try_get("name_zh")?,
        },
    })
}

/// Reads a flag column: BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite (see the crate docs).
fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    match row.try_get::<bool, _>(column) {
        Ok(value) => Ok(value),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}
