//! What a revision changes against the live one, as a reviewer reads it: settings (the price
//! called out), structure (chapters and lessons added, removed, renamed, moved), lesson text word by
//! word, and media added or replaced.
//!
//! Chapters and lessons keep their ids from one revision to the next, so "renamed" and "moved" are
//! told apart from "removed and added" by id, never by guessing from titles. Text is compared in
//! tokens: a Latin word, a run of spaces, a punctuation mark, or one CJK character, because
//! Chinese has no spaces and a whole sentence must not count as one changed word.

use crate::authoring::{CourseSettings, Field, is_cjk};
use crate::revision::{CourseSnapshot, LessonSnapshot};
use crate::{ChapterId, LessonId, MediaId, Money};
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// A piece of diffed text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// In both.
    Same(String),
    /// Only in the new revision.
    Added(String),
    /// Only in the live one.
    Removed(String),
}

/// A setting whose value differs, both values as the studio shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    /// Which setting.
    pub field: Field,
    /// The live value (empty for a list that was empty).
    pub before: String,
    /// The new value.
    pub after: String,
}

/// A change to the course's outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StructureChange {
    /// A new chapter.
    ChapterAdded {
        /// Its title.
        title: String,
    },
    /// A chapter that is gone, with its lessons.
    ChapterRemoved {
        /// Its title.
        title: String,
    },
    /// A chapter with a new title.
    ChapterRenamed {
        /// The live title.
        from: String,
        /// The new title.
        to: String,
    },
    /// A chapter in a new place (1-based positions).
    ChapterMoved {
        /// Its title.
        title: String,
        /// Where it was.
        from: usize,
        /// Where it is.
        to: usize,
    },
    /// A new lesson.
    LessonAdded {
        /// Its title.
        title: String,
        /// The chapter it is in.
        chapter: String,
    },
    /// A lesson that is gone.
    LessonRemoved {
        /// Its title.
        title: String,
    },
    /// A lesson with a new title.
    LessonRenamed {
        /// The live title.
        from: String,
        /// The new title.
        to: String,
    },
    /// A lesson in another place: another chapter, or out of order within its chapter.
    LessonMoved {
        /// Its title.
        title: String,
        /// The chapter it was in.
        from_chapter: String,
        /// The chapter it is in.
        to_chapter: String,
    },
}

/// How one lesson's content changed (a lesson in both revisions, or a new one against nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonChange {
    /// The lesson.
    pub id: LessonId,
    /// Its title in the new revision.
    pub title: String,
    /// The text, diffed; `None` when the text did not change.
    pub text: Option<Vec<Span>>,
    /// The played file before and after, when it changed (added, replaced or removed).
    pub media: Option<(Option<MediaId>, Option<MediaId>)>,
    /// Files attached in this revision.
    pub files_added: Vec<MediaId>,
    /// Files taken off in this revision.
    pub files_removed: Vec<MediaId>,
    /// The preview flag, when it changed: its new value.
    pub preview: Option<bool>,
}

/// How big a change is, for the queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSize {
    /// Lessons new in this revision.
    pub lessons_added: usize,
    /// Lessons gone.
    pub lessons_removed: usize,
    /// Lessons in both whose content changed.
    pub lessons_changed: usize,
    /// Characters of lesson text added (CJK characters and Latin letters alike).
    pub chars_added: usize,
    /// Characters of lesson text removed.
    pub chars_removed: usize,
    /// Settings that differ.
    pub settings_changed: usize,
}

/// Everything a revision changes against the live one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDiff {
    /// Settings that differ, in form order.
    pub settings: Vec<SettingChange>,
    /// The price before and after, when it changed (shown first and highlighted).
    pub price: Option<(Money, Money)>,
    /// Whether a new cover was set.
    pub cover_changed: bool,
    /// Outline changes: chapters first, then lessons, in the new revision's order.
    pub structure: Vec<StructureChange>,
    /// Lessons whose content changed or that are new, in the new revision's order.
    pub lessons: Vec<LessonChange>,
    /// The totals.
    pub size: ChangeSize,
}

/// Compares a submitted revision with the live one; `live` is `None` for a course never
/// published, and then everything in `next` counts as added.
pub fn diff_revisions(live: Option<&CourseSnapshot>, next: &CourseSnapshot) -> RevisionDiff {
    let empty = CourseSnapshot {
        schema: next.schema,
        settings: next.settings.clone(),
        chapters: Vec::new(),
    };
    let (old, first) = match live {
        Some(live) => (live, false),
        None => (&empty, true),
    };
    let settings = if first {
        Vec::new()
    } else {
        settings_changes(&old.settings, &next.settings)
    };
    let price = (!first && old.settings.price != next.settings.price)
        .then_some((old.settings.price, next.settings.price));
    let mut structure = chapter_changes(old, next);
    structure.extend(lesson_moves(old, next));
    let mut lessons = Vec::new();
    let mut size = ChangeSize {
        settings_changed: settings.len(),
        ..ChangeSize::default()
    };
    for lesson in next.lessons() {
        match old.lessons().find(|l| l.id == lesson.id) {
            None => {
                size.lessons_added += 1;
                size.chars_added += lesson.body_text.chars().count();
                lessons.push(lesson_change(None, lesson));
            }
            Some(before) => {
                let change = lesson_change(Some(before), lesson);
                if change.text.is_some()
                    || change.media.is_some()
                    || !change.files_added.is_empty()
                    || !change.files_removed.is_empty()
                    || change.preview.is_some()
                {
                    size.lessons_changed += 1;
                    for span in change.text.iter().flatten() {
                        match span {
                            Span::Added(s) => size.chars_added += visible_chars(s),
                            Span::Removed(s) => size.chars_removed += visible_chars(s),
                            Span::Same(_) => {}
                        }
                    }
                    lessons.push(change);
                }
            }
        }
    }
    for lesson in old.lessons() {
        if !next.lessons().any(|l| l.id == lesson.id) {
            size.lessons_removed += 1;
            size.chars_removed += lesson.body_text.chars().count();
        }
    }
    RevisionDiff {
        settings,
        price,
        cover_changed: !first && old.settings.cover != next.settings.cover,
        structure,
        lessons,
        size,
    }
}

/// Lessons in `next` that `live` did not have: what learners who own the course hear about.
pub fn new_lessons(live: Option<&CourseSnapshot>, next: &CourseSnapshot) -> usize {
    next.lessons()
        .filter(|lesson| live.is_none_or(|live| !live.lessons().any(|l| l.id == lesson.id)))
        .count()
}

fn visible_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn settings_changes(old: &CourseSettings, new: &CourseSettings) -> Vec<SettingChange> {
    let fields: [(Field, String, String); 11] = [
        (Field::Title, old.title.clone(), new.title.clone()),
        (Field::Subtitle, old.subtitle.clone(), new.subtitle.clone()),
        (Field::Slug, old.slug.to_string(), new.slug.to_string()),
        (
            Field::Category,
            old.category.to_string(),
            new.category.to_string(),
        ),
        (Field::Tags, old.tags.join(", "), new.tags.join(", ")),
        (
            Field::Language,
            old.language.tag().to_owned(),
            new.language.tag().to_owned(),
        ),
        (
            Field::Level,
            old.level.as_str().to_owned(),
            new.level.as_str().to_owned(),
        ),
        (Field::Price, old.price.to_string(), new.price.to_string()),
        (
            Field::Description,
            old.description_html.clone(),
            new.description_html.clone(),
        ),
        (
            Field::Outcomes,
            old.outcomes.join("\n"),
            new.outcomes.join("\n"),
        ),
        (
            Field::RefundDays,
            old.refund_days.to_string(),
            new.refund_days.to_string(),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| SettingChange {
            field,
            before,
            after,
        })
        .collect()
}

fn chapter_changes(old: &CourseSnapshot, new: &CourseSnapshot) -> Vec<StructureChange> {
    let old_ids: Vec<ChapterId> = old.chapters.iter().map(|c| c.id).collect();
    let new_ids: Vec<ChapterId> = new.chapters.iter().map(|c| c.id).collect();
    let moved = out_of_order(&old_ids, &new_ids);
    let mut out = Vec::new();
    for (index, chapter) in new.chapters.iter().enumerate() {
        match old.chapters.iter().position(|c| c.id == chapter.id) {
            None => out.push(StructureChange::ChapterAdded {
                title: chapter.title.clone(),
            }),
            Some(was) => {
                let before = &old.chapters[was];
                if before.title != chapter.title {
                    out.push(StructureChange::ChapterRenamed {
                        from: before.title.clone(),
                        to: chapter.title.clone(),
                    });
                }
                if moved.contains(&chapter.id) {
                    out.push(StructureChange::ChapterMoved {
                        title: chapter.title.clone(),
                        from: was + 1,
                        to: index + 1,
                    });
                }
            }
        }
    }
    for chapter in &old.chapters {
        if !new_ids.contains(&chapter.id) {
            out.push(StructureChange::ChapterRemoved {
                title: chapter.title.clone(),
            });
        }
    }
    out
}

fn lesson_moves(old: &CourseSnapshot, new: &CourseSnapshot) -> Vec<StructureChange> {
    let placed = |course: &CourseSnapshot| -> Vec<(LessonId, ChapterId, String)> {
        course
            .chapters
            .iter()
            .flat_map(|c| c.lessons.iter().map(move |l| (l.id, c.id, c.title.clone())))
            .collect()
    };
    let old_placed = placed(old);
    let new_placed = placed(new);
    let new_ids: Vec<LessonId> = new_placed.iter().map(|p| p.0).collect();
    // Order counts within a chapter: a lesson that stays in its chapter is moved only if it left
    // the longest run of lessons kept in order there (moving a whole chapter moves no lesson).
    let mut reordered = Vec::new();
    for chapter in &new.chapters {
        let in_old = |id: &LessonId| {
            old_placed
                .iter()
                .any(|(l, c, _)| l == id && *c == chapter.id)
        };
        let new_kept: Vec<LessonId> = chapter
            .lessons
            .iter()
            .map(|l| l.id)
            .filter(in_old)
            .collect();
        let old_kept: Vec<LessonId> = old_placed
            .iter()
            .filter(|(l, c, _)| *c == chapter.id && new_kept.contains(l))
            .map(|p| p.0)
            .collect();
        reordered.extend(out_of_order(&old_kept, &new_kept));
    }
    let mut out = Vec::new();
    for ((id, chapter, chapter_title), lesson) in new_placed.iter().zip(new.lessons()) {
        let Some(before) = old.lessons().find(|l| l.id == *id) else {
            out.push(StructureChange::LessonAdded {
                title: lesson.title.clone(),
                chapter: chapter_title.clone(),
            });
            continue;
        };
        if before.title != lesson.title {
            out.push(StructureChange::LessonRenamed {
                from: before.title.clone(),
                to: lesson.title.clone(),
            });
        }
        let (_, old_chapter, old_title) = old_placed
            .iter()
            .find(|p| p.0 == *id)
            .cloned()
            .unwrap_or((*id, *chapter, chapter_title.clone()));
        if old_chapter != *chapter || reordered.contains(id) {
            out.push(StructureChange::LessonMoved {
                title: lesson.title.clone(),
                from_chapter: old_title,
                to_chapter: chapter_title.clone(),
            });
        }
    }
    for lesson in old.lessons() {
        if !new_ids.contains(&lesson.id) {
            out.push(StructureChange::LessonRemoved {
                title: lesson.title.clone(),
            });
        }
    }
    out
}

/// The ids kept in both lists that changed their order: everything kept but outside the longest
/// common subsequence, so inserting one item at the top moves nothing else.
fn out_of_order<T: Copy + Eq + std::hash::Hash + Ord>(old: &[T], new: &[T]) -> Vec<T> {
    let old_kept: Vec<T> = old.iter().copied().filter(|id| new.contains(id)).collect();
    let new_kept: Vec<T> = new.iter().copied().filter(|id| old.contains(id)).collect();
    let mut moved = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_kept, &new_kept) {
        let (tag, _, new_range) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            moved.extend_from_slice(&new_kept[new_range]);
        }
    }
    moved
}

fn lesson_change(before: Option<&LessonSnapshot>, after: &LessonSnapshot) -> LessonChange {
    let old_text = before.map_or("", |b| b.body_text.as_str());
    let text = (old_text != after.body_text).then(|| diff_text(old_text, &after.body_text));
    let old_media = before.and_then(|b| b.media);
    let old_files: Vec<MediaId> = before
        .map(|b| b.files.iter().map(|f| f.media).collect())
        .unwrap_or_default();
    let new_files: Vec<MediaId> = after.files.iter().map(|f| f.media).collect();
    LessonChange {
        id: after.id,
        title: after.title.clone(),
        text,
        media: (old_media != after.media).then_some((old_media, after.media)),
        files_added: new_files
            .iter()
            .copied()
            .filter(|m| !old_files.contains(m))
            .collect(),
        files_removed: old_files
            .iter()
            .copied()
            .filter(|m| !new_files.contains(m))
            .collect(),
        preview: before
            .filter(|b| b.preview != after.preview)
            .map(|_| after.preview),
    }
}

/// Splits text into the units a reader sees change: a Latin word (letters, digits, apostrophes
/// inside), a run of whitespace, one CJK character, or one other character.
pub fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq)]
    enum Class {
        Word,
        Space,
        Single,
    }
    let class = |c: char| {
        if is_cjk(c) {
            Class::Single
        } else if c.is_alphanumeric() || c == '_' {
            Class::Word
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Single
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<Class> = None;
    for (at, c) in text.char_indices() {
        let this = class(c);
        let joins = matches!(
            (&current, &this),
            (Some(Class::Word), Class::Word) | (Some(Class::Space), Class::Space)
        );
        if !joins && at > start {
            out.push(&text[start..at]);
            start = at;
        }
        current = Some(this);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A word-level diff of two texts (character-level for CJK), neighbouring pieces of one kind
/// joined.
pub fn diff_text(old: &str, new: &str) -> Vec<Span> {
    let old_tokens = tokens(old);
    let new_tokens = tokens(new);
    let mut spans: Vec<Span> = Vec::new();
    let mut push = |span: Span| match (spans.last_mut(), &span) {
        (Some(Span::Same(a)), Span::Same(b))
        | (Some(Span::Added(a)), Span::Added(b))
        | (Some(Span::Removed(a)), Span::Removed(b)) => a.push_str(b),
        _ => spans.push(span),
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_tokens, &new_tokens) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_part = old_tokens[old_range].concat();
        let new_part = new_tokens[new_range].concat();
        match tag {
            DiffTag::Equal => push(Span::Same(new_part)),
            DiffTag::Delete => push(Span::Removed(old_part)),
            DiffTag::Insert => push(Span::Added(new_part)),
            DiffTag::Replace => {
                push(Span::Removed(old_part));
                push(Span::Added(new_part));
            }
        }
    }
    spans
}

/// Shortens long unchanged stretches to `context` characters on each side of a change, so a
/// one-word fix in a long article shows as one line. The cut is marked with "…".
pub fn elide(spans: Vec<Span>, context: usize) -> Vec<Span> {
    let last = spans.len().saturating_sub(1);
    spans
        .into_iter()
        .enumerate()
        .map(|(index, span)| match span {
            Span::Same(text) if index > 0 || index < last => {
                let chars: Vec<char> = text.chars().collect();
                let head = if index > 0 { context } else { 0 };
                let tail = if index < last { context } else { 0 };
                if chars.len() <= head + tail + 1 {
                    return Span::Same(text);
                }
                let mut out: String = chars[..head].iter().collect();
                out.push('…');
                out.extend(&chars[chars.len() - tail..]);
                Span::Same(out)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authoring::{CourseSettings, Level};
    use crate::revision::{ChapterSnapshot, FileSnapshot, SNAPSHOT_SCHEMA};
    use crate::{CategoryId, Currency, Lang, LessonKind, Slug};

    fn settings() -> CourseSettings {
        CourseSettings {
            title: "Rust 入门".into(),
            subtitle: String::new(),
            slug: Slug::parse("rust-intro").unwrap(),
            category: CategoryId::new(1),
            tags: vec!["rust".into()],
            language: Lang::ZhCn,
            level: Level::Beginner,
            price: Money::price(1990, Currency::Cny).unwrap(),
            description_html: "<p>hi</p>".into(),
            outcomes: vec![],
            refund_days: 7,
            cover: None,
        }
    }

    fn lesson(id: i64, title: &str, text: &str) -> LessonSnapshot {
        LessonSnapshot {
            id: LessonId::new(id),
            title: title.into(),
            kind: LessonKind::Text,
            preview: false,
            duration_seconds: 60,
            body_html: format!("<p>{text}</p>"),
            body_text: text.into(),
            media: None,
            files: vec![],
        }
    }

    fn chapter(id: i64, title: &str, lessons: Vec<LessonSnapshot>) -> ChapterSnapshot {
        ChapterSnapshot {
            id: ChapterId::new(id),
            title: title.into(),
            lessons,
        }
    }

    fn course(chapters: Vec<ChapterSnapshot>) -> CourseSnapshot {
        CourseSnapshot {
            schema: SNAPSHOT_SCHEMA,
            settings: settings(),
            chapters,
        }
    }

    fn live() -> CourseSnapshot {
        course(vec![
            chapter(
                1,
                "Basics",
                vec![
                    lesson(10, "Hello", "Hello world"),
                    lesson(11, "Types", "i32"),
                ],
            ),
            chapter(2, "Ownership", vec![lesson(20, "Moves", "所有权很重要")]),
        ])
    }

    #[test]
    fn an_unchanged_revision_changes_nothing() {
        let diff = diff_revisions(Some(&live()), &live());
        assert!(diff.settings.is_empty());
        assert!(diff.structure.is_empty());
        assert!(diff.lessons.is_empty());
        assert_eq!(diff.size, ChangeSize::default());
        assert_eq!(diff.price, None);
    }

    #[test]
    fn a_first_revision_is_all_added() {
        let diff = diff_revisions(None, &live());
        assert!(diff.settings.is_empty());
        assert_eq!(diff.size.lessons_added, 3);
        assert_eq!(diff.lessons.len(), 3);
        assert_eq!(
            diff.lessons[0].text,
            Some(vec![Span::Added("Hello world".into())])
        );
        assert_eq!(new_lessons(None, &live()), 3);
    }

    #[test]
    fn the_price_change_is_called_out() {
        let mut next = live();
        next.settings.price = Money::price(2990, Currency::Cny).unwrap();
        next.settings.title = "Rust 进阶".into();
        let diff = diff_revisions(Some(&live()), &next);
        assert_eq!(
            diff.price,
            Some((live().settings.price, next.settings.price))
        );
        let fields: Vec<Field> = diff.settings.iter().map(|s| s.field).collect();
        assert_eq!(fields, [Field::Title, Field::Price]);
        assert_eq!(diff.size.settings_changed, 2);
    }

    #[test]
    fn renames_moves_additions_and_removals_are_told_apart_by_id() {
        let mut next = live();
        // Chapter 2 goes first and is renamed; "Types" moves into it; "Hello" is removed; a new
        // lesson is added at the end of chapter 1.
        let types = next.chapters[0].lessons.remove(1);
        next.chapters[0].lessons.remove(0);
        next.chapters[0].lessons.push(lesson(12, "Traits", "trait"));
        next.chapters[1].title = "所有权".into();
        next.chapters[1].lessons.push(types);
        next.chapters.swap(0, 1);
        let diff = diff_revisions(Some(&live()), &next);
        assert!(diff.structure.contains(&StructureChange::ChapterRenamed {
            from: "Ownership".into(),
            to: "所有权".into()
        }));
        assert!(diff.structure.iter().any(|c| matches!(
            c,
            StructureChange::ChapterMoved { from: 2, to: 1, .. }
                | StructureChange::ChapterMoved { from: 1, to: 2, .. }
        )));
        assert!(diff.structure.contains(&StructureChange::LessonMoved {
            title: "Types".into(),
            from_chapter: "Basics".into(),
            to_chapter: "所有权".into()
        }));
        assert!(diff.structure.contains(&StructureChange::LessonRemoved {
            title: "Hello".into()
        }));
        assert!(diff.structure.contains(&StructureChange::LessonAdded {
            title: "Traits".into(),
            chapter: "Basics".into()
        }));
        // "Moves" stayed first in its chapter: it is not reported as moved.
        assert!(
            !diff.structure.iter().any(
                |c| matches!(c, StructureChange::LessonMoved { title, .. } if title == "Moves")
            )
        );
        assert_eq!(diff.size.lessons_added, 1);
        assert_eq!(diff.size.lessons_removed, 1);
        assert_eq!(new_lessons(Some(&live()), &next), 1);
    }

    #[test]
    fn inserting_at_the_top_moves_nothing_else() {
        let mut next = live();
        next.chapters[0]
            .lessons
            .insert(0, lesson(13, "Setup", "cargo"));
        let diff = diff_revisions(Some(&live()), &next);
        assert_eq!(
            diff.structure,
            [StructureChange::LessonAdded {
                title: "Setup".into(),
                chapter: "Basics".into()
            }]
        );
    }

    #[test]
    fn swapping_two_lessons_is_a_move() {
        let mut next = live();
        next.chapters[0].lessons.swap(0, 1);
        let diff = diff_revisions(Some(&live()), &next);
        let moved = diff
            .structure
            .iter()
            .filter(|c| matches!(c, StructureChange::LessonMoved { .. }))
            .count();
        assert_eq!(moved, 1);
    }

    #[test]
    fn english_is_diffed_by_word() {
        assert_eq!(
            diff_text("the quick brown fox", "the slow brown fox"),
            [
                Span::Same("the ".into()),
                Span::Removed("quick".into()),
                Span::Added("slow".into()),
                Span::Same(" brown fox".into()),
            ]
        );
    }

    #[test]
    fn chinese_is_diffed_by_character() {
        assert_eq!(
            diff_text("所有权很重要", "借用很重要"),
            [
                Span::Removed("所有权".into()),
                Span::Added("借用".into()),
                Span::Same("很重要".into()),
            ]
        );
        assert_eq!(
            diff_text("学习 Rust 语言", "学习 Go 语言"),
            [
                Span::Same("学习 ".into()),
                Span::Removed("Rust".into()),
                Span::Added("Go".into()),
                Span::Same(" 语言".into()),
            ]
        );
    }

    #[test]
    fn tokens_rebuild_the_text() {
        for text in [
            "",
            "a",
            "Hello, world!",
            "中文和 English 混合。",
            "  x  y  ",
        ] {
            assert_eq!(tokens(text).concat(), text);
        }
        assert_eq!(tokens("don't 学习"), ["don", "'", "t", " ", "学", "习"]);
    }

    #[test]
    fn media_and_files_changes_are_listed() {
        let mut next = live();
        let l = &mut next.chapters[0].lessons[0];
        l.media = Some(MediaId::new(5));
        l.files.push(FileSnapshot {
            media: MediaId::new(6),
            downloadable: true,
        });
        l.preview = true;
        let diff = diff_revisions(Some(&live()), &next);
        assert_eq!(diff.lessons.len(), 1);
        let change = &diff.lessons[0];
        assert_eq!(change.media, Some((None, Some(MediaId::new(5)))));
        assert_eq!(change.files_added, [MediaId::new(6)]);
        assert_eq!(change.preview, Some(true));
        assert_eq!(change.text, None);
        assert_eq!(diff.size.lessons_changed, 1);
    }

    #[test]
    fn long_unchanged_text_is_elided_around_changes() {
        let long = "a".repeat(500);
        let spans = vec![
            Span::Same(long.clone()),
            Span::Added("X".into()),
            Span::Same(long.clone()),
            Span::Removed("Y".into()),
            Span::Same(long),
        ];
        let out = elide(spans, 10);
        let Span::Same(first) = &out[0] else { panic!() };
        assert_eq!(first.chars().count(), 11);
        assert!(first.starts_with('…'));
        let Span::Same(middle) = &out[2] else {
            panic!()
        };
        assert_eq!(middle.chars().count(), 21);
        let Span::Same(last) = &out[4] else { panic!() };
        assert!(last.ends_with('…'));
        assert_eq!(last.chars().count(), 11);
        assert_eq!(
            elide(vec![Span::Same("short".into())], 10),
            [Span::Same("short".into())]
        );
    }
}
