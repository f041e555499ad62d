//! Course import and export: a whole course as one zip archive (format in the `archive` crate and
//! `docs/course-archive.md`).
//!
//! Export writes the draft the author is editing: settings, chapters, lessons with their
//! sanitised bodies, and every media file the course uses (cover, videos, recordings, attached
//! files, pictures in bodies), each once.
//!
//! Import is all-or-nothing. Everything that can be checked without the media bytes is checked
//! first (schema, paths, settings through the same domain rules as the settings form, titles,
//! kinds, which file fits which lesson). Then each file is stored through the media store's
//! usual checks (type by content, size limit of its kind) while its size and SHA-256 are checked
//! against the manifest. The records, the draft course and the audit entry then commit as one
//! unit; if anything fails, the files already stored are deleted again. The result is a new
//! draft, never a published course.

use crate::accounts::{Client, audit};
use crate::media::{FileProblem, clean_file_name, refusal};
use crate::{ServiceError, Services};
use archive::{
    ArchiveChapter, ArchiveCourse, ArchiveError, ArchiveFile, ArchiveLesson, ArchiveMedia,
    ArchivePerson, ArchiveReader, ArchiveWriter, FORMAT, Limits, Manifest, SCHEMA,
};
use bytes::Bytes;
use domain::authoring::{self, FieldError, SettingsForm, unique_slug};
use domain::permissions::{Actor, can_edit_course, can_open_studio};
use domain::{CourseId, Email, LessonKind, MediaId, MediaKind, Money, Slug, UserId};
use std::collections::HashMap;
use std::fs::File;
use std::sync::{Arc, Mutex};
use store::{NewLesson, NewMedia, now_millis};
use tokio::sync::mpsc;
use tracing::instrument;

/// Why an archive was not imported: what its author (or the person importing) can fix.
#[derive(Debug, thiserror::Error)]
pub enum ImportProblem {
    /// The request held no archive file.
    #[error("no archive file was sent")]
    NoFile,
    /// The archive itself: not a zip, unknown schema, a missing or changed file, a bad path.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// No account here has the author's email; name another with `--author`.
    #[error("no account here has the email {0}: choose the author who gets the course")]
    NoAuthor(String),
    /// The chosen author may not write courses.
    #[error("{0} is not an author here")]
    NotAnAuthor(String),
    /// The course's category does not exist on this Lore.
    #[error("this Lore has no category {0:?}")]
    UnknownCategory(String),
    /// A setting broke the same rules the settings form enforces.
    #[error("course settings refused: {}", describe_fields(.0))]
    Settings(Vec<FieldError>),
    /// A chapter or lesson is not valid.
    #[error("{place}: {what}")]
    Structure {
        /// Where: "chapter 2", "chapter 2, lesson 3".
        place: String,
        /// What is wrong with it.
        what: &'static str,
    },
    /// A media file was refused by the media store's checks.
    #[error("{path}: {problem}")]
    Media {
        /// The file in the archive.
        path: String,
        /// Why it was refused.
        problem: FileProblem,
    },
}

impl ImportProblem {
    /// A stable name for the problem, which pages translate.
    pub fn code(&self) -> &'static str {
        match self {
            ImportProblem::NoFile => "no-file",
            ImportProblem::Archive(ArchiveError::NotAZip(_) | ArchiveError::NoManifest) => {
                "not-an-archive"
            }
            ImportProblem::Archive(ArchiveError::UnknownSchema { .. }) => "schema",
            ImportProblem::Archive(ArchiveError::TooLarge(_)) => "too-large",
            ImportProblem::Archive(_) => "damaged",
            ImportProblem::NoAuthor(_) | ImportProblem::NotAnAuthor(_) => "author",
            ImportProblem::UnknownCategory(_) => "category",
            ImportProblem::Settings(_) | ImportProblem::Structure { .. } => "content",
            ImportProblem::Media { .. } => "media",
        }
    }
}

fn describe_fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{:?} ({:?})", e.field, e.problem))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<ImportProblem> for ServiceError {
    fn from(problem: ImportProblem) -> Self {
        ServiceError::Import(Box::new(problem))
    }
}

/// What an import made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The new draft course.
    pub course: CourseId,
    /// Its slug (numbered if the archive's was taken here).
    pub slug: Slug,
    /// Its author.
    pub author: UserId,
    /// Lessons imported.
    pub lessons: usize,
    /// Media files imported.
    pub media: usize,
}

/// Who asks for an import, and for whom.
#[derive(Clone, Debug)]
pub enum Importer {
    /// A signed-in author or admin, importing for themself.
    Person(Actor),
    /// The operator at the command line (`lore course import`), importing for the account with
    /// this email, or for the archive's author when `None`.
    Operator(Option<Email>),
}

/// A checked lesson, waiting for its media ids.
struct PlannedLesson<'a> {
    lesson: NewLesson,
    source: &'a ArchiveLesson,
}

impl Services {
    /// Imports the archive in `source` (a file, or bytes in memory) as a new draft course; see the
    /// module documentation.
    #[instrument(skip_all, err(level = "debug"))]
    pub async fn import_course<R>(
        &self,
        importer: &Importer,
        source: R,
        client: &Client,
    ) -> Result<Imported, ServiceError>
    where
        R: std::io::Read + std::io::Seek + Send + 'static,
    {
        let opened =
            tokio::task::spawn_blocking(move || ArchiveReader::open(source, Limits::default()))
                .await
                .map_err(|_| ServiceError::Invalid("archive"))?;
        let (reader, manifest) = opened.map_err(ImportProblem::Archive)?;
        let author = self.import_author(importer, &manifest.author).await?;
        let settings = self.import_settings(&manifest.course).await?;
        let chapters = plan_structure(&manifest)?;

        let reader = Arc::new(Mutex::new(reader));
        let mut stored: Vec<(String, NewMediaOwned)> = Vec::new();
        let result = async {
            for media in &manifest.media {
                let file = self.store_archived(&reader, media).await?;
                stored.push((media.path.clone(), file));
            }
            let plan = ImportPlan {
                settings,
                chapters: &chapters,
                cover: manifest.course.cover.as_deref(),
                stored: &stored,
            };
            self.record_import(&author, importer, plan, client).await
        }
        .await;
        if result.is_err() {
            for (_, file) in &stored {
                self.discard(&file.storage_key).await;
            }
        }
        let (course, slug) = result?;
        Ok(Imported {
            course,
            slug,
            author: author.id,
            lessons: chapters.iter().map(|(_, l)| l.len()).sum(),
            media: stored.len(),
        })
    }

    /// The account that gets the imported course, which must be able to write courses.
    async fn import_author(
        &self,
        importer: &Importer,
        named: &ArchivePerson,
    ) -> Result<Actor, ServiceError> {
        let email = match importer {
            Importer::Person(actor) => {
                return if can_open_studio(Some(actor)) {
                    Ok(*actor)
                } else {
                    Err(ServiceError::Forbidden)
                };
            }
            Importer::Operator(Some(email)) => email.clone(),
            Importer::Operator(None) => Email::parse(&named.email)
                .map_err(|_| ImportProblem::NoAuthor(named.email.clone()))?,
        };
        let account = self
            .store()
            .credentials(&email)
            .await?
            .ok_or_else(|| ImportProblem::NoAuthor(email.to_string()))?;
        let actor = Actor {
            id: account.id,
            role: account.role,
        };
        if account.disabled || !can_open_studio(Some(&actor)) {
            return Err(ImportProblem::NotAnAuthor(email.to_string()).into());
        }
        Ok(actor)
    }

    /// The archive's settings through the settings form's rules; the slug numbered if taken.
    async fn import_settings(
        &self,
        course: &ArchiveCourse,
    ) -> Result<authoring::CourseSettings, ServiceError> {
        let categories = self.store().list_categories().await?;
        let category = categories
            .iter()
            .find(|c| c.slug.as_str() == course.category)
            .ok_or_else(|| ImportProblem::UnknownCategory(course.category.clone()))?;
        let price = match domain::Currency::from_code(&course.currency) {
            Ok(currency) => match Money::price(course.price_minor, currency) {
                Ok(money) => authoring::major_units(money),
                Err(_) => format!("-{}", course.price_minor.unsigned_abs()),
            },
            Err(_) => String::new(),
        };
        let form = SettingsForm {
            title: course.title.clone(),
            subtitle: course.subtitle.clone(),
            slug: course.slug.clone(),
            category: category.id.get().to_string(),
            tags: course.tags.join(","),
            language: course.language.clone(),
            level: course.level.clone(),
            price,
            currency: course.currency.clone(),
            description_html: course.description_html.clone(),
            outcomes: course.outcomes.join("\n"),
            refund_days: course.refund_days.to_string(),
        };
        let mut settings = form.validate().map_err(ImportProblem::Settings)?;
        settings.description_html = richtext::clean(&settings.description_html).html;
        let taken = self
            .store()
            .slugs_starting_with(settings.slug.as_str(), None)
            .await?;
        settings.slug = unique_slug(&settings.slug, |s| taken.iter().any(|t| t == s));
        Ok(settings)
    }

    /// Stores one archived file through the media store's checks, reading it from the zip on a
    /// blocking thread while its bytes stream into storage.
    async fn store_archived<R>(
        &self,
        reader: &Arc<Mutex<ArchiveReader<R>>>,
        media: &ArchiveMedia,
    ) -> Result<NewMediaOwned, ServiceError>
    where
        R: std::io::Read + std::io::Seek + Send + 'static,
    {
        let problem = |problem| ImportProblem::Media {
            path: media.path.clone(),
            problem,
        };
        let kind = MediaKind::parse(&media.kind)
            .filter(|k| *k != MediaKind::Avatar)
            .ok_or_else(|| problem(FileProblem::WrongType))?;
        let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let reading = {
            let reader = Arc::clone(reader);
            let (path, bytes, sha256) = (media.path.clone(), media.bytes, media.sha256.clone());
            tokio::task::spawn_blocking(move || {
                let mut reader = reader
                    .lock()
                    .map_err(|_| ArchiveError::Missing(path.clone()))?;
                reader
                    .read_media(&path, (bytes, &sha256), |chunk| {
                        sender.blocking_send(Ok(Bytes::copy_from_slice(chunk)))
                    })
                    .map(|_| ())
            })
        };
        let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        });
        let key = media::new_key(kind);
        let stored = self.media.put_stream(&key, kind, chunks).await;
        let read = reading
            .await
            .unwrap_or_else(|_| Err(ArchiveError::Missing(media.path.clone())));
        let stored = match (stored, read) {
            (Ok(stored), Ok(())) => stored,
            (Ok(_), Err(err)) => {
                self.discard(&key).await;
                return Err(ImportProblem::Archive(err).into());
            }
            // The store stopped first (wrong type, too large); the read then ended for lack of a
            // receiver, so the store's reason is the one to give.
            (Err(err), _) => {
                return Err(match refusal(err) {
                    ServiceError::File(p) => problem(p).into(),
                    other => other,
                });
            }
        };
        let duration_seconds = self
            .play_seconds(kind, &key, stored.size, stored.content_type)
            .await;
        Ok(NewMediaOwned {
            kind,
            storage_key: key,
            content_type: stored.content_type,
            byte_size: stored.size,
            file_name: clean_file_name(&media.name),
            duration_seconds,
        })
    }
}

/// A file stored from an archive, waiting for its record.
struct NewMediaOwned {
    kind: MediaKind,
    storage_key: String,
    content_type: &'static str,
    byte_size: u64,
    file_name: String,
    duration_seconds: Option<i64>,
}

/// Everything an import writes in its one unit of work.
struct ImportPlan<'a> {
    settings: authoring::CourseSettings,
    chapters: &'a Plan<'a>,
    cover: Option<&'a str>,
    stored: &'a [(String, NewMediaOwned)],
}

/// Chapter titles with their checked lessons.
type Plan<'a> = Vec<(String, Vec<PlannedLesson<'a>>)>;

/// Checks every chapter and lesson with the studio's rules before any byte is stored.
fn plan_structure(manifest: &Manifest) -> Result<Plan<'_>, ImportProblem> {
    let kind_of = |path: &str| {
        manifest
            .media_at(path)
            .and_then(|m| MediaKind::parse(&m.kind))
    };
    let mut plan = Vec::new();
    for (c, chapter) in (1..).zip(&manifest.chapters) {
        let place = |what| ImportProblem::Structure {
            place: format!("chapter {c}"),
            what,
        };
        let title = authoring::parse_title(&chapter.title).map_err(|_| place("title"))?;
        let mut lessons = Vec::new();
        for (l, lesson) in (1..).zip(&chapter.lessons) {
            let place = |what| ImportProblem::Structure {
                place: format!("chapter {c}, lesson {l}"),
                what,
            };
            let title = authoring::parse_title(&lesson.title).map_err(|_| place("title"))?;
            let kind = LessonKind::parse(&lesson.kind).ok_or_else(|| place("kind"))?;
            if lesson.body_html.len() > authoring::MAX_LESSON_BYTES {
                return Err(place("body too long"));
            }
            if let Some(path) = &lesson.media
                && authoring::lesson_media_kind(kind) != kind_of(path)
            {
                return Err(place("media does not fit the lesson's kind"));
            }
            if !authoring::files_within_limit(lesson.files.len() as u64) {
                return Err(place("too many files"));
            }
            if lesson
                .files
                .iter()
                .any(|f| !kind_of(&f.media).is_some_and(domain::media::attachable))
            {
                return Err(place("a file that cannot be attached"));
            }
            lessons.push(PlannedLesson {
                lesson: NewLesson {
                    title,
                    kind,
                    is_preview: lesson.preview,
                    duration_seconds: 0,
                },
                source: lesson,
            });
        }
        plan.push((title, lessons));
    }
    if let Some(cover) = &manifest.course.cover
        && kind_of(cover) != Some(MediaKind::Image)
    {
        return Err(ImportProblem::Structure {
            place: "course".to_owned(),
            what: "the cover is not a picture",
        });
    }
    Ok(plan)
}

impl Services {
    /// Writes the records, the draft and the audit entry of an import as one unit.
    async fn record_import(
        &self,
        author: &Actor,
        importer: &Importer,
        plan: ImportPlan<'_>,
        client: &Client,
    ) -> Result<(CourseId, Slug), ServiceError> {
        let ImportPlan {
            mut settings,
            chapters,
            cover,
            stored,
        } = plan;
        let now = now_millis();
        let mut tx = self.store().begin().await?;
        let mut ids: HashMap<String, (MediaId, MediaKind, Option<i64>)> = HashMap::new();
        for (path, file) in stored {
            let id = tx
                .insert_media(&NewMedia {
                    owner: author.id,
                    kind: file.kind,
                    storage_key: &file.storage_key,
                    content_type: file.content_type,
                    byte_size: file.byte_size,
                    file_name: &file.file_name,
                    duration_seconds: file.duration_seconds,
                })
                .await?;
            ids.insert(path.clone(), (id, file.kind, file.duration_seconds));
        }
        let id_of = |path: &str| ids.get(path).map(|(id, _, _)| *id);
        settings.cover = cover.and_then(id_of);
        let images: Arc<HashMap<String, MediaId>> = Arc::new(
            ids.iter()
                .filter(|(_, (_, kind, _))| *kind == MediaKind::Image)
                .map(|(path, (id, _, _))| (path.clone(), *id))
                .collect(),
        );
        let course = tx.create_draft_course(author.id, &settings, now).await?;
        let mut lessons = 0;
        for (title, planned) in chapters {
            let chapter = tx.add_chapter(course, title, now).await?;
            for PlannedLesson { lesson, source } in planned {
                let images = Arc::clone(&images);
                let html = richtext::with_image_sources(&source.body_html, move |src| {
                    images.get(src).map(|id| format!("/media/{id}"))
                });
                let body = richtext::clean(&html);
                let media = source.media.as_deref().and_then(id_of);
                let played = source
                    .media
                    .as_deref()
                    .and_then(|p| ids.get(p))
                    .and_then(|(_, _, seconds)| *seconds);
                let duration = authoring::lesson_seconds(played, &body.text);
                let new = NewLesson {
                    duration_seconds: duration,
                    ..lesson.clone()
                };
                let id = tx.add_lesson(course, chapter, &new, now).await?;
                tx.save_lesson_body(course, id, &body.html, &body.text, duration, 1, now)
                    .await?;
                if media.is_some() {
                    tx.set_lesson_media(course, id, media, duration, now)
                        .await?;
                }
                for ArchiveFile {
                    media,
                    downloadable,
                } in &source.files
                {
                    let Some(file) = id_of(media) else { continue };
                    tx.attach_lesson_file(course, id, file, now).await?;
                    if !downloadable {
                        tx.set_file_downloadable(course, id, file, false, now)
                            .await?;
                    }
                }
                lessons += 1;
            }
        }
        let actor = match importer {
            Importer::Person(actor) => Some(actor.id),
            Importer::Operator(_) => None,
        };
        let detail = format!(
            "{course} {} {lessons} lessons {} files",
            settings.slug,
            stored.len()
        );
        audit(
            &mut tx,
            "course_imported",
            actor,
            Some(author.id),
            client,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok((course, settings.slug))
    }
}

/// Who asks for an export.
#[derive(Clone, Debug)]
pub enum Exporter {
    /// A signed-in person: the course's author or an admin.
    Person(Actor),
    /// The operator at the command line (`lore course export`).
    Operator,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The course's slug, for the archive's file name.
    pub slug: Slug,
    /// Lessons written.
    pub lessons: usize,
    /// Media files written.
    pub media: usize,
}

/// What the export's writer thread is handed, in order.
enum Piece {
    Start(String),
    Chunk(Bytes),
    Finish(Box<Manifest>),
}

impl Services {
    /// The id of the course whose draft or live slug is `slug`, for `lore course export`.
    pub async fn course_by_slug(&self, slug: &str) -> Result<CourseId, ServiceError> {
        self.store()
            .course_by_slug(slug)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Writes `course`'s draft as an archive into `target`; see the module documentation.
    #[instrument(skip_all, fields(%course), err(level = "debug"))]
    pub async fn export_course(
        &self,
        exporter: &Exporter,
        course: CourseId,
        target: File,
    ) -> Result<Exported, ServiceError> {
        let draft = self
            .store()
            .course_draft(course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let Exporter::Person(actor) = exporter
            && !can_edit_course(Some(actor), draft.author)
        {
            return Err(ServiceError::NotFound);
        }
        let snapshot = {
            let mut tx = self.store().begin().await?;
            let snapshot = tx.draft_snapshot(course).await?;
            tx.commit().await?;
            snapshot.ok_or(ServiceError::NotFound)?
        };
        let author = self
            .store()
            .user(draft.author)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let category = self
            .store()
            .list_categories()
            .await?
            .into_iter()
            .find(|c| c.id == snapshot.settings.category)
            .map(|c| c.slug.to_string())
            .ok_or(ServiceError::NotFound)?;

        // Every file the course uses, each once, in the order the course uses them.
        let mut used: Vec<MediaId> = Vec::new();
        let mut use_file = |id: MediaId| {
            if !used.contains(&id) {
                used.push(id);
            }
        };
        snapshot.settings.cover.into_iter().for_each(&mut use_file);
        for lesson in snapshot.lessons() {
            lesson.media.into_iter().for_each(&mut use_file);
            lesson.files.iter().for_each(|f| use_file(f.media));
            richtext::media_sources(&lesson.body_html)
                .into_iter()
                .filter_map(|id| id.parse().ok().map(MediaId::new))
                .for_each(&mut use_file);
        }
        let records = self.store().media_records(&used).await?;
        // A picture in a body that is not the author's is not shown to readers, so not exported.
        let records: Vec<_> = used
            .iter()
            .filter_map(|id| records.iter().find(|r| r.id == *id))
            .filter(|r| r.kind != MediaKind::Avatar)
            .collect();
        let paths: HashMap<MediaId, String> = (1..)
            .zip(&records)
            .map(|(n, r)| (r.id, archive_path(n, &r.file_name, r.kind)))
            .collect();
        let path_of = |id: MediaId| paths.get(&id).cloned();
        let image_paths: Arc<HashMap<String, String>> = Arc::new(
            records
                .iter()
                .filter(|r| {
                    r.kind == MediaKind::Image
                        && domain::media::can_embed(r.kind, r.owner, draft.author)
                })
                .filter_map(|r| Some((format!("/media/{}", r.id), path_of(r.id)?)))
                .collect(),
        );

        let settings = &snapshot.settings;
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            schema: SCHEMA,
            author: ArchivePerson {
                name: author.display_name,
                email: author.email,
            },
            course: ArchiveCourse {
                slug: settings.slug.to_string(),
                title: settings.title.clone(),
                subtitle: settings.subtitle.clone(),
                category,
                tags: settings.tags.clone(),
                language: settings.language.tag().to_owned(),
                level: settings.level.as_str().to_owned(),
                price_minor: settings.price.minor(),
                currency: settings.price.currency().code().to_owned(),
                refund_days: settings.refund_days,
                description_html: settings.description_html.clone(),
                outcomes: settings.outcomes.clone(),
                cover: settings.cover.and_then(path_of),
            },
            chapters: snapshot
                .chapters
                .iter()
                .map(|chapter| ArchiveChapter {
                    title: chapter.title.clone(),
                    lessons: chapter
                        .lessons
                        .iter()
                        .map(|lesson| {
                            let images = Arc::clone(&image_paths);
                            ArchiveLesson {
                                title: lesson.title.clone(),
                                kind: lesson.kind.as_str().to_owned(),
                                preview: lesson.preview,
                                body_html: richtext::with_image_sources(
                                    &lesson.body_html,
                                    move |src| images.get(src).cloned(),
                                ),
                                media: lesson.media.and_then(path_of),
                                files: lesson
                                    .files
                                    .iter()
                                    .filter_map(|f| {
                                        Some(ArchiveFile {
                                            media: path_of(f.media)?,
                                            downloadable: f.downloadable,
                                        })
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                })
                .collect(),
            media: records
                .iter()
                .filter_map(|r| {
                    Some(ArchiveMedia {
                        path: path_of(r.id)?,
                        kind: r.kind.as_str().to_owned(),
                        name: r.file_name.clone(),
                        bytes: 0,
                        sha256: String::new(),
                    })
                })
                .collect(),
        };

        let (sender, mut receiver) = mpsc::channel::<Piece>(4);
        let writing = tokio::task::spawn_blocking(move || {
            let mut writer = ArchiveWriter::new(target);
            let mut current: Option<(String, archive::MediaHash)> = None;
            let mut sums: HashMap<String, (u64, String)> = HashMap::new();
            while let Some(piece) = receiver.blocking_recv() {
                match piece {
                    Piece::Start(path) => {
                        if let Some((done, hash)) = current.take() {
                            sums.insert(done, hash.finish());
                        }
                        let hash = writer.start_media(&path)?;
                        current = Some((path, hash));
                    }
                    Piece::Chunk(chunk) => {
                        if let Some((_, hash)) = current.as_mut() {
                            writer.write_media(hash, &chunk)?;
                        }
                    }
                    Piece::Finish(mut manifest) => {
                        if let Some((done, hash)) = current.take() {
                            sums.insert(done, hash.finish());
                        }
                        for media in &mut manifest.media {
                            if let Some((bytes, sha256)) = sums.remove(&media.path) {
                                media.bytes = bytes;
                                media.sha256 = sha256;
                            }
                        }
                        writer.finish(&manifest)?.sync_all()?;
                        return Ok(());
                    }
                }
            }
            Err(ArchiveError::Io(std::io::Error::other("export stopped")))
        });
        let sent = async {
            for record in &records {
                let Some(path) = path_of(record.id) else {
                    continue;
                };
                sender.send(Piece::Start(path)).await.ok();
                let mut body = self
                    .media
                    .get(&record.storage_key, None)
                    .await
                    .map_err(ServiceError::MediaUnavailable)?;
                while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
                    let chunk = chunk.map_err(ServiceError::MediaUnavailable)?;
                    if sender.send(Piece::Chunk(chunk)).await.is_err() {
                        break;
                    }
                }
            }
            sender.send(Piece::Finish(Box::new(manifest))).await.ok();
            Ok::<_, ServiceError>(())
        }
        .await;
        drop(sender);
        let written = writing
            .await
            .map_err(|_| ServiceError::Invalid("archive"))?;
        sent?;
        written.map_err(ImportProblem::Archive)?;
        Ok(Exported {
            slug: snapshot.settings.slug.clone(),
            lessons: snapshot.lesson_count(),
            media: records.len(),
        })
    }
}

/// `media/003-slides.pdf`: the file's number, then its name in plain ASCII (other characters
/// become `-`), so every unzip tool on every system can write it. A name with nothing plain in it
/// (`课件.pdf`) is called after its kind (`media/004-document.pdf`).
fn archive_path(number: usize, file_name: &str, kind: MediaKind) -> String {
    let (stem, extension) = match file_name.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.len() <= 8 => (stem, ext),
        _ => (file_name, ""),
    };
    let plain = |text: &str| {
        let mapped: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(80)
            .collect();
        mapped
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let stem = match plain(stem) {
        empty if empty.is_empty() => kind.as_str().to_owned(),
        stem => stem,
    };
    match plain(extension) {
        ext if ext.is_empty() => format!("media/{number:03}-{stem}"),
        ext => format!("media/{number:03}-{stem}.{ext}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{MediaKind, archive_path};

    #[test]
    fn archive_paths_are_plain_and_numbered() {
        let doc = MediaKind::Document;
        assert_eq!(
            archive_path(1, "clip.mp4", MediaKind::Video),
            "media/001-clip.mp4"
        );
        assert_eq!(archive_path(12, "课件 v2.pdf", doc), "media/012-v2.pdf");
        assert_eq!(archive_path(4, "练习单.pdf", doc), "media/004-document.pdf");
        assert_eq!(archive_path(3, "../../.env", doc), "media/003-document.env");
        assert_eq!(archive_path(5, "", MediaKind::Image), "media/005-image");
        for name in [
            "clip.mp4",
            "课件 v2.pdf",
            "../../.env",
            "",
            "a/b\\c",
            "x.tar.gz",
            "a..",
        ] {
            assert!(
                archive::is_media_path(&archive_path(7, name, doc)),
                "{name}"
            );
        }
    }
}
