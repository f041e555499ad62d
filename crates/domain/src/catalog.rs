//! The catalog as readers see it: categories, course cards, a course's outline, a lesson.
//!
//! These are the shapes that cross from the server to the browser, so they hold only what a
//! reader may see.

use crate::access::{CourseAccess, Entitlement, can_view_lesson};
use crate::permissions::Actor;
use crate::{CategoryId, ChapterId, CourseId, Lang, LessonId, LocalizedText, Money, Slug, UserId};
use serde::{Deserialize, Serialize};

/// Where a course is in its life. Only published courses are in the public catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CourseStatus {
    /// Being written; only its author sees it.
    Draft,
    /// Submitted; waiting for a reviewer.
    InReview,
    /// Approved and on sale.
    Published,
}

impl CourseStatus {
    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            CourseStatus::Draft => "draft",
            CourseStatus::InReview => "in_review",
            CourseStatus::Published => "published",
        }
    }

    /// Reads a stored status name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "draft" => Some(CourseStatus::Draft),
            "in_review" => Some(CourseStatus::InReview),
            "published" => Some(CourseStatus::Published),
            _ => None,
        }
    }
}

/// What a lesson is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LessonKind {
    /// Rich text.
    Text,
    /// A video with notes.
    Video,
    /// An audio recording with notes.
    Audio,
    /// Files to open or download, with notes.
    Attachments,
}

impl LessonKind {
    /// Every kind, in the order the studio offers them.
    pub const ALL: [LessonKind; 4] = [
        LessonKind::Text,
        LessonKind::Video,
        LessonKind::Audio,
        LessonKind::Attachments,
    ];

    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            LessonKind::Text => "text",
            LessonKind::Video => "video",
            LessonKind::Audio => "audio",
            LessonKind::Attachments => "attachments",
        }
    }

    /// Reads a stored kind name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// A catalog category with its name in both interface languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Its URL name, used in `?category=` filters.
    pub slug: Slug,
    /// Its display name.
    pub name: LocalizedText,
}

/// What a course card in a list shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCard {
    /// Its id.
    pub id: CourseId,
    /// Its URL name.
    pub slug: Slug,
    /// Its title, in the course's own language.
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// The author's display name.
    pub author_name: String,
    /// The slug of its category.
    pub category_slug: Slug,
    /// The language the course is taught in.
    pub language: Lang,
    /// Its price; zero means free.
    pub price: Money,
    /// Its cover picture, if it has one (shown through `/media/covers/{id}-{variant}.jpg`).
    pub cover: Option<crate::MediaId>,
    /// How many lessons it has.
    pub lesson_count: i64,
    /// How many learners rated it.
    pub rating_count: i64,
    /// Their mean in tenths of a star ([`crate::rating::RatingSummary::mean_tenths`]).
    pub rating_tenths: Option<i64>,
}

/// One lesson in a course outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonOutline {
    /// Its id.
    pub id: LessonId,
    /// Its title.
    pub title: String,
    /// What it is made of.
    pub kind: LessonKind,
    /// Whether anyone may open it without buying the course.
    pub is_preview: bool,
    /// Its running time in seconds (reading time for text).
    pub duration_seconds: i64,
}

/// One chapter in a course outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterOutline {
    /// Its id.
    pub id: ChapterId,
    /// Its title.
    pub title: String,
    /// Its lessons, in order.
    pub lessons: Vec<LessonOutline>,
}

/// Everything the public course page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseDetail {
    /// The card facts.
    pub card: CourseCard,
    /// Who wrote it (their account decides who may read its lessons).
    pub author: UserId,
    /// Where it is in its life.
    pub status: CourseStatus,
    /// The long description (plain text for now).
    pub description: String,
    /// The category it is filed under.
    pub category: Category,
    /// The chapters, in order.
    pub chapters: Vec<ChapterOutline>,
    /// Its ratings (count, stars, histogram).
    pub rating: crate::rating::RatingSummary,
    /// What a learner will be able to do after it.
    pub outcomes: Vec<String>,
    /// Who it is for.
    pub level: crate::authoring::Level,
    /// The author's short biography.
    pub author_bio: String,
    /// How many learners own it.
    pub enrollments: i64,
    /// When its current version was published, Unix milliseconds.
    pub published_at: i64,
    /// Whether an admin picked it for the home page.
    pub featured: bool,
}

impl CourseDetail {
    /// The facts lesson access depends on.
    pub fn access(&self) -> CourseAccess {
        CourseAccess {
            author: self.author,
            status: self.status,
        }
    }

    /// Finds a lesson of this course and its chapter, or `None` if the lesson belongs elsewhere.
    pub fn lesson(&self, id: LessonId) -> Option<(&ChapterOutline, &LessonOutline)> {
        self.chapters.iter().find_map(|chapter| {
            chapter
                .lessons
                .iter()
                .find(|lesson| lesson.id == id)
                .map(|lesson| (chapter, lesson))
        })
    }

    /// The lessons in reading order, across chapters.
    pub fn lessons_in_order(&self) -> impl Iterator<Item = &LessonOutline> {
        self.chapters.iter().flat_map(|c| c.lessons.iter())
    }
}

/// What the lesson page shows: the course around it and where the reader is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    /// The course, for navigation.
    pub course: CourseDetail,
    /// The lesson being read.
    pub lesson: LessonOutline,
    /// The title of its chapter.
    pub chapter_title: String,
    /// The lesson before it, across chapters.
    pub previous: Option<LessonId>,
    /// The lesson after it, across chapters.
    pub next: Option<LessonId>,
    /// Whether the viewer may not read it ([`can_view_lesson`]); a locked view never carries the
    /// lesson's content.
    pub locked: bool,
    /// What the lesson says and plays, filled in by the server only when the viewer may read it.
    pub content: Option<LessonContent>,
    /// What unlocks it for this viewer (sign in, enroll, buy), shown on a locked lesson.
    pub unlock: crate::learning::PrimaryAction,
    /// Where the viewer stopped in it, to resume playback.
    pub resume_ms: u64,
    /// Whether the viewer finished it.
    pub done: bool,
    /// The course's lessons the viewer finished, for the syllabus marks.
    pub done_lessons: Vec<LessonId>,
}

/// The readable part of a lesson, as one reader receives it: its sanitised body, with pictures
/// and the player pointing at signed media addresses that stop working after a few minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonContent {
    /// The body, sanitised at save and again on the way out.
    pub html: String,
    /// The video or recording the lesson plays, if it has one.
    pub media: Option<PlayableMedia>,
    /// The files attached to it, in the author's order.
    pub files: Vec<AttachedFile>,
}

/// A file attached to a lesson, as a reader receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedFile {
    /// Its name on the author's machine.
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// Picture, video, recording or document.
    pub kind: crate::MediaKind,
    /// Its content type, as sniffed when it was uploaded.
    pub content_type: String,
    /// Whether the reader may download it; otherwise pictures, videos and recordings open in the
    /// page and documents are only listed.
    pub downloadable: bool,
    /// A signed address for it, when the reader may open or download it.
    pub url: Option<String>,
}

/// A file a lesson plays in the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayableMedia {
    /// Video or audio.
    pub kind: crate::MediaKind,
    /// Its content type, as sniffed when it was uploaded.
    pub content_type: String,
    /// A signed address for it.
    pub url: String,
}

impl LessonView {
    /// Places lesson `id` inside `course` as `viewer` (holding `entitlement`) may see it, or `None`
    /// when the lesson is not part of that course (so a lesson id can never be read through another
    /// course's URL).
    pub fn locate(
        course: CourseDetail,
        id: LessonId,
        viewer: Option<&Actor>,
        entitlement: Entitlement,
    ) -> Option<Self> {
        let (chapter, lesson) = course.lesson(id)?;
        let locked = !can_view_lesson(viewer, &course.access(), lesson, entitlement);
        let (chapter_title, lesson) = (chapter.title.clone(), lesson.clone());
        let order: Vec<LessonId> = course.lessons_in_order().map(|l| l.id).collect();
        let at = order.iter().position(|l| *l == id)?;
        let previous = at.checked_sub(1).map(|i| order[i]);
        let next = order.get(at + 1).copied();
        Some(Self {
            course,
            lesson,
            chapter_title,
            previous,
            next,
            locked,
            content: None,
            unlock: crate::learning::PrimaryAction::Unavailable,
            resume_ms: 0,
            done: false,
            done_lessons: Vec::new(),
        })
    }
}

/// What the home page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomePage {
    /// Every category, for the category links.
    pub categories: Vec<Category>,
    /// Courses an admin picked, newest pick first.
    pub featured: Vec<CourseCard>,
    /// The newest published courses.
    pub newest: Vec<CourseCard>,
    /// The courses most learners took in the last 30 days.
    pub popular: Vec<CourseCard>,
    /// A few courses of each category that has any, in menu order.
    pub by_category: Vec<(Category, Vec<CourseCard>)>,
    /// The signed-in learner's courses, most recently active first ("continue learning").
    pub continue_learning: Vec<crate::progress::LearningEntry>,
}

/// One page of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    /// The courses on this page.
    pub courses: Vec<CourseCard>,
    /// Where the next page starts, if one follows.
    pub next: Option<crate::browse::Cursor>,
    /// How many courses match the filters in all.
    pub total: i64,
    /// Every category, for the filter menu.
    pub categories: Vec<Category>,
}

impl CatalogPage {
    /// Whether the page shows prices in more than one currency (then it says that each price is
    /// in its course's own currency: Lore does not convert).
    pub fn mixes_currencies(&self) -> bool {
        let mut currencies = self.courses.iter().map(|c| c.price.currency());
        let first = currencies.next();
        currencies.any(|c| Some(c) != first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, Money};

    fn lesson(id: i64) -> LessonOutline {
        LessonOutline {
            id: LessonId::new(id),
            title: format!("L{id}"),
            kind: LessonKind::Text,
            is_preview: false,
            duration_seconds: 60,
        }
    }

    fn course() -> CourseDetail {
        let slug = Slug::parse("c").unwrap();
        CourseDetail {
            card: CourseCard {
                id: CourseId::new(1),
                slug: slug.clone(),
                title: "C".into(),
                subtitle: String::new(),
                author_name: "A".into(),
                category_slug: slug.clone(),
                language: Lang::En,
                price: Money::price(100, Currency::Usd).unwrap(),
                cover: None,
                lesson_count: 3,
                rating_count: 0,
                rating_tenths: None,
            },
            author: UserId::new(5),
            status: CourseStatus::Published,
            description: String::new(),
            category: Category {
                id: CategoryId::new(1),
                slug,
                name: LocalizedText {
                    en: "X".into(),
                    zh_cn: "X".into(),
                },
            },
            rating: Default::default(),
            outcomes: Vec::new(),
            level: Default::default(),
            author_bio: String::new(),
            enrollments: 0,
            published_at: 0,
            featured: false,
            chapters: vec![
                ChapterOutline {
                    id: ChapterId::new(1),
                    title: "One".into(),
                    lessons: vec![lesson(10), lesson(11)],
                },
                ChapterOutline {
                    id: ChapterId::new(2),
                    title: "Two".into(),
                    lessons: vec![lesson(20)],
                },
            ],
        }
    }

    #[test]
    fn a_page_knows_when_it_mixes_currencies() {
        let usd = course().card;
        let mut cny = usd.clone();
        cny.price = Money::price(100, Currency::Cny).unwrap();
        let page = |courses| CatalogPage {
            courses,
            next: None,
            total: 0,
            categories: Vec::new(),
        };
        assert!(!page(vec![]).mixes_currencies());
        assert!(!page(vec![usd.clone(), usd.clone()]).mixes_currencies());
        assert!(page(vec![usd, cny]).mixes_currencies());
    }

    #[test]
    fn navigation_crosses_chapters() {
        let view =
            LessonView::locate(course(), LessonId::new(11), None, Entitlement::None).unwrap();
        assert_eq!(view.chapter_title, "One");
        assert_eq!(view.previous, Some(LessonId::new(10)));
        assert_eq!(view.next, Some(LessonId::new(20)));
        let last =
            LessonView::locate(course(), LessonId::new(20), None, Entitlement::None).unwrap();
        assert_eq!(last.next, None);
        let first =
            LessonView::locate(course(), LessonId::new(10), None, Entitlement::None).unwrap();
        assert_eq!(first.previous, None);
    }

    #[test]
    fn the_view_is_locked_unless_the_viewer_may_read_it() {
        let anonymous = LessonView::locate(course(), LessonId::new(11), None, Entitlement::None);
        assert!(anonymous.unwrap().locked);
        let buyer = Actor {
            id: UserId::new(1),
            role: crate::Role::Learner,
        };
        let owned = LessonView::locate(
            course(),
            LessonId::new(11),
            Some(&buyer),
            Entitlement::Active,
        );
        assert!(!owned.unwrap().locked);
        let author = Actor {
            id: UserId::new(5),
            role: crate::Role::Author,
        };
        let own = LessonView::locate(
            course(),
            LessonId::new(11),
            Some(&author),
            Entitlement::None,
        );
        assert!(!own.unwrap().locked);
    }

    #[test]
    fn a_lesson_of_another_course_is_not_found() {
        assert!(LessonView::locate(course(), LessonId::new(99), None, Entitlement::None).is_none());
    }

    #[test]
    fn status_and_kind_names_round_trip() {
        for s in [
            CourseStatus::Draft,
            CourseStatus::InReview,
            CourseStatus::Published,
        ] {
            assert_eq!(CourseStatus::parse(s.as_str()), Some(s));
        }
        for k in [
            LessonKind::Text,
            LessonKind::Video,
            LessonKind::Audio,
            LessonKind::Attachments,
        ] {
            assert_eq!(LessonKind::parse(k.as_str()), Some(k));
        }
    }
}
