//! Reading the catalog: home page, catalog pages, a course, a lesson, search.

use crate::{ServiceError, Services};
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
    /// How many courses the home page shows.
    pub const HOME_COURSES: i64 = 20;
    /// How many courses a catalog page shows.
    pub const CATALOG_PAGE: i64 = 24;
    /// The longest search query accepted; longer ones are cut, not refused.
    pub const MAX_QUERY_CHARS: usize = 200;

    /// Categories and the newest courses, optionally of one category. An unknown category slug
    /// shows no courses rather than an error, like any filter that matches nothing.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn home(&self, category: Option<&str>) -> Result<HomePage, ServiceError> {
        let categories = self.store().list_categories().await?;
        let courses = self
            .store()
            .list_published_courses(&CourseFilter {
                category: parse_category(category)?,
                limit: Self::HOME_COURSES,
                offset: 0,
            })
            .await?;
        Ok(HomePage {
            categories,
            courses,
        })
    }

    /// Every category, in menu order.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn categories(&self) -> Result<Vec<Category>, ServiceError> {
        Ok(self.store().list_categories().await?)
    }

    /// Page `page` (from 1) of the published catalog, optionally of one category.
    #[instrument(skip_all, fields(page = page, category = category), err(level = "debug"))]
    pub async fn catalog(
        &self,
        category: Option<&str>,
        page: u32,
    ) -> Result<CatalogPage, ServiceError> {
        let page = i64::from(page.max(1));
        let mut courses = self
            .store()
            .list_published_courses(&CourseFilter {
                category: parse_category(category)?,
                limit: Self::CATALOG_PAGE + 1,
                offset: (page - 1) * Self::CATALOG_PAGE,
            })
            .await?;
        let has_more = courses.len() as i64 > Self::CATALOG_PAGE;
        courses.truncate(Self::CATALOG_PAGE as usize);
        Ok(CatalogPage { courses, has_more })
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
    /// read it ([`domain::can_view_lesson`]). Nobody can buy a course yet, so nobody holds an
    /// entitlement: commerce supplies it.
    #[instrument(skip_all, fields(slug = slug, lesson = lesson.get()), err(level = "debug"))]
    pub async fn lesson(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        lesson: LessonId,
    ) -> Result<LessonView, ServiceError> {
        let course = self.course(slug).await?;
        let author = course.author;
        let mut view = LessonView::locate(course, lesson, viewer, Entitlement::None)
            .ok_or(ServiceError::NotFound)?;
        if !view.locked {
            view.content = self.lesson_content(lesson, author).await?;
        }
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

/// A category filter from a URL: absent or empty means all; a malformed one is a user error.
fn parse_category(raw: Option<&str>) -> Result<Option<Slug>, ServiceError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => Slug::parse(raw)
            .map(Some)
            .map_err(|_| ServiceError::Invalid("category")),
    }
}
