//! Reading the catalog: home page, catalog pages, a course, a lesson, search.

use crate::{ServiceError, Services};
use domain::browse::{self, CatalogQuery};
use domain::media as media_rules;
use domain::permissions::Actor;
use domain::{
    AttachedFile, CatalogPage, Category, CourseCard, CourseDetail, Entitlement, HomePage,
    LessonContent, LessonId, LessonView, MediaId, MediaKind, PlayableMedia, Slug, UserId,
};
use std::collections::HashSet;
use store::CourseFilter;
use tracing::instrument;

impl Services {
    /// How many courses a row of the home page shows.
    pub const HOME_ROW: i64 = 8;
    /// How many courses of each category the home page shows.
    pub const HOME_PER_CATEGORY: i64 = 4;
    /// How many unfinished courses "continue learning" shows.
    pub const HOME_CONTINUE: usize = 4;
    /// The window "popular" counts enrollments in.
    pub const POPULAR_DAYS: i64 = 30;
    /// The longest search query accepted; longer ones are cut, not refused.
    pub const MAX_QUERY_CHARS: usize = 200;

    /// The home page: featured, newest and popular courses, a few of each category, and for a
    /// signed-in learner the courses they are taking.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn home(&self, viewer: Option<&Actor>) -> Result<HomePage, ServiceError> {
        let store = self.store();
        let categories = store.list_categories().await?;
        let newest = store
            .list_published_courses(&CourseFilter {
                category: None,
                limit: Self::HOME_ROW,
                offset: 0,
            })
            .await?;
        let since = store::now_millis() - Self::POPULAR_DAYS * 24 * 3_600_000;
        let popular = store.popular_since(since, Self::HOME_ROW).await?;
        let featured = store.featured_courses(Self::HOME_ROW).await?;
        let mut by_category = Vec::new();
        for category in &categories {
            let courses = store
                .list_published_courses(&CourseFilter {
                    category: Some(category.slug.clone()),
                    limit: Self::HOME_PER_CATEGORY,
                    offset: 0,
                })
                .await?;
            if !courses.is_empty() {
                by_category.push((category.clone(), courses));
            }
        }
        let continue_learning = match viewer {
            Some(actor) => {
                let mut taking = self.my_learning(actor).await?;
                taking.retain(|entry| entry.percent < 100);
                taking.truncate(Self::HOME_CONTINUE);
                taking
            }
            None => Vec::new(),
        };
        Ok(HomePage {
            categories,
            featured,
            newest,
            popular,
            by_category,
            continue_learning,
        })
    }

    /// Picks course `id` for the home page or takes it off (admins).
    pub async fn set_featured(
        &self,
        viewer: &Actor,
        id: domain::CourseId,
        featured: bool,
    ) -> Result<(), ServiceError> {
        if !domain::permissions::can_moderate(Some(viewer)) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        let found = tx.set_featured(id, featured, store::now_millis()).await?;
        tx.commit().await?;
        if found {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Every category, in menu order.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn categories(&self) -> Result<Vec<Category>, ServiceError> {
        Ok(self.store().list_categories().await?)
    }

    /// A page of the published catalog: the filters, order and cursor of `query`, with the
    /// number of matches and the categories for the filter menu.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn browse(&self, query: &CatalogQuery) -> Result<CatalogPage, ServiceError> {
        let page = self.store().browse(query, browse::PAGE_SIZE).await?;
        Ok(CatalogPage {
            courses: page.courses,
            next: page.next,
            total: page.total,
            categories: page.categories,
        })
    }

    /// A published course with its outline.
    #[instrument(skip_all, fields(slug = slug), err(level = "debug"))]
    pub async fn course(&self, slug: &str) -> Result<CourseDetail, ServiceError> {
        let slug = Slug::parse(slug).map_err(|_| ServiceError::NotFound)?;
        self.store()
            .published_course(&slug)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// A lesson of a published course, with its place in the course, locked unless `viewer` may
    /// read it ([`domain::can_view_lesson`]) with what they hold of the course, and with their
    /// progress and what would unlock it.
    #[instrument(skip_all, fields(slug = slug, lesson = lesson.get()), err(level = "debug"))]
    pub async fn lesson(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        lesson: LessonId,
    ) -> Result<LessonView, ServiceError> {
        let course = self.course(slug).await?;
        let author = course.author;
        let entitlement = match viewer {
            Some(actor) => self.store().entitlement(actor.id, course.card.id).await?,
            None => Entitlement::None,
        };
        let mut view = LessonView::locate(course, lesson, viewer, entitlement)
            .ok_or(ServiceError::NotFound)?;
        if !view.locked {
            view.content = self.lesson_content(lesson, author).await?;
        }
        self.lesson_extras(viewer, &mut view, entitlement).await?;
        Ok(view)
    }

    /// What a reader allowed to read live lesson `id` (of a course by `author`) receives: its body
    /// sanitised again with its pictures signed, and its player, signed too.
    async fn lesson_content(
        &self,
        id: LessonId,
        author: UserId,
    ) -> Result<Option<LessonContent>, ServiceError> {
        let Some((html, media)) = self.store().live_lesson_content(id).await? else {
            return Ok(None);
        };
        let signer = self.signer().await?.clone();
        let expires = crate::media::now_secs() + media_rules::SIGNED_URL_SECS;
        let wanted: Vec<MediaId> = richtext::media_sources(&html)
            .into_iter()
            .filter_map(|id| id.parse().ok())
            .collect();
        let shown: HashSet<MediaId> = self
            .store()
            .media_records(&wanted)
            .await?
            .into_iter()
            .filter(|file| media_rules::can_embed(file.kind, file.owner, author))
            .map(|file| file.id)
            .collect();
        let media = media
            .filter(|file| matches!(file.kind, MediaKind::Video | MediaKind::Audio))
            .map(|file| PlayableMedia {
                kind: file.kind,
                content_type: file.content_type,
                url: signer.url(file.id, expires),
            });
        let files = self
            .store()
            .live_lesson_files(id)
            .await?
            .into_iter()
            .map(|(file, downloadable)| {
                // Pictures, videos and recordings open in the page either way; a document that
                // may not be downloaded has nothing to open.
                let opens = downloadable || file.kind.inline();
                AttachedFile {
                    url: opens.then(|| signer.url(file.id, expires)),
                    name: file.file_name,
                    size: file.byte_size,
                    kind: file.kind,
                    content_type: file.content_type,
                    downloadable,
                }
            })
            .collect();
        let html = richtext::for_readers(&html, move |src| {
            let id = src.parse::<MediaId>().ok()?;
            shown.contains(&id).then(|| signer.url(id, expires))
        });
        Ok(Some(LessonContent { html, media, files }))
    }

    /// Published courses matching `query`. An empty query finds nothing.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn search(&self, query: &str) -> Result<Vec<CourseCard>, ServiceError> {
        let query: String = query.trim().chars().take(Self::MAX_QUERY_CHARS).collect();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store().search_published_courses(&query, 50).await?)
    }
}
