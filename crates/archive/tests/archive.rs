//! Archives written here read back the same, and every kind of broken or hostile archive is
//! refused with the error that names its fault.

use archive::{
    ArchiveChapter, ArchiveCourse, ArchiveError, ArchiveLesson, ArchiveMedia, ArchivePerson,
    ArchiveReader, ArchiveWriter, FORMAT, Limits, Manifest, SCHEMA,
};
use std::io::{Cursor, Write};

fn manifest(media: Vec<ArchiveMedia>) -> Manifest {
    Manifest {
        format: FORMAT.to_owned(),
        schema: SCHEMA,
        author: ArchivePerson {
            name: "林晓".to_owned(),
            email: "lin@example.com".to_owned(),
        },
        course: ArchiveCourse {
            slug: "rust".to_owned(),
            title: "Rust 入门".to_owned(),
            subtitle: String::new(),
            category: "programming".to_owned(),
            tags: vec!["rust".to_owned()],
            language: "zh-CN".to_owned(),
            level: "beginner".to_owned(),
            price_minor: 9900,
            currency: "CNY".to_owned(),
            refund_days: 7,
            description_html: "<p>d</p>".to_owned(),
            outcomes: vec![],
            cover: media.first().map(|m| m.path.clone()),
        },
        chapters: vec![ArchiveChapter {
            title: "一".to_owned(),
            lessons: vec![ArchiveLesson {
                title: "l".to_owned(),
                kind: "text".to_owned(),
                preview: true,
                body_html: "<p>hi</p>".to_owned(),
                media: None,
                files: vec![],
            }],
        }],
        media,
    }
}

/// An archive holding `files` (path, bytes), with a manifest listing them.
fn archive_with(files: &[(&str, &[u8])]) -> (Vec<u8>, Manifest) {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
    let mut listed = Vec::new();
    for (path, bytes) in files {
        let mut hash = writer.start_media(path).unwrap();
        for chunk in bytes.chunks(3) {
            writer.write_media(&mut hash, chunk).unwrap();
        }
        let (size, sha256) = hash.finish();
        listed.push(ArchiveMedia {
            path: (*path).to_owned(),
            kind: "image".to_owned(),
            name: "x.png".to_owned(),
            bytes: size,
            sha256,
        });
    }
    let manifest = manifest(listed);
    let zip = writer.finish(&manifest).unwrap().into_inner();
    (zip, manifest)
}

/// A zip written by hand, for archives the writer would never make.
fn raw_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn read_all(zip: &[u8], limits: Limits) -> Result<(Manifest, Vec<Vec<u8>>), ArchiveError> {
    let (mut reader, manifest) = ArchiveReader::open(Cursor::new(zip), limits)?;
    let mut files = Vec::new();
    for media in &manifest.media {
        let mut bytes = Vec::new();
        reader
            .read_media(&media.path, (media.bytes, &media.sha256), |chunk| {
                bytes.extend_from_slice(chunk);
                Ok::<_, ()>(())
            })?
            .unwrap();
        files.push(bytes);
    }
    Ok((manifest, files))
}

#[test]
fn what_is_written_reads_back_the_same_and_twice_the_same_bytes() {
    let picture: &[u8] = b"\x89PNG not really";
    let (zip, written) = archive_with(&[("media/1-cover.png", picture), ("media/2-a.bin", b"")]);
    let (read, files) = read_all(&zip, Limits::default()).unwrap();
    assert_eq!(read, written);
    assert_eq!(files, [picture.to_vec(), Vec::new()]);
    assert_eq!(
        archive_with(&[("media/1-cover.png", picture), ("media/2-a.bin", b"")]).0,
        zip,
        "exports of the same course are byte for byte the same"
    );
}

#[test]
fn a_newer_schema_a_foreign_json_and_a_non_zip_are_named() {
    let (_, mut newer) = archive_with(&[]);
    newer.schema = SCHEMA + 1;
    let zip = raw_zip(&[("course.json", &serde_json::to_vec(&newer).unwrap())]);
    assert!(matches!(
        read_all(&zip, Limits::default()),
        Err(ArchiveError::UnknownSchema { found }) if found == SCHEMA + 1
    ));

    let zip = raw_zip(&[("course.json", br#"{"name": "package"}"#)]);
    assert!(matches!(
        read_all(&zip, Limits::default()),
        Err(ArchiveError::Manifest(_))
    ));

    let (_, current) = archive_with(&[]);
    let mut json: serde_json::Value = serde_json::to_value(&current).unwrap();
    json["course"]["titel"] = "typo".into();
    let zip = raw_zip(&[("course.json", &serde_json::to_vec(&json).unwrap())]);
    assert!(
        matches!(read_all(&zip, Limits::default()), Err(ArchiveError::Manifest(m)) if m.contains("titel"))
    );

    assert!(matches!(
        read_all(b"<html>not a zip</html>", Limits::default()),
        Err(ArchiveError::NotAZip(_))
    ));
    assert!(matches!(
        read_all(&raw_zip(&[("other.json", b"{}")]), Limits::default()),
        Err(ArchiveError::NoManifest)
    ));
}

#[test]
fn missing_changed_unlisted_and_escaping_files_are_refused() {
    let (zip, mut manifest) = archive_with(&[("media/a.png", b"abc")]);
    let _ = zip;
    // Listed but absent.
    let zip = raw_zip(&[("course.json", &serde_json::to_vec(&manifest).unwrap())]);
    assert!(
        matches!(read_all(&zip, Limits::default()), Err(ArchiveError::Missing(p)) if p == "media/a.png")
    );
    // Present with other bytes of the same size.
    let zip = raw_zip(&[
        ("course.json", &serde_json::to_vec(&manifest).unwrap()),
        ("media/a.png", b"abd"),
    ]);
    assert!(matches!(
        read_all(&zip, Limits::default()),
        Err(ArchiveError::Mismatch(_))
    ));
    // Present, longer than listed.
    let zip = raw_zip(&[
        ("course.json", &serde_json::to_vec(&manifest).unwrap()),
        ("media/a.png", b"abcdef"),
    ]);
    assert!(matches!(
        read_all(&zip, Limits::default()),
        Err(ArchiveError::Mismatch(_))
    ));
    // Used but not listed.
    manifest.chapters[0].lessons[0].media = Some("media/b.mp4".to_owned());
    let zip = raw_zip(&[
        ("course.json", &serde_json::to_vec(&manifest).unwrap()),
        ("media/a.png", b"abc"),
    ]);
    assert!(
        matches!(read_all(&zip, Limits::default()), Err(ArchiveError::Manifest(m)) if m.contains("media/b.mp4"))
    );
    // A path that climbs out of the archive.
    manifest.chapters[0].lessons[0].media = None;
    manifest.media[0].path = "media/../../etc/passwd".to_owned();
    manifest.course.cover = None;
    let zip = raw_zip(&[("course.json", &serde_json::to_vec(&manifest).unwrap())]);
    assert!(matches!(
        read_all(&zip, Limits::default()),
        Err(ArchiveError::BadPath(_))
    ));
}

#[test]
fn limits_hold_whatever_the_headers_claim() {
    let big = vec![0u8; 1 << 20];
    let (zip, _) = archive_with(&[("media/a.bin", &big)]);
    let tight = Limits {
        max_media_bytes: 1 << 19,
        ..Limits::default()
    };
    assert!(matches!(
        read_all(&zip, tight),
        Err(ArchiveError::TooLarge(_))
    ));
    let few = Limits {
        max_entries: 1,
        ..Limits::default()
    };
    assert!(matches!(
        read_all(&zip, few),
        Err(ArchiveError::TooLarge(_))
    ));
    let small_manifest = Limits {
        max_manifest_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        read_all(&zip, small_manifest),
        Err(ArchiveError::TooLarge("course.json"))
    ));
    // A 1 MiB run of zeros deflates to about a kilobyte: the manifest limit is on what it inflates to.
    let mut padded = serde_json::to_value(manifest(vec![])).unwrap();
    padded["course"]["description_html"] = " ".repeat(1 << 20).into();
    let zip = raw_zip(&[("course.json", &serde_json::to_vec(&padded).unwrap())]);
    assert!(zip.len() < 64 * 1024);
    let limits = Limits {
        max_manifest_bytes: 1 << 19,
        ..Limits::default()
    };
    assert!(matches!(
        read_all(&zip, limits),
        Err(ArchiveError::TooLarge("course.json"))
    ));
}
