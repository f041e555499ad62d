//! Course archives on both backends: an export imports back as the same course (structure,
//! sanitised HTML, media bytes), and every broken archive is refused with its reason and leaves
//! nothing behind, neither rows nor files.

use crate::studio::{category, client, demo_dir, person};
use archive::{ArchiveReader, ArchiveWriter, Limits, Manifest};
use domain::Role;
use services::course_archive::{Exporter, ImportProblem, Importer};
use services::{ServiceError, Services};
use std::io::Cursor;
use std::path::Path;
use testdb::TestDb;

/// Services over `db` with files in `media_dir`, so a test can see what is stored.
fn services_in(db: &TestDb, media_dir: &Path) -> Services {
    Services::new(
        db.store.clone(),
        media::MediaStore::local(media_dir).unwrap(),
        "http://lore.test",
    )
}

/// A demo course's manifest, as the demo seed reads it.
fn demo_manifest() -> Manifest {
    let json = std::fs::read(demo_dir().join("courses/01-rust-from-zero.json")).unwrap();
    serde_json::from_slice(&json).unwrap()
}

/// `manifest` packed with the files it lists, read from the demo folder unless `replace`d.
fn pack(manifest: &Manifest, replace: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
    for media in &manifest.media {
        let bytes = match replace.iter().find(|(path, _)| *path == media.path) {
            Some((_, bytes)) => bytes.to_vec(),
            None => std::fs::read(demo_dir().join(&media.path)).unwrap(),
        };
        let mut hash = writer.start_media(&media.path).unwrap();
        writer.write_media(&mut hash, &bytes).unwrap();
    }
    writer.finish(manifest).unwrap().into_inner()
}

/// `manifest` with each listed file's size and hash taken from what `pack` will put in.
fn relisted(mut manifest: Manifest, replace: &[(&str, &[u8])]) -> Manifest {
    for media in &mut manifest.media {
        if let Some((_, bytes)) = replace.iter().find(|(path, _)| *path == media.path) {
            use sha2::Digest;
            media.bytes = bytes.len() as u64;
            media.sha256 = hex::encode(sha2::Sha256::digest(bytes));
        }
    }
    manifest
}

/// The archive's manifest and each media file's bytes, by path.
fn unpack(zip: &[u8]) -> (Manifest, Vec<(String, Vec<u8>)>) {
    let (mut reader, manifest) = ArchiveReader::open(Cursor::new(zip), Limits::default()).unwrap();
    let mut files = Vec::new();
    for media in &manifest.media {
        let mut bytes = Vec::new();
        reader
            .read_media(&media.path, (media.bytes, &media.sha256), |chunk| {
                bytes.extend_from_slice(chunk);
                Ok::<_, ()>(())
            })
            .unwrap()
            .unwrap();
        files.push((media.path.clone(), bytes));
    }
    (manifest, files)
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| {
                if e.path().is_dir() {
                    files_under(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

async fn export(services: &Services, course: domain::CourseId) -> Vec<u8> {
    let file = tempfile::tempfile().unwrap();
    services
        .export_course(&Exporter::Operator, course, file.try_clone().unwrap())
        .await
        .unwrap();
    let mut file = file;
    use std::io::{Read, Seek};
    file.rewind().unwrap();
    let mut zip = Vec::new();
    file.read_to_end(&mut zip).unwrap();
    zip
}

#[tokio::test]
async fn an_exported_course_imports_back_the_same() {
    for db in TestDb::every_backend().await {
        let media_dir = tempfile::tempdir().unwrap();
        let services = services_in(&db, media_dir.path());
        let author = person(&db, &services, "author@example.com", Role::Author).await;
        category(&db).await;
        let mut original = demo_manifest();
        // A view-only attachment, so the switch is carried too.
        let last = original
            .chapters
            .last_mut()
            .unwrap()
            .lessons
            .last_mut()
            .unwrap();
        last.files[0].downloadable = false;
        let zip = pack(&original, &[]);

        let first = services
            .import_course(&Importer::Person(author.actor), Cursor::new(zip), &client())
            .await
            .unwrap();
        assert_eq!(first.slug.as_str(), "rust-from-zero");
        assert_eq!(first.lessons, 9);
        let draft = services.course_draft(&author, first.course).await.unwrap();
        assert!(draft.settings.cover.is_some(), "the cover is set");
        let exported = export(&services, first.course).await;
        let (manifest, files) = unpack(&exported);

        // The export holds what was imported: the same settings, structure and (sanitised, so
        // unchanged) bodies, with pictures pointing into the archive again.
        assert_eq!(manifest.course.title, original.course.title);
        assert_eq!(manifest.course.price_minor, 9900);
        assert_eq!(manifest.author.email, "author@example.com");
        assert_eq!(manifest.chapters.len(), original.chapters.len());
        for (mine, theirs) in manifest.chapters.iter().zip(&original.chapters) {
            assert_eq!(mine.title, theirs.title);
            for (a, b) in mine.lessons.iter().zip(&theirs.lessons) {
                assert_eq!(
                    (&a.title, &a.kind, a.preview),
                    (&b.title, &b.kind, b.preview)
                );
                assert_eq!(
                    a.body_html.contains("<img src=\"media/"),
                    b.body_html.contains("<img")
                );
                assert_eq!(a.media.is_some(), b.media.is_some());
                assert_eq!(
                    a.files.iter().map(|f| f.downloadable).collect::<Vec<_>>(),
                    b.files.iter().map(|f| f.downloadable).collect::<Vec<_>>()
                );
            }
        }
        // Each file once, byte for byte the demo's.
        assert_eq!(files.len(), original.media.len());
        for media in &original.media {
            let demo = std::fs::read(demo_dir().join(&media.path)).unwrap();
            assert!(
                files.iter().any(|(_, bytes)| *bytes == demo),
                "{}",
                media.path
            );
        }

        // Import the export, export that: the same archive but for the numbered slug.
        let second = services
            .import_course(
                &Importer::Person(author.actor),
                Cursor::new(exported.clone()),
                &client(),
            )
            .await
            .unwrap();
        assert_eq!(second.slug.as_str(), "rust-from-zero-2");
        let again = export(&services, second.course).await;
        let (mut manifest_again, files_again) = unpack(&again);
        assert_eq!(manifest_again.course.slug, "rust-from-zero-2");
        manifest_again.course.slug = manifest.course.slug.clone();
        assert_eq!(manifest_again, manifest, "{:?}", db.backend());
        assert_eq!(files_again, files);
        db.cleanup().await;
    }
}

/// Whether a refusal is the one a case expects.
type Expected = fn(&ImportProblem) -> bool;

#[tokio::test]
async fn broken_archives_are_refused_and_leave_nothing() {
    for db in TestDb::every_backend().await {
        let media_dir = tempfile::tempdir().unwrap();
        let services = services_in(&db, media_dir.path());
        let author = person(&db, &services, "author@example.com", Role::Author).await;
        let learner = person(&db, &services, "learner@example.com", Role::Learner).await;
        category(&db).await;
        let me = Importer::Person(author.actor);
        let good = demo_manifest();

        let mut unknown_category = good.clone();
        unknown_category.course.category = "cooking".into();
        let mut negative = good.clone();
        negative.course.price_minor = -1;
        let mut misfit = good.clone();
        misfit.chapters[0].lessons[0].media = Some("media/tone.mp3".into());
        let page: &[u8] = b"<!doctype html><html><script>alert(1)</script></html>";
        let renamed = relisted(good.clone(), &[("media/cover-0.png", page)]);
        let mut newer = good.clone();
        newer.schema = 2;

        let cases: Vec<(&str, Vec<u8>, Expected)> = vec![
            ("not a zip", b"PK? no".to_vec(), |p| {
                p.code() == "not-an-archive"
            }),
            ("newer schema", pack(&newer, &[]), |p| p.code() == "schema"),
            (
                "unknown category",
                pack(&unknown_category, &[]),
                |p| matches!(p, ImportProblem::UnknownCategory(c) if c == "cooking"),
            ),
            ("negative price", pack(&negative, &[]), |p| {
                matches!(p, ImportProblem::Settings(_))
            }),
            ("audio in a video lesson", pack(&misfit, &[]), |p| {
                matches!(p, ImportProblem::Structure { .. })
            }),
            // Listed honestly, but a web page where a picture should be.
            (
                "html renamed png",
                pack(&renamed, &[("media/cover-0.png", page)]),
                |p| matches!(p, ImportProblem::Media { path, .. } if path == "media/cover-0.png"),
            ),
            // Listed as the demo's picture, but other bytes in the zip: found after storing.
            (
                "changed file",
                pack(&good, &[("media/worksheet.pdf", b"%PDF-1.4 changed")]),
                |p| p.code() == "damaged",
            ),
        ];
        for (what, zip, expected) in cases {
            let refused = services
                .import_course(&me, Cursor::new(zip), &client())
                .await;
            match refused {
                Err(ServiceError::Import(problem)) => {
                    assert!(expected(&problem), "{what}: {problem:?}");
                }
                other => panic!("{what}: {other:?}"),
            }
            assert!(
                services.studio_courses(&author).await.unwrap().is_empty(),
                "{what}: no course"
            );
            assert_eq!(files_under(media_dir.path()), 0, "{what}: no file kept");
        }

        let refused = services
            .import_course(
                &Importer::Person(learner.actor),
                Cursor::new(pack(&good, &[])),
                &client(),
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{refused:?}"
        );
        let nobody = services
            .import_course(
                &Importer::Operator(None),
                Cursor::new(pack(&good, &[])),
                &client(),
            )
            .await;
        assert!(
            matches!(&nobody, Err(ServiceError::Import(p)) if p.code() == "author"),
            "the archive's author has no account here: {nobody:?}"
        );
        assert_eq!(files_under(media_dir.path()), 0);
        db.cleanup().await;
    }
}
