//! Uploaded files: what kinds there are, what each may contain, how large it may be, and who may
//! upload and read it. The media service asks these before it stores or sends a byte.
//!
//! A file's type is decided by its content (its first bytes), never by its name or the type the
//! client claims, so a script cannot be uploaded as a "video" and later run from Lore's origin.

use crate::permissions::Actor;
use crate::{Role, UserId};
use serde::{Deserialize, Serialize};

/// What an upload is for. It decides the accepted content types and the size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// A profile picture, already cropped and scaled to a PNG by the image pipeline.
    Avatar,
    /// A picture in a lesson or a course cover.
    Image,
    /// A lesson video.
    Video,
    /// A lesson recording.
    Audio,
    /// An attachment learners download (slides, worksheets, archives).
    Document,
}

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

impl MediaKind {
    /// Every kind, for tests and listings.
    pub const ALL: [MediaKind; 5] = [
        MediaKind::Avatar,
        MediaKind::Image,
        MediaKind::Video,
        MediaKind::Audio,
        MediaKind::Document,
    ];

    /// The name stored in the database and used in URLs.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaKind::Avatar => "avatar",
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
        }
    }

    /// Reads a stored or requested kind name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// The content types (as sniffed from the first bytes) a file of this kind may have.
    pub const fn accepted_types(self) -> &'static [&'static str] {
        match self {
            MediaKind::Avatar => &["image/png"],
            MediaKind::Image => &["image/png", "image/jpeg", "image/webp", "image/gif"],
            MediaKind::Video => &["video/mp4", "video/webm", "video/quicktime"],
            MediaKind::Audio => &[
                "audio/mpeg",
                "audio/mp4",
                "audio/m4a",
                "audio/ogg",
                "audio/x-wav",
                "audio/x-flac",
            ],
            MediaKind::Document => &[
                "application/pdf",
                "application/zip",
                "application/epub+zip",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ],
        }
    }

    /// Whether a file whose content sniffed as `content_type` may be stored as this kind.
    pub fn accepts(self, content_type: &str) -> bool {
        self.accepted_types().contains(&content_type)
    }

    /// Whether browsers should show the file in the page (pictures, players) or save it
    /// (documents: a PDF viewer in Lore's origin is not worth the risk).
    pub const fn inline(self) -> bool {
        !matches!(self, MediaKind::Document)
    }
}

/// The largest file of each kind accepted. Operators may change them (`LORE_MAX_VIDEO_MIB` and the
/// like); the defaults suit long lectures and ordinary pictures and documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeLimits {
    /// Pictures in lessons and covers.
    pub image: u64,
    /// Lesson videos.
    pub video: u64,
    /// Lesson recordings.
    pub audio: u64,
    /// Attachments.
    pub document: u64,
}

impl Default for SizeLimits {
    fn default() -> Self {
        Self {
            image: 20 * MIB,
            video: 2048 * MIB,
            audio: 512 * MIB,
            document: 256 * MIB,
        }
    }
}

impl SizeLimits {
    /// The largest file of `kind` accepted. Avatars are always small: the image pipeline scales
    /// them to 256 px before they are stored.
    pub const fn max_bytes(&self, kind: MediaKind) -> u64 {
        match kind {
            MediaKind::Avatar => MIB,
            MediaKind::Image => self.image,
            MediaKind::Video => self.video,
            MediaKind::Audio => self.audio,
            MediaKind::Document => self.document,
        }
    }

    /// The largest file of any kind (what a resumable upload may at most declare).
    pub fn largest(&self) -> u64 {
        self.image
            .max(self.video)
            .max(self.audio)
            .max(self.document)
    }
}

/// Whether `actor` may upload a file of `kind` through the media API. Avatars are set through the
/// account page by anyone signed in; course material is uploaded by those who write courses.
pub fn can_upload(actor: &Actor, kind: MediaKind) -> bool {
    match kind {
        MediaKind::Avatar => true,
        MediaKind::Image | MediaKind::Video | MediaKind::Audio | MediaKind::Document => {
            matches!(actor.role, Role::Author | Role::Admin)
        }
    }
}

/// Whether `viewer` may read a file of `kind` uploaded by `owner`. Avatars are public (they show
/// beside reviews and course cards). Course material is readable by its owner and admins; lessons
/// will grant learners access through `can_view_lesson` once they reference media.
pub fn can_read(viewer: Option<&Actor>, kind: MediaKind, owner: UserId) -> bool {
    match kind {
        MediaKind::Avatar => true,
        MediaKind::Image | MediaKind::Video | MediaKind::Audio | MediaKind::Document => {
            viewer.is_some_and(|v| v.id == owner || v.role == Role::Admin)
        }
    }
}

/// How long a signed media address works, in seconds: long enough for a page to load its pictures
/// and start its player, short enough that a copied link soon stops working. A reader who keeps
/// the page open longer still reaches the file through their session ([`can_read_in_lessons`]).
pub const SIGNED_URL_SECS: i64 = 10 * 60;

/// Whether a signed address that expires at `expires` (Unix seconds) still works at `now`, and was
/// not made further ahead than a signer would (a forged far-future expiry is refused even with a
/// leaked signature).
pub fn signature_in_date(expires: i64, now: i64) -> bool {
    now <= expires && expires <= now.saturating_add(SIGNED_URL_SECS)
}

/// Whether `viewer` may read a file through the live lessons that use it: anyone who may view one
/// of them ([`crate::can_view_lesson`]). `uses` holds each such lesson with its course and what
/// the viewer holds of that course.
pub fn can_read_in_lessons(
    viewer: Option<&Actor>,
    uses: &[(
        crate::CourseAccess,
        crate::LessonOutline,
        crate::Entitlement,
    )],
) -> bool {
    uses.iter().any(|(course, lesson, entitlement)| {
        crate::can_view_lesson(viewer, course, lesson, *entitlement)
    })
}

/// Whether a lesson body's picture of file `owner` uploaded as `kind` is shown to the lesson's
/// readers: pictures its course's author uploaded. A hand-typed `/media/…` pointing at another
/// author's file, or at a video, shows nothing, so a body cannot lift files it does not own.
pub fn can_embed(kind: MediaKind, owner: UserId, course_author: UserId) -> bool {
    kind == MediaKind::Image && owner == course_author
}

/// The sizes a course cover is shown at, each made from the uploaded picture by cropping it to
/// 16:9 around its centre and scaling (`images::ImagePipeline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoverVariant {
    /// On course cards in lists: 640×360.
    Card,
    /// At the top of the course page: 1280×720.
    Page,
}

impl CoverVariant {
    /// Both, in the order they are made.
    pub const ALL: [CoverVariant; 2] = [CoverVariant::Card, CoverVariant::Page];

    /// Width and height in pixels.
    pub const fn size(self) -> (u32, u32) {
        match self {
            CoverVariant::Card => (640, 360),
            CoverVariant::Page => (1280, 720),
        }
    }

    /// Its name in addresses: `/media/covers/{id}-{name}.jpg`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CoverVariant::Card => "card",
            CoverVariant::Page => "page",
        }
    }

    /// Reads a name made by [`Self::as_str`].
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == raw)
    }
}

/// Whether `viewer` may see a cover picture uploaded by `owner`: everyone once a listed course
/// shows it (it is on public course cards), otherwise its owner and admins (a draft's cover).
pub fn can_see_cover(viewer: Option<&Actor>, owner: UserId, on_a_listed_course: bool) -> bool {
    on_a_listed_course || can_read(viewer, MediaKind::Image, owner)
}

/// A file size as people read it: `812 B`, `12 KB`, `3.4 MB`, `1.2 GB` (binary units, one
/// decimal from MB up). The same on the server and in the browser, so hydration agrees.
pub fn size_label(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const GIB: u64 = 1024 * MIB;
    let tenths = |unit: u64| (bytes * 10 + unit / 2) / unit;
    match bytes {
        0..KIB => format!("{bytes} B"),
        KIB..MIB => format!("{} KB", bytes.div_ceil(KIB)),
        MIB..GIB => format!("{}.{} MB", tenths(MIB) / 10, tenths(MIB) % 10),
        _ => format!("{}.{} GB", tenths(GIB) / 10, tenths(GIB) % 10),
    }
}

/// Whether a file of `kind` may be attached to a lesson for learners to open or download: any
/// course material (pictures, videos, recordings, documents), never an avatar.
pub fn attachable(kind: MediaKind) -> bool {
    kind != MediaKind::Avatar
}

/// Whether `actor` may put a file uploaded by `owner` into a lesson: the uploader and admins, so
/// nobody can lift another author's video into their own course by guessing its id.
pub fn can_attach(actor: &Actor, owner: UserId) -> bool {
    actor.id == owner || actor.role == Role::Admin
}

/// Whether `actor` may delete a file uploaded by `owner`: its owner and admins.
pub fn can_delete(actor: &Actor, owner: UserId) -> bool {
    actor.id == owner || actor.role == Role::Admin
}

/// The part of a file a reader asked for with an HTTP `Range` header, resolved against its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    /// The first byte sent.
    pub start: u64,
    /// One past the last byte sent.
    pub end: u64,
}

/// Why a `Range` header cannot be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The range starts past the end of the file (HTTP 416).
    #[error("range not satisfiable")]
    Unsatisfiable,
}

/// Resolves one `bytes=` range (`a-b`, `a-`, `-n`) against a file of `size` bytes. A header that
/// is not a single byte range is ignored (`Ok(None)`: send the whole file), as RFC 9110 allows;
/// players only ever ask for one.
pub fn byte_range(header: &str, size: u64) -> Result<Option<ByteRange>, RangeError> {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let Ok(suffix) = last.parse::<u64>() else {
            return Ok(None);
        };
        if suffix == 0 {
            return Err(RangeError::Unsatisfiable);
        }
        ByteRange {
            start: size.saturating_sub(suffix),
            end: size,
        }
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return Ok(None);
        };
        let end = if last.is_empty() {
            size
        } else {
            match last.parse::<u64>() {
                Ok(last) if last >= start => last.saturating_add(1).min(size),
                _ => return Ok(None),
            }
        };
        ByteRange { start, end }
    };
    if range.start >= size {
        return Err(RangeError::Unsatisfiable);
    }
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id: UserId::new(id),
            role,
        }
    }

    #[test]
    fn signed_addresses_work_for_ten_minutes_and_no_longer() {
        let now = 1_800_000_000;
        assert!(signature_in_date(now, now));
        assert!(signature_in_date(now + SIGNED_URL_SECS, now));
        assert!(!signature_in_date(now - 1, now), "expired");
        assert!(
            !signature_in_date(now + SIGNED_URL_SECS + 1, now),
            "further ahead than any signer makes"
        );
        assert!(!signature_in_date(i64::MAX, i64::MAX - 1 - SIGNED_URL_SECS));
    }

    #[test]
    fn lesson_files_are_read_by_those_who_may_view_a_lesson_using_them() {
        use crate::catalog::CourseStatus;
        use crate::{CourseAccess, Entitlement, LessonId, LessonKind, LessonOutline};
        let author = UserId::new(1);
        let course = |status| CourseAccess { author, status };
        let lesson = |is_preview| LessonOutline {
            id: LessonId::new(7),
            title: "Intro".into(),
            kind: LessonKind::Video,
            is_preview,
            duration_seconds: 60,
        };
        let learner = actor(2, Role::Learner);
        let published = CourseStatus::Published;
        // A free preview: everyone, signed in or not.
        let preview = [(course(published), lesson(true), Entitlement::None)];
        assert!(can_read_in_lessons(None, &preview));
        assert!(can_read_in_lessons(Some(&learner), &preview));
        // A paid lesson: only with an active purchase; a refund ends it.
        for (entitlement, readable) in [
            (Entitlement::None, false),
            (Entitlement::Active, true),
            (Entitlement::Refunded, false),
        ] {
            let paid = [(course(published), lesson(false), entitlement)];
            assert_eq!(can_read_in_lessons(Some(&learner), &paid), readable);
        }
        // Not live, or used nowhere: nobody through lessons (owners read through `can_read`).
        let draft = [(course(CourseStatus::Draft), lesson(true), Entitlement::None)];
        assert!(!can_read_in_lessons(Some(&learner), &draft));
        assert!(!can_read_in_lessons(Some(&learner), &[]));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_label(812), "812 B");
        assert_eq!(size_label(1024), "1 KB");
        assert_eq!(size_label(12 * 1024 + 1), "13 KB");
        assert_eq!(size_label(MIB * 34 / 10), "3.4 MB");
        assert_eq!(size_label(1024 * MIB * 12 / 10), "1.2 GB");
    }

    #[test]
    fn course_material_of_any_kind_is_attachable_and_avatars_are_not() {
        for kind in MediaKind::ALL {
            assert_eq!(attachable(kind), kind != MediaKind::Avatar, "{kind:?}");
        }
    }

    #[test]
    fn a_body_shows_only_its_authors_pictures() {
        let (author, other) = (UserId::new(1), UserId::new(2));
        assert!(can_embed(MediaKind::Image, author, author));
        assert!(!can_embed(MediaKind::Image, other, author));
        assert!(!can_embed(MediaKind::Video, author, author));
        assert!(!can_embed(MediaKind::Avatar, author, author));
    }

    #[test]
    fn limits_are_per_kind_and_avatars_stay_small() {
        let limits = SizeLimits {
            video: 5 * MIB,
            ..SizeLimits::default()
        };
        assert_eq!(limits.max_bytes(MediaKind::Video), 5 * MIB);
        assert_eq!(limits.max_bytes(MediaKind::Image), 20 * MIB);
        assert_eq!(limits.max_bytes(MediaKind::Avatar), MIB);
        assert_eq!(SizeLimits::default().largest(), 2048 * MIB);
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in MediaKind::ALL {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MediaKind::parse("script"), None);
    }

    #[test]
    fn content_decides_the_kind() {
        assert!(MediaKind::Video.accepts("video/mp4"));
        assert!(!MediaKind::Video.accepts("text/html"));
        assert!(
            !MediaKind::Image.accepts("image/svg+xml"),
            "SVG can carry script"
        );
        assert!(
            !MediaKind::Avatar.accepts("image/jpeg"),
            "avatars are re-encoded to PNG"
        );
        assert!(!MediaKind::Document.inline());
        assert!(MediaKind::Video.inline());
    }

    #[test]
    fn course_material_is_uploaded_by_those_who_write_courses() {
        for kind in [MediaKind::Video, MediaKind::Document] {
            assert!(!can_upload(&actor(1, Role::Learner), kind));
            assert!(!can_upload(&actor(1, Role::Reviewer), kind));
            assert!(can_upload(&actor(1, Role::Author), kind));
            assert!(can_upload(&actor(1, Role::Admin), kind));
        }
        assert!(can_upload(&actor(1, Role::Learner), MediaKind::Avatar));
    }

    #[test]
    fn course_material_is_private_to_its_owner_and_admins() {
        let owner = UserId::new(7);
        assert!(can_read(
            Some(&actor(7, Role::Author)),
            MediaKind::Video,
            owner
        ));
        assert!(can_read(
            Some(&actor(1, Role::Admin)),
            MediaKind::Video,
            owner
        ));
        assert!(!can_read(
            Some(&actor(8, Role::Author)),
            MediaKind::Video,
            owner
        ));
        assert!(!can_read(None, MediaKind::Document, owner));
        assert!(can_read(None, MediaKind::Avatar, owner));
        assert!(can_delete(&actor(7, Role::Learner), owner));
        assert!(!can_delete(&actor(8, Role::Reviewer), owner));
        assert!(can_attach(&actor(7, Role::Author), owner));
        assert!(can_attach(&actor(1, Role::Admin), owner));
        assert!(!can_attach(&actor(8, Role::Author), owner));
    }

    #[test]
    fn ranges_players_send_are_resolved() {
        let r = |h: &str| byte_range(h, 1000);
        assert_eq!(
            r("bytes=0-"),
            Ok(Some(ByteRange {
                start: 0,
                end: 1000
            }))
        );
        assert_eq!(r("bytes=10-19"), Ok(Some(ByteRange { start: 10, end: 20 })));
        assert_eq!(
            r("bytes=990-5000"),
            Ok(Some(ByteRange {
                start: 990,
                end: 1000
            }))
        );
        assert_eq!(
            r("bytes=-100"),
            Ok(Some(ByteRange {
                start: 900,
                end: 1000
            }))
        );
        assert_eq!(
            r("bytes=-5000"),
            Ok(Some(ByteRange {
                start: 0,
                end: 1000
            }))
        );
        assert_eq!(r("bytes=1000-"), Err(RangeError::Unsatisfiable));
        assert_eq!(r("bytes=-0"), Err(RangeError::Unsatisfiable));
        assert_eq!(r("bytes=5-2"), Ok(None), "malformed: ignored");
        assert_eq!(r("bytes=0-1,5-6"), Ok(None), "several: the whole file");
        assert_eq!(r("items=0-1"), Ok(None));
    }

    proptest! {
        #[test]
        fn a_served_range_is_never_empty_and_stays_inside_the_file(
            header in "bytes=[0-9]{0,6}-[0-9]{0,6}",
            size in 1u64..2_000_000,
        ) {
            if let Ok(Some(range)) = byte_range(&header, size) {
                prop_assert!(range.start < range.end);
                prop_assert!(range.end <= size);
            }
        }
    }

    #[test]
    fn listed_covers_are_public_and_draft_covers_private() {
        let owner = UserId::new(1);
        let author = Actor {
            id: owner,
            role: Role::Author,
        };
        let stranger = Actor {
            id: UserId::new(2),
            role: Role::Learner,
        };
        let admin = Actor {
            id: UserId::new(3),
            role: Role::Admin,
        };
        assert!(can_see_cover(None, owner, true));
        assert!(!can_see_cover(None, owner, false));
        assert!(!can_see_cover(Some(&stranger), owner, false));
        assert!(can_see_cover(Some(&author), owner, false));
        assert!(can_see_cover(Some(&admin), owner, false));
        for variant in CoverVariant::ALL {
            assert_eq!(CoverVariant::parse(variant.as_str()), Some(variant));
            let (w, h) = variant.size();
            assert_eq!(w * 9, h * 16, "16:9");
        }
        assert_eq!(CoverVariant::parse("huge"), None);
    }
}
