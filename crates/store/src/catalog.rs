//! The public catalog: categories, courses, chapters and lesson outlines.

use crate::db::{Tx, on};
use crate::{Store, StoreError, now_millis};
use domain::authoring::{CourseSettings, DEFAULT_REFUND_DAYS, Level};
use domain::rating::RatingSummary;
use domain::{
    Category, CategoryId, ChapterId, ChapterOutline, CourseCard, CourseDetail, CourseId,
    CourseStatus, Currency, Lang, LessonId, LessonKind, LessonOutline, LocalizedText, MediaId,
    Money, Slug, UserId,
};

/// What a checkout needs to know of a published course: one small row, not its whole page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseOnSale {
    /// The course.
    pub id: CourseId,
    /// Its title, for the provider's page.
    pub title: String,
    /// Who wrote it.
    pub author: UserId,
    /// Where it is in its life (always published here).
    pub status: CourseStatus,
    /// Its list price.
    pub price: Money,
}

impl CourseOnSale {
    /// The facts that decide what may be done with it.
    pub fn offer(&self) -> domain::learning::Offer {
        domain::learning::Offer {
            author: self.author,
            status: self.status,
            free: self.price.is_zero(),
        }
    }
}

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
pub(crate) const CARD_COLUMNS: &str = "c.id, c.slug, c.title, c.subtitle, u.display_name AS author_name, \
     k.slug AS category_slug, c.language, c.price_minor, c.currency, c.cover_media_id, \
     (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id) AS lesson_count, \
     c.rating_count, c.rating_stars";

// The newest published courses: the page's ids are picked off an index first (`p`), and only
// those rows are joined and have their lessons counted (migration 0011).
const LIST_PUBLISHED: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM (SELECT c.id, c.newest_key FROM courses c WHERE c.status = 'published' \
       ORDER BY c.newest_key DESC, c.id DESC LIMIT $1 OFFSET $2) p \
     JOIN courses c ON c.id = p.id JOIN users u ON u.id = c.author_id \
     JOIN categories k ON k.id = c.category_id \
     ORDER BY p.newest_key DESC, p.id DESC"
);

const LIST_PUBLISHED_IN_CATEGORY: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM (SELECT c.id, c.newest_key FROM courses c WHERE c.status = 'published' \
       AND c.category_id = (SELECT id FROM categories WHERE slug = $3) \
       ORDER BY c.newest_key DESC, c.id DESC LIMIT $1 OFFSET $2) p \
     JOIN courses c ON c.id = p.id JOIN users u ON u.id = c.author_id \
     JOIN categories k ON k.id = c.category_id \
     ORDER BY p.newest_key DESC, p.id DESC"
);

const PUBLISHED_BY_SLUG: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    ", c.description, c.author_id, c.status, k.id AS category_id, k.name_en, k.name_zh, \
     c.rating_1, c.rating_2, c.rating_3, c.rating_4, c.rating_5, c.outcomes, c.level, \
     u.bio AS author_bio, c.enrollments, COALESCE(c.published_at, c.updated_at) AS published_at, \
     c.featured_at \
     FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' AND c.slug = $1"
);

const FEATURED: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' AND c.featured_at IS NOT NULL \
     ORDER BY c.featured_at DESC, c.id DESC LIMIT $1"
);

const POPULAR_SINCE: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     JOIN (SELECT course_id, COUNT(*) AS n FROM entitlements \
           WHERE created_at >= $1 AND status = 'active' GROUP BY course_id) p \
       ON p.course_id = c.id \
     WHERE c.status = 'published' ORDER BY p.n DESC, c.id DESC LIMIT $2"
);

const BY_AUTHOR: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    " FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.status = 'published' AND c.author_id = $1 \
     ORDER BY c.published_at DESC, c.id DESC LIMIT $2"
);

const CARD_BY_ID: &str = const_format::concatcp!(
    "SELECT ",
    CARD_COLUMNS,
    ", c.status, c.author_id \
     FROM courses c JOIN users u ON u.id = c.author_id JOIN categories k ON k.id = c.category_id \
     WHERE c.id = $1"
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

#[derive(sqlx::FromRow)]
pub(crate) struct CardRow {
    pub(crate) id: i64,
    slug: String,
    title: String,
    subtitle: String,
    author_name: String,
    category_slug: String,
    language: String,
    price_minor: i64,
    currency: String,
    cover_media_id: Option<i64>,
    lesson_count: i64,
    rating_count: i64,
    rating_stars: i64,
}

impl TryFrom<CardRow> for CourseCard {
    type Error = StoreError;
    fn try_from(row: CardRow) -> Result<Self, StoreError> {
        let currency =
            Currency::from_code(&row.currency).map_err(|e| StoreError::corrupt("courses", e))?;
        Ok(CourseCard {
            id: CourseId::new(row.id),
            slug: Slug::parse(&row.slug).map_err(|e| StoreError::corrupt("courses", e))?,
            title: row.title,
            subtitle: row.subtitle,
            author_name: row.author_name,
            category_slug: Slug::parse(&row.category_slug)
                .map_err(|e| StoreError::corrupt("categories", e))?,
            language: Lang::from_tag(&row.language)
                .ok_or_else(|| StoreError::corrupt("courses", &row.language))?,
            price: Money::price(row.price_minor, currency)
                .map_err(|e| StoreError::corrupt("courses", e))?,
            cover: row.cover_media_id.map(MediaId::new),
            lesson_count: row.lesson_count,
            rating_count: row.rating_count,
            rating_tenths: RatingSummary {
                count: row.rating_count,
                stars: row.rating_stars,
                histogram: [0; 5],
            }
            .mean_tenths(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CategoryRow {
    pub(crate) id: i64,
    pub(crate) slug: String,
    pub(crate) name_en: String,
    pub(crate) name_zh: String,
}

impl TryFrom<CategoryRow> for Category {
    type Error = StoreError;
    fn try_from(row: CategoryRow) -> Result<Self, StoreError> {
        Ok(Category {
            id: CategoryId::new(row.id),
            slug: Slug::parse(&row.slug).map_err(|e| StoreError::corrupt("categories", e))?,
            name: LocalizedText {
                en: row.name_en,
                zh_cn: row.name_zh,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    card: CardRow,
    description: String,
    author_id: i64,
    status: String,
    category_id: i64,
    name_en: String,
    name_zh: String,
    rating_1: i64,
    rating_2: i64,
    rating_3: i64,
    rating_4: i64,
    rating_5: i64,
    outcomes: String,
    level: String,
    author_bio: String,
    enrollments: i64,
    published_at: i64,
    featured_at: Option<i64>,
}

/// One chapter, and one of its lessons if it has any (a LEFT JOIN row).
#[derive(sqlx::FromRow)]
struct OutlineRow {
    chapter_id: i64,
    chapter_title: String,
    id: Option<i64>,
    title: Option<String>,
    kind: Option<String>,
    is_preview: Option<bool>,
    duration_seconds: Option<i64>,
}

impl Store {
    /// Every category, in menu order.
    pub async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<CategoryRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, slug, name_en, name_zh FROM categories ORDER BY position, id",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(Category::try_from).collect()
    }

    /// How many courses exist in any state; zero means a fresh database.
    pub async fn count_courses(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM courses")
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// Published courses, newest first.
    pub async fn list_published_courses(
        &self,
        filter: &CourseFilter,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let rows: Vec<CardRow> = on!(Pool, &self.pool, |pool| match &filter.category {
            None => {
                sqlx::query_as(LIST_PUBLISHED)
                    .bind(filter.limit)
                    .bind(filter.offset)
                    .fetch_all(pool)
                    .await?
            }
            Some(category) => {
                sqlx::query_as(LIST_PUBLISHED_IN_CATEGORY)
                    .bind(filter.limit)
                    .bind(filter.offset)
                    .bind(category.as_str())
                    .fetch_all(pool)
                    .await?
            }
        });
        rows.into_iter().map(CourseCard::try_from).collect()
    }

    /// Every published course's slug and when it last changed (Unix ms), for `sitemap.xml`.
    pub async fn published_slugs(&self) -> Result<Vec<(Slug, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT slug, updated_at FROM courses WHERE status = 'published' ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(slug, at)| {
                Slug::parse(&slug)
                    .map(|slug| (slug, at))
                    .map_err(|e| StoreError::corrupt("courses", e))
            })
            .collect()
    }

    /// `author`'s published courses, newest first.
    pub async fn courses_by(
        &self,
        author: UserId,
        limit: i64,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let rows: Vec<CardRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(BY_AUTHOR)
                .bind(author.get())
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(CourseCard::try_from).collect()
    }

    /// `author`'s public biography (empty when they wrote none) and handle.
    pub async fn public_profile(
        &self,
        author: UserId,
    ) -> Result<(String, Option<String>), StoreError> {
        let row: Option<(String, Option<String>)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT bio, handle FROM users WHERE id = $1")
                .bind(author.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.unwrap_or_default())
    }

    /// The account with `handle`, if any.
    pub async fn user_by_handle(&self, handle: &str) -> Result<Option<UserId>, StoreError> {
        let row: Option<(i64,)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as("SELECT id FROM users WHERE handle = $1")
                .bind(handle)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(id,)| UserId::new(id)))
    }

    /// Published courses an admin picked for the home page, newest pick first.
    pub async fn featured_courses(&self, limit: i64) -> Result<Vec<CourseCard>, StoreError> {
        let rows: Vec<CardRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(FEATURED).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(CourseCard::try_from).collect()
    }

    /// The published courses most learners enrolled in since `since` (Unix ms), most first.
    pub async fn popular_since(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let rows: Vec<CardRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(POPULAR_SINCE)
                .bind(since)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(CourseCard::try_from).collect()
    }

    /// Course `id`'s card, whatever its state, with its state and author.
    pub async fn course_card(
        &self,
        id: CourseId,
    ) -> Result<Option<(CourseCard, CourseStatus, UserId)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            card: CardRow,
            status: String,
            author_id: i64,
        }
        let row: Option<Row> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(CARD_BY_ID)
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        row.map(|row| {
            let status = CourseStatus::parse(&row.status)
                .ok_or_else(|| StoreError::corrupt("courses", &row.status))?;
            Ok((
                CourseCard::try_from(row.card)?,
                status,
                UserId::new(row.author_id),
            ))
        })
        .transpose()
    }

    /// Published courses whose title, subtitle or description contains `needle` (any case).
    pub async fn search_published_courses(
        &self,
        needle: &str,
        limit: i64,
    ) -> Result<Vec<CourseCard>, StoreError> {
        let rows: Vec<CardRow> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(SEARCH_PUBLISHED)
                .bind(crate::like_pattern(needle))
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(CourseCard::try_from).collect()
    }

    /// A published course with its outline, or `None` if no published course has that slug.
    /// Both are read from one snapshot of the database, so a revision published meanwhile shows
    /// whole or not at all, never as its course row with the old outline.
    pub async fn published_course(&self, slug: &Slug) -> Result<Option<CourseDetail>, StoreError> {
        let mut tx = self.snapshot().await?;
        let row: Option<DetailRow> = on!(TxInner, &mut tx.inner, |tx| {
            sqlx::query_as(PUBLISHED_BY_SLUG)
                .bind(slug.as_str())
                .fetch_optional(&mut **tx)
                .await?
        });
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let category = Category::try_from(CategoryRow {
            id: row.category_id,
            slug: row.card.category_slug.clone(),
            name_en: row.name_en,
            name_zh: row.name_zh,
        })?;
        let rating = RatingSummary {
            count: row.card.rating_count,
            stars: row.card.rating_stars,
            histogram: [
                row.rating_1,
                row.rating_2,
                row.rating_3,
                row.rating_4,
                row.rating_5,
            ],
        };
        let outcomes: Vec<String> =
            serde_json::from_str(&row.outcomes).map_err(|e| StoreError::corrupt("courses", e))?;
        let level =
            Level::parse(&row.level).ok_or_else(|| StoreError::corrupt("courses", &row.level))?;
        let card = CourseCard::try_from(row.card)?;
        let chapters = tx.outline(card.id).await?;
        tx.rollback().await?;
        Ok(Some(CourseDetail {
            card,
            author: UserId::new(row.author_id),
            status: CourseStatus::parse(&row.status)
                .ok_or_else(|| StoreError::corrupt("courses", &row.status))?,
            description: row.description,
            category,
            chapters,
            rating,
            outcomes,
            level,
            author_bio: row.author_bio,
            enrollments: row.enrollments,
            published_at: row.published_at,
            featured: row.featured_at.is_some(),
        }))
    }
}

impl Store {
    /// The published course `slug` as a checkout or a quote needs it, in one query.
    pub async fn course_on_sale(&self, slug: &Slug) -> Result<Option<CourseOnSale>, StoreError> {
        let row: Option<(i64, String, i64, String, i64, String)> = on!(Pool, &self.pool, |pool| {
            sqlx::query_as(
                "SELECT id, title, author_id, status, price_minor, currency FROM courses \
                 WHERE status = 'published' AND slug = $1",
            )
            .bind(slug.as_str())
            .fetch_optional(pool)
            .await?
        });
        let Some((id, title, author, status, price_minor, currency)) = row else {
            return Ok(None);
        };
        let currency =
            Currency::from_code(&currency).map_err(|e| StoreError::corrupt("courses", e))?;
        Ok(Some(CourseOnSale {
            id: CourseId::new(id),
            title,
            author: UserId::new(author),
            status: CourseStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt("courses", &status))?,
            price: Money::price(price_minor, currency)
                .map_err(|e| StoreError::corrupt("courses", e))?,
        }))
    }
}

impl Tx {
    async fn outline(&mut self, course: CourseId) -> Result<Vec<ChapterOutline>, StoreError> {
        let rows: Vec<OutlineRow> = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "SELECT ch.id AS chapter_id, ch.title AS chapter_title, l.id, l.title, l.kind, \
                 l.is_preview, l.duration_seconds \
                 FROM chapters ch LEFT JOIN lessons l ON l.chapter_id = ch.id \
                 WHERE ch.course_id = $1 ORDER BY ch.position, l.position",
            )
            .bind(course.get())
            .fetch_all(&mut **tx)
            .await?
        });
        let mut chapters: Vec<ChapterOutline> = Vec::new();
        for row in rows {
            let chapter_id = ChapterId::new(row.chapter_id);
            if chapters.last().is_none_or(|c| c.id != chapter_id) {
                chapters.push(ChapterOutline {
                    id: chapter_id,
                    title: row.chapter_title,
                    lessons: Vec::new(),
                });
            }
            let Some(lesson_id) = row.id else {
                continue; // a chapter without lessons yet
            };
            let kind = row.kind.unwrap_or_default();
            let lesson = LessonOutline {
                id: LessonId::new(lesson_id),
                title: row.title.unwrap_or_default(),
                kind: LessonKind::parse(&kind)
                    .ok_or_else(|| StoreError::corrupt("lessons", kind))?,
                is_preview: row.is_preview.unwrap_or_default(),
                duration_seconds: row.duration_seconds.unwrap_or_default(),
            };
            if let Some(chapter) = chapters.last_mut() {
                chapter.lessons.push(lesson);
            }
        }
        Ok(chapters)
    }
}

impl Tx {
    /// Sets `user`'s public biography and handle (`None` clears it). A handle someone else has
    /// is a [`StoreError::Conflict`] (the unique index `users_handle`).
    pub async fn set_profile(
        &mut self,
        user: UserId,
        bio: &str,
        handle: Option<&str>,
    ) -> Result<(), StoreError> {
        on!(TxInner, &mut self.inner, |tx| {
            sqlx::query("UPDATE users SET bio = $2, handle = $3 WHERE id = $1")
                .bind(user.get())
                .bind(bio)
                .bind(handle)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }

    /// Picks course `id` for the home page (at `now`) or takes it off. Returns whether the
    /// course exists.
    pub async fn set_featured(
        &mut self,
        id: CourseId,
        featured: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query(
                "UPDATE courses SET featured_at = CASE WHEN $2 THEN COALESCE(featured_at, $3) \
                 ELSE NULL END WHERE id = $1",
            )
            .bind(id.get())
            .bind(featured)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        });
        Ok(changed > 0)
    }

    /// Creates a category or, if its slug exists, renames and re-sorts it.
    pub async fn upsert_category(
        &mut self,
        category: &NewCategory,
    ) -> Result<CategoryId, StoreError> {
        let (id,): (i64,) = on!(TxInner, &mut self.inner, |tx| {
            sqlx::query_as(
                "INSERT INTO categories (slug, name_en, name_zh, position) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slug) DO UPDATE SET name_en = excluded.name_en, \
                 name_zh = excluded.name_zh, position = excluded.position RETURNING id",
            )
            .bind(category.slug.as_str())
            .bind(&category.name.en)
            .bind(&category.name.zh_cn)
            .bind(category.position)
            .fetch_one(&mut **tx)
            .await?
        });
        Ok(CategoryId::new(id))
    }

    /// Creates a course with its chapters and lessons, the way the studio would: a draft, then
    /// (for a course in review or published) a revision of it, published if asked.
    pub async fn create_course(&mut self, course: &NewCourse) -> Result<CourseId, StoreError> {
        let now = now_millis();
        let settings = CourseSettings {
            title: course.title.clone(),
            subtitle: course.subtitle.clone(),
            slug: course.slug.clone(),
            category: course.category,
            tags: Vec::new(),
            language: course.language,
            level: Level::default(),
            price: course.price,
            description_html: course.description.clone(),
            outcomes: Vec::new(),
            refund_days: DEFAULT_REFUND_DAYS,
            cover: None,
        };
        let id = self
            .create_draft_course(course.author, &settings, now)
            .await?;
        for chapter in &course.chapters {
            let chapter_id = self.add_chapter(id, &chapter.title, now).await?;
            for lesson in &chapter.lessons {
                self.add_lesson(id, chapter_id, lesson, now).await?;
            }
        }
        if course.status != CourseStatus::Draft {
            let snapshot = self
                .draft_snapshot(id)
                .await?
                .ok_or_else(|| StoreError::corrupt("course_drafts", "missing after insert"))?;
            let json = snapshot
                .to_json()
                .map_err(|e| StoreError::corrupt("course_revisions", e))?;
            let number = self.insert_revision(id, &json, course.author, now).await?;
            if course.status == CourseStatus::Published {
                self.publish_revision(id, number, &snapshot, course.author, now)
                    .await?;
            }
        }
        Ok(id)
    }
}
