//! Course archives over real HTTP: the studio's export and import routes for each role, an
//! archive carried from one Lore to another, refusals the studio page explains, and SECURITY-TESTS
//! 20–22 through the import path (payloads in an archive never reach a reader).

use crate::studio::publish;
use crate::support::{TestApp, demo_dir};
use archive::{ArchiveChapter, ArchiveLesson, ArchiveReader, ArchiveWriter, Limits, Manifest};
use domain::{CourseId, Role};
use std::io::Cursor;

/// `POST /studio/import` with `zip` as the form's file, same-origin, asking for `accept`.
async fn import(
    app: &TestApp,
    cookie: Option<&str>,
    zip: Vec<u8>,
    accept: &str,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(zip).file_name("course.lore.zip");
    let mut request = app
        .client
        .post(format!("{}/studio/import", app.base))
        .header("origin", &app.base)
        .header("accept", accept)
        .multipart(reqwest::multipart::Form::new().part("archive", part));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("lore_session={cookie}"));
    }
    request.send().await.expect("POST /studio/import")
}

async fn export(app: &TestApp, cookie: Option<&str>, course: CourseId) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/studio/courses/{course}/export", app.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("lore_session={cookie}"));
    }
    request.send().await.expect("GET export")
}

/// A demo course's archive, packed as the seed packs it.
fn demo_archive(name: &str) -> (Manifest, Vec<u8>) {
    let json = std::fs::read(demo_dir().join("courses").join(name)).unwrap();
    let manifest: Manifest = serde_json::from_slice(&json).unwrap();
    (manifest.clone(), pack(&manifest))
}

fn pack(manifest: &Manifest) -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
    for media in &manifest.media {
        let bytes = std::fs::read(demo_dir().join(&media.path)).unwrap();
        let mut hash = writer.start_media(&media.path).unwrap();
        writer.write_media(&mut hash, &bytes).unwrap();
    }
    writer.finish(manifest).unwrap().into_inner()
}

fn manifest_of(zip: &[u8]) -> Manifest {
    ArchiveReader::open(Cursor::new(zip), Limits::default())
        .expect("a readable archive")
        .1
}

/// Export and import for each role (SECURITY-TESTS 7–9): the author and admins export, other
/// authors and learners see nothing, strangers are sent to sign in; authors and admins import,
/// learners may not. Then the archive travels to a second Lore and comes back the same.
#[tokio::test]
async fn archives_move_a_course_between_lores_for_those_allowed() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app.register_as("exporter@example.com", Role::Author).await;
        let other = app
            .register_as("other-author@example.com", Role::Author)
            .await;
        let learner = app.register_as("learner@example.com", Role::Learner).await;
        let admin = app.make_admin("archive-admin@example.com").await;
        let (_, zip) = demo_archive("03-web-performance.json");

        let made = import(&app, Some(&author), zip.clone(), "application/json").await;
        assert_eq!(made.status(), 201, "{:?}", app.backend());
        let made: serde_json::Value = made.json().await.unwrap();
        assert_eq!(
            made["slug"], "web-performance-2",
            "the demo has the slug already"
        );
        let course = CourseId::new(made["course"].as_i64().unwrap());

        for (who, cookie, status) in [
            ("author", Some(&author), 200),
            ("admin", Some(&admin), 200),
            ("other author", Some(&other), 404),
            ("learner", Some(&learner), 404),
            ("stranger", None, 303),
        ] {
            let answer = export(&app, cookie.map(String::as_str), course).await;
            assert_eq!(answer.status(), status, "{who} exports");
        }
        let learner_import = import(&app, Some(&learner), zip.clone(), "application/json").await;
        assert_eq!(learner_import.status(), 403);
        let stranger_import = import(&app, None, zip.clone(), "text/html").await;
        assert_eq!(stranger_import.status(), 303);
        assert!(
            stranger_import.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );

        let exported = export(&app, Some(&author), course).await;
        assert_eq!(exported.headers()["content-type"], "application/zip");
        assert!(
            exported.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("web-performance-2.lore.zip")
        );
        let exported = exported.bytes().await.unwrap().to_vec();

        // Another Lore (with the same categories) takes the archive as a new draft of its own
        // author's, and gives back the same archive.
        let there = TestApp::spawn().demo().sqlite().await;
        let newcomer = there
            .register_as("newcomer@example.com", Role::Author)
            .await;
        let arrived = import(&there, Some(&newcomer), exported.clone(), "text/html").await;
        assert_eq!(arrived.status(), 303);
        let location = arrived.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/studio/courses/"), "{location}");
        assert!(location.ends_with("?imported=1"), "{location}");
        let id: i64 = location["/studio/courses/".len()..location.len() - "?imported=1".len()]
            .parse()
            .unwrap();
        let editor = there.get_as(&location, &newcomer, "en").await;
        let editor = editor.text().await.unwrap();
        assert!(editor.contains("data-testid=\"imported\""), "{editor}");
        let back = export(&there, Some(&newcomer), CourseId::new(id)).await;
        let back = back.bytes().await.unwrap().to_vec();
        let (mut theirs, mine) = (manifest_of(&back), manifest_of(&exported));
        assert_eq!(theirs.author.email, "newcomer@example.com");
        theirs.author = mine.author.clone();
        theirs.course.slug = mine.course.slug.clone();
        assert_eq!(theirs, mine, "{:?}", app.backend());
        there.stop().await;
        app.stop().await;
    }
}

/// A refused import loses nothing and says why, in the reader's language, on the studio page.
#[tokio::test]
async fn a_refused_import_is_explained_on_the_studio_page() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("importer@example.com", Role::Author).await;
    let (mut manifest, _) = demo_archive("01-rust-from-zero.json");
    manifest.schema = 9;
    let newer = pack(&manifest);

    let json = import(
        &app,
        Some(&author),
        b"not a zip".to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(json.status(), 400);
    let json: serde_json::Value = json.json().await.unwrap();
    assert_eq!(json["error"], "not-an-archive");

    let answer = import(&app, Some(&author), newer, "text/html").await;
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/studio?import=schema&detail="),
        "{location}"
    );
    for (language, words) in [("en", "made by a newer Lore"), ("zh-CN", "更新版本的 Lore")] {
        let page = app.get_as(&location, &author, language).await;
        let page = page.text().await.unwrap();
        assert!(
            page.contains("data-testid=\"import-error\""),
            "{language}: {page}"
        );
        assert!(page.contains(words), "{language}: {page}");
    }
    let studio = app
        .services
        .store()
        .studio_courses(app.user_id(&author).await)
        .await
        .unwrap();
    assert!(studio.is_empty(), "nothing was kept");
    app.stop().await;
}

/// SECURITY-TESTS 20–22 through the import path: every payload of the fixture file, as a lesson
/// body, a lesson title and the course description of an imported archive, is published and read
/// back as the rendered lesson page; nothing of any survives.
#[tokio::test]
async fn no_imported_payload_reaches_a_reader() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app
        .register_as("archive-payloads@example.com", Role::Author)
        .await;
    let admin = app.make_admin("archive-payload-admin@example.com").await;
    let payloads = crate::xss::payloads();
    assert!(payloads.len() >= 50);
    let (mut manifest, _) = demo_archive("01-rust-from-zero.json");
    manifest.course.slug = "archive-payloads".into();
    manifest.course.description_html = payloads.concat();
    manifest.chapters = vec![ArchiveChapter {
        title: "Payloads".into(),
        lessons: payloads
            .iter()
            .map(|payload| ArchiveLesson {
                title: format!("P {}", payload.chars().take(60).collect::<String>()),
                kind: "text".into(),
                preview: true,
                body_html: (*payload).to_owned(),
                media: None,
                files: vec![],
            })
            .collect(),
    }];
    let made = import(&app, Some(&author), pack(&manifest), "application/json").await;
    assert_eq!(made.status(), 201);
    let made: serde_json::Value = made.json().await.unwrap();
    let course = made["course"].as_i64().unwrap();
    publish(&app, &author, &admin, course).await;

    let outline = app
        .services
        .store()
        .draft_outline(CourseId::new(course))
        .await
        .unwrap();
    let lessons = &outline[0].lessons;
    assert_eq!(lessons.len(), payloads.len());
    let course_page = app
        .get("/courses/archive-payloads")
        .await
        .text()
        .await
        .unwrap();
    for (lesson, payload) in lessons.iter().zip(&payloads) {
        let page = app
            .get(&format!("/courses/archive-payloads/lessons/{}", lesson.id))
            .await
            .text()
            .await
            .unwrap();
        let body = crate::support::div_with_testid(&page, "lesson-body")
            .unwrap_or_else(|| panic!("no lesson body for {payload:?}: {page}"));
        crate::xss::assert_inert(payload, body);
    }
    let description = crate::support::div_with_testid(&course_page, "course-description")
        .unwrap_or_else(|| panic!("no description: {course_page}"));
    crate::xss::assert_inert("the description", description);
    app.stop().await;
}
