//! The studio over real HTTP: who may reach its server functions (SECURITY-TESTS 7–9 as a role ×
//! route table), and a course made through them showing on `/studio`.

use crate::support::TestApp;
use domain::Role;
use serde_json::json;

/// A form that makes a valid course in the demo catalog's first category.
pub(crate) fn new_course(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("category", "1".to_owned()),
        ("language", "en".to_owned()),
        ("price", "19.90".to_owned()),
        ("currency", "USD".to_owned()),
    ]
}

#[tokio::test]
async fn each_role_reaches_exactly_the_studio_it_may() {
    let app = TestApp::spawn().demo().sqlite().await;
    let mut people: Vec<(&str, Option<String>)> = vec![("anonymous", None)];
    for (name, role) in [
        ("learner", Role::Learner),
        ("author", Role::Author),
        ("reviewer", Role::Reviewer),
        ("admin", Role::Admin),
    ] {
        let cookie = app
            .register_as(&format!("role-{name}@example.com"), role)
            .await;
        people.push((name, Some(cookie)));
    }
    // (role, studio_home, studio_create_course)
    let expected = [
        ("anonymous", 401, 401),
        ("learner", 403, 403),
        ("author", 200, 200),
        ("reviewer", 403, 403),
        ("admin", 200, 200),
    ];
    for ((name, cookie), (role, home, create)) in people.iter().zip(expected) {
        assert_eq!(*name, role);
        let listed = app.call("studio_home", cookie.as_deref(), &[]).await;
        assert_eq!(listed.status(), home, "{name}: studio_home");
        let form = new_course(&format!("A course by the {name}"));
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let made = app
            .call("studio_create_course", cookie.as_deref(), &fields)
            .await;
        assert_eq!(made.status(), create, "{name}: studio_create_course");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_new_course_shows_in_the_studio_and_bad_fields_are_named() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("writer@example.com", Role::Author).await;
    let form = new_course("机器学习 Python 实战");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = app
        .call("studio_create_course", Some(&author), &fields)
        .await;
    assert_eq!(made.status(), 200);

    let page = app
        .client
        .get(format!("{}/studio", app.base))
        .header("cookie", format!("lore_session={author}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("机器学习 Python 实战"),
        "the new course is listed"
    );
    assert!(html.contains("data-state=\"draft\""));

    let mut bad = new_course("");
    bad[3].1 = "1.999".to_owned();
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app
        .call("studio_create_course", Some(&author), &fields)
        .await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["Fields"]
        .as_array()
        .expect("a list of field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Title", "Price"]);
    app.stop().await;
}

/// Everyone's answer from every studio server function on one author's course: only the author
/// and admins get through; for others the course does not exist (404), so ids cannot be probed;
/// only admins publish.
#[tokio::test]
async fn only_the_author_and_admins_reach_a_course_through_any_studio_call() {
    let app = TestApp::spawn().demo().sqlite().await;
    let owner = app.register_as("owner@example.com", Role::Author).await;
    let (course, chapter, lesson) = draft_with_a_lesson(&app, &owner, "Owned course").await;

    let mut people: Vec<(&str, Option<String>)> = vec![("anonymous", None)];
    for (name, role) in [
        ("learner", Role::Learner),
        ("other author", Role::Author),
        ("reviewer", Role::Reviewer),
        ("admin", Role::Admin),
    ] {
        let email = format!("table-{}@example.com", name.replace(' ', "-"));
        people.push((name, Some(app.register_as(&email, role).await)));
    }
    people.push(("owner", Some(owner.clone())));
    let (course, chapter, lesson) = (course.to_string(), chapter, lesson.to_string());
    for (name, cookie) in &people {
        let cookie = cookie.as_deref();
        let allowed = matches!(*name, "admin" | "owner");
        let expected = match *name {
            "anonymous" => 401,
            _ if allowed => 200,
            _ => 404,
        };
        let opened = app
            .call("studio_course", cookie, &[("course", &course)])
            .await;
        assert_eq!(opened.status(), expected, "{name}: studio_course");
        // The versions an allowed caller saves from are the stored ones.
        let (settings_version, body_version) = if allowed {
            let view: serde_json::Value = opened.json().await.unwrap();
            let lesson_view: serde_json::Value = app
                .call("studio_lesson", cookie, &[("lesson", &lesson)])
                .await
                .json()
                .await
                .unwrap();
            (
                view["version"].to_string(),
                lesson_view["version"].to_string(),
            )
        } else {
            ("1".to_owned(), "1".to_owned())
        };
        let mut settings: Vec<(String, String)> = new_course(&format!("Renamed by {name}"))
            .into_iter()
            .map(|(k, v)| (format!("form[{k}]"), v))
            .collect();
        settings.push(("form[level]".into(), "advanced".into()));
        settings.push(("course".into(), course.clone()));
        settings.push(("version".into(), settings_version));
        let settings: Vec<(&str, &str)> = settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let calls: Vec<(&str, reqwest::Response)> = vec![
            (
                "studio_save_settings",
                app.call("studio_save_settings", cookie, &settings).await,
            ),
            (
                "studio_structure",
                app.call_json(
                    "studio_structure",
                    cookie,
                    &serde_json::json!({"course": course.parse::<i64>().unwrap(), "edit": {"RenameChapter": {"chapter": chapter, "title": format!("By {name}")}}}),
                )
                .await,
            ),
            (
                "studio_lesson",
                app.call("studio_lesson", cookie, &[("lesson", &lesson)])
                    .await,
            ),
            (
                "studio_lesson_details",
                app.call(
                    "studio_lesson_details",
                    cookie,
                    &[("lesson", &lesson), ("title", "Retitled")],
                )
                .await,
            ),
            (
                "studio_save_lesson",
                app.call_json(
                    "studio_save_lesson",
                    cookie,
                    &serde_json::json!({
                        "lesson": lesson.parse::<i64>().unwrap(),
                        "html": "<p>text</p>",
                        "version": body_version.parse::<i64>().unwrap(),
                    }),
                )
                .await,
            ),
        ];
        for (call, response) in calls {
            assert_eq!(response.status(), expected, "{name}: {call}");
        }
        if !allowed {
            let submitted = app
                .call("studio_submit", cookie, &[("course", &course)])
                .await;
            assert_eq!(submitted.status(), expected, "{name}: studio_submit");
        }
    }

    // The author submits; a reviewer (or an admin) approves it, once.
    let submitted = app
        .call("studio_submit", Some(&owner), &[("course", &course)])
        .await;
    assert_eq!(submitted.status(), 200);
    let number = submitted.text().await.unwrap();
    for (name, cookie) in &people {
        let expected = match *name {
            "anonymous" => 401,
            "reviewer" => 200,
            "admin" => 409,
            _ => 403,
        };
        let published = app
            .call(
                "studio_publish",
                cookie.as_deref(),
                &[("course", &course), ("number", &number)],
            )
            .await;
        assert_eq!(published.status(), expected, "{name}: studio_publish");
    }
    // The owner's settings were saved last: their title made the slug learners now open.
    let page = app.get("/courses/renamed-by-owner").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Renamed by owner"));
    app.stop().await;
}

/// Two nodes on one database: autosaves through either are checked against the one stored
/// version, so a tab talking to node B cannot write over what a tab on node A saved (every
/// backend; on PostgreSQL this is the load-balanced setup).
#[tokio::test]
async fn two_nodes_share_lesson_versions() {
    for app in TestApp::spawn().demo().every_backend().await {
        let other = app.second_node().await;
        let author = app.register_as("nodes@example.com", Role::Author).await;
        let (_, _, lesson) = draft_with_a_lesson(&other, &author, "Two nodes").await;
        let lesson = lesson.to_string();
        let first = save_body(&app, &author, &lesson, "<p>from node A</p>", 1).await;
        assert_eq!(first.status(), 200, "{:?}", app.backend());
        let saved: serde_json::Value = first.json().await.unwrap();
        assert_eq!(saved["version"], 2);
        let stale = save_body(&other, &author, &lesson, "<p>from node B</p>", 1).await;
        assert_eq!(stale.status(), 409, "{:?}", app.backend());
        let body: serde_json::Value = stale.json().await.unwrap();
        assert_eq!(body["EditConflict"], 2);
        let fresh = save_body(
            &other,
            &author,
            &lesson,
            "<p>from node B, after reloading</p>",
            2,
        )
        .await;
        assert_eq!(fresh.status(), 200);
        let read = call_ok(&app, "studio_lesson", Some(&author), &[("lesson", &lesson)]).await;
        assert_eq!(read["html"], "<p>from node B, after reloading</p>");
        assert_eq!(read["version"], 3);
        other.stop().await;
        app.stop().await;
    }
}

pub(crate) async fn save_body(
    node: &TestApp,
    author: &str,
    lesson: &str,
    html: &str,
    version: i64,
) -> reqwest::Response {
    let lesson: i64 = lesson.parse().unwrap();
    let body = serde_json::json!({"lesson": lesson, "html": html, "version": version});
    node.call_json("studio_save_lesson", Some(author), &body)
        .await
}

/// A new course of `author`'s (made through `node`) with one chapter holding one article lesson:
/// the ids of all three.
pub(crate) async fn draft_with_a_lesson(
    node: &TestApp,
    author: &str,
    title: &str,
) -> (i64, i64, i64) {
    let form = new_course(title);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = node
        .call("studio_create_course", Some(author), &fields)
        .await;
    assert_eq!(made.status(), 200);
    let course: i64 = made.json().await.unwrap();
    let outline = structure(
        node,
        author,
        course,
        json!({"AddChapter": {"title": "One"}}),
    )
    .await;
    let chapter = outline[0]["id"].as_i64().unwrap();
    let add = json!({"AddLesson": {"chapter": chapter, "title": "L", "kind": "Text"}});
    let outline = structure(node, author, course, add).await;
    let lesson = outline[0]["lessons"][0]["id"].as_i64().unwrap();
    (course, chapter, lesson)
}

/// One structure edit through `studio_structure`; the outline it answers.
pub(crate) async fn structure(
    node: &TestApp,
    author: &str,
    course: i64,
    edit: serde_json::Value,
) -> serde_json::Value {
    let body = json!({"course": course, "edit": edit});
    let answer = node
        .call_json("studio_structure", Some(author), &body)
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// The first bytes of an MP4 file (an `ftyp` box), of an MP3 with an ID3 tag, and of a PNG.
pub(crate) const MP4_HEAD: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
const MP3_HEAD: &[u8] = b"ID3\x04\0\0\0\0\0\x21";
const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Uploads, as `cookie`'s, a 4 KiB file starting with `head`: its id.
pub(crate) async fn upload_file(app: &TestApp, cookie: &str, query: &str, head: &[u8]) -> String {
    let mut body = head.to_vec();
    body.resize(4096, 7);
    let response = app.upload(Some(cookie), query, body).await;
    assert_eq!(response.status(), 201, "{query}");
    let answer: serde_json::Value = response.json().await.unwrap();
    answer["id"].to_string()
}

/// Uploads the demo's 4-second MP4 as `author`'s video; its id and bytes.
async fn upload_demo_clip(app: &TestApp, author: &str) -> (String, Vec<u8>) {
    let movie = std::fs::read(crate::support::demo_dir().join("media/clip.mp4")).unwrap();
    let sent = app
        .upload(Some(author), "kind=video&name=clip.mp4", movie.clone())
        .await;
    assert_eq!(sent.status(), 201);
    let clip = sent.json::<serde_json::Value>().await.unwrap()["id"].to_string();
    (clip, movie)
}

/// `call`'s answer as JSON, after checking it succeeded.
pub(crate) async fn call_ok(
    app: &TestApp,
    name: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> serde_json::Value {
    let response = app.call(name, cookie, fields).await;
    assert_eq!(response.status(), 200, "{name} {fields:?}");
    response.json().await.unwrap()
}

/// Submits `course` as `author` and publishes that revision as `admin`.
pub(crate) async fn publish(app: &TestApp, author: &str, admin: &str, course: i64) {
    let course = course.to_string();
    let number = call_ok(app, "studio_submit", Some(author), &[("course", &course)]).await;
    let number = number.to_string();
    let published = app
        .call(
            "studio_publish",
            Some(admin),
            &[("course", &course), ("number", &number)],
        )
        .await;
    assert_eq!(published.status(), 200);
}

/// A video lesson plays a video its author uploaded: not someone else's upload (404, as if it
/// did not exist), not a recording, and nothing at all in an article.
#[tokio::test]
async fn a_video_lesson_takes_its_authors_video_only() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("filmmaker@example.com", Role::Author).await;
    let other = app.register_as("someone@example.com", Role::Author).await;
    let (course, chapter, article) = draft_with_a_lesson(&app, &author, "Films").await;
    let add = json!({"AddLesson": {"chapter": chapter, "title": "Watch", "kind": "Video"}});
    let outline = structure(&app, &author, course, add).await;
    let video_lesson = outline[0]["lessons"][1]["id"].to_string();
    let article = article.to_string();

    let mine = upload_file(&app, &author, "kind=video&name=intro.mp4", MP4_HEAD).await;
    let theirs = upload_file(&app, &other, "kind=video&name=theirs.mp4", MP4_HEAD).await;
    let recording = upload_file(&app, &author, "kind=audio&name=talk.mp3", MP3_HEAD).await;

    let attach = |lesson: &str, media: &str| {
        let fields = [("lesson", lesson.to_owned()), ("media", media.to_owned())];
        let app = &app;
        let author = author.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("studio_lesson_media", Some(&author), &fields)
                .await
                .status()
        }
    };
    assert_eq!(attach(&video_lesson, &theirs).await, 404);
    assert_eq!(attach(&video_lesson, &recording).await, 400);
    assert_eq!(attach(&article, &mine).await, 400);
    assert_eq!(attach(&video_lesson, &mine).await, 200);
    assert_eq!(attach(&video_lesson, &mine).await, 200, "safe to repeat");
    let someone = app
        .call(
            "studio_lesson_media",
            Some(&other),
            &[("lesson", &video_lesson), ("media", &theirs)],
        )
        .await;
    assert_eq!(someone.status(), 404, "not their lesson");

    let read = call_ok(
        &app,
        "studio_lesson",
        Some(&author),
        &[("lesson", &video_lesson)],
    )
    .await;
    assert_eq!(read["media"].to_string(), mine);
    let page = app
        .client
        .get(format!("{}/studio/lessons/{video_lesson}", app.base))
        .header("cookie", format!("lore_session={author}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("src=\"/media/{mine}\"")),
        "the player shows it"
    );

    // A file a lesson plays cannot be deleted from under it.
    let delete = |media: String| {
        let app = &app;
        let author = author.clone();
        async move {
            app.client
                .delete(format!("{}/media/{media}", app.base))
                .header("origin", &app.base)
                .header("cookie", format!("lore_session={author}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(delete(mine.clone()).await, 409);

    // Removed again: no media field.
    let removed = app
        .call(
            "studio_lesson_media",
            Some(&author),
            &[("lesson", &video_lesson)],
        )
        .await;
    assert_eq!(removed.status(), 200);
    let read = call_ok(
        &app,
        "studio_lesson",
        Some(&author),
        &[("lesson", &video_lesson)],
    )
    .await;
    assert!(read["media"].is_null());
    assert_eq!(
        delete(mine.clone()).await,
        204,
        "free to delete once no lesson plays it"
    );
    app.stop().await;
}

/// A published lesson's files reach readers through signed addresses (ten minutes, bound to the
/// file), or through the reader's own right to the lesson: a preview plays for anyone, a paid
/// lesson's file stays "not found", a tampered or re-aimed signature opens nothing, and a body
/// shows only pictures its author uploaded (every backend: the signing key is in the database).
#[tokio::test]
async fn readers_reach_lesson_files_through_signed_addresses() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app.register_as("signer@example.com", Role::Author).await;
        let other = app.register_as("bystander@example.com", Role::Author).await;
        let admin = app.make_admin("publisher@example.com").await;
        let (course, chapter, article) = draft_with_a_lesson(&app, &author, "Signed files").await;
        let article = article.to_string();
        let mut lessons = Vec::new();
        for title in ["Watch", "Paid"] {
            let add = json!({"AddLesson": {"chapter": chapter, "title": title, "kind": "Video"}});
            let outline = structure(&app, &author, course, add).await;
            lessons.push(outline[0]["lessons"][lessons.len() + 1]["id"].to_string());
        }
        let (preview, paid) = (&lessons[0], &lessons[1]);
        // A real 4-second video (made with ffmpeg), so the lesson takes its running time.
        let (clip, movie) = upload_demo_clip(&app, &author).await;
        let paid_clip = upload_file(&app, &author, "kind=video&name=paid.mp4", MP4_HEAD).await;
        let picture = upload_file(&app, &author, "kind=image&name=a.png", PNG_HEAD).await;
        let foreign = upload_file(&app, &other, "kind=image&name=b.png", PNG_HEAD).await;
        for (lesson, media) in [(preview, &clip), (paid, &paid_clip)] {
            let fields = [("lesson", lesson.as_str()), ("media", media.as_str())];
            call_ok(&app, "studio_lesson_media", Some(&author), &fields).await;
        }
        for (lesson, title) in [(preview, "Watch"), (&article, "Read")] {
            let fields = [
                ("lesson", lesson.as_str()),
                ("title", title),
                ("preview", "on"),
            ];
            let details = app
                .call("studio_lesson_details", Some(&author), &fields)
                .await;
            assert_eq!(details.status(), 200);
        }
        let body = format!(
            "<p>mine <img src=\"/media/{picture}\"> theirs <img src=\"/media/{foreign}\"></p>"
        );
        assert_eq!(
            save_body(&app, &author, &article, &body, 1).await.status(),
            200
        );
        publish(&app, &author, &admin, course).await;

        // Anyone may watch the preview: the player's address is signed for this file.
        let read = |lesson: &str, cookie: Option<&str>| {
            let fields = [
                ("slug", "signed-files".to_owned()),
                ("lesson", lesson.to_owned()),
            ];
            let (app, cookie) = (&app, cookie.map(str::to_owned));
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                call_ok(app, "lesson", cookie.as_deref(), &fields).await
            }
        };
        let watched = read(preview, None).await;
        let url = watched["content"]["media"]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(url.starts_with(&format!("/media/{clip}?expires=")), "{url}");
        let got = app.get(&url).await;
        assert_eq!(got.status(), 200, "{:?}", app.backend());
        assert_eq!(got.bytes().await.unwrap(), movie);
        assert_eq!(
            watched["lesson"]["duration_seconds"], 4,
            "read from the file"
        );
        let ranged = app
            .client
            .get(format!("{}{url}", app.base))
            .header("range", "bytes=100-")
            .send()
            .await
            .unwrap();
        assert_eq!(ranged.status(), 206);
        assert_eq!(ranged.bytes().await.unwrap(), movie[100..]);

        // Without a signature: the preview's file through the right to the lesson; the paid
        // one not at all (its lesson is locked and carries no address).
        assert_eq!(app.get(&format!("/media/{clip}")).await.status(), 200);
        assert_eq!(app.get(&format!("/media/{paid_clip}")).await.status(), 404);
        let locked = read(paid, None).await;
        assert_eq!(locked["locked"], true);
        assert!(locked["content"].is_null());

        // Its author reads the paid lesson; the address they get works for whoever holds it
        // (no session needed) until it expires, and opens that file only, as signed.
        let own = read(paid, Some(&author)).await;
        let signed = own["content"]["media"]["url"].as_str().unwrap().to_owned();
        assert_eq!(app.get(&signed).await.status(), 200);
        let last = if signed.ends_with('0') { "1" } else { "0" };
        let tampered = format!("{}{last}", &signed[..signed.len() - 1]);
        let expires: i64 = signed
            .split("expires=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let stretched = signed.replace(
            &format!("expires={expires}"),
            &format!("expires={}", expires + 60),
        );
        let aimed = signed.replace(
            &format!("/media/{paid_clip}?"),
            &format!("/media/{foreign}?"),
        );
        let halved = signed.split("&sig=").next().unwrap().to_owned();
        for (what, forged) in [
            ("tampered", tampered),
            ("stretched", stretched),
            ("re-aimed", aimed),
            ("unsigned", halved),
        ] {
            assert_eq!(app.get(&forged).await.status(), 404, "{what}: {forged}");
        }

        // The article shows its author's picture, signed, and not the other author's.
        let page = app
            .get(&format!("/courses/signed-files/lessons/{article}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!("<img src=\"/media/{picture}?expires=")),
            "{page}"
        );
        assert!(!page.contains(&format!("/media/{foreign}")));
        app.stop().await;
    }
}

/// SECURITY-TESTS 20–22 through the whole path: each payload saved as a lesson body, published,
/// and read back as the rendered lesson page; nothing of any survives into the lesson's body.
#[tokio::test]
async fn no_saved_payload_reaches_a_reader() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("payloads@example.com", Role::Author).await;
    let admin = app.make_admin("payload-admin@example.com").await;
    let (course, chapter, first) = draft_with_a_lesson(&app, &author, "Payloads").await;
    let payloads = crate::xss::payloads();
    assert!(payloads.len() >= 50);
    let mut lessons = vec![first.to_string()];
    for n in 1..payloads.len() {
        let add =
            json!({"AddLesson": {"chapter": chapter, "title": format!("P{n}"), "kind": "Text"}});
        let outline = structure(&app, &author, course, add).await;
        lessons.push(outline[0]["lessons"][n]["id"].to_string());
    }
    for (lesson, payload) in lessons.iter().zip(&payloads) {
        let fields = [
            ("lesson", lesson.as_str()),
            ("title", "P"),
            ("preview", "on"),
        ];
        let details = app
            .call("studio_lesson_details", Some(&author), &fields)
            .await;
        assert_eq!(details.status(), 200);
        let saved = save_body(&app, &author, lesson, payload, 1).await;
        assert_eq!(saved.status(), 200, "{payload}");
    }
    publish(&app, &author, &admin, course).await;
    for (lesson, payload) in lessons.iter().zip(&payloads) {
        let page = app
            .get(&format!("/courses/payloads/lessons/{lesson}"))
            .await
            .text()
            .await
            .unwrap();
        // The lesson body's element, whatever order its attributes come in.
        let body = crate::support::div_with_testid(&page, "lesson-body")
            .unwrap_or_else(|| panic!("no lesson body for {payload:?}: {page}"));
        crate::xss::assert_inert(payload, body);
    }
    app.stop().await;
}

/// Every studio write works through whichever node a request reaches: a course made on node A,
/// built and edited on node B, submitted on A and published on B is live on both, and the
/// structure each node reports is the same (every backend; on PostgreSQL, the load-balanced setup).
#[tokio::test]
async fn studio_writes_through_two_nodes_agree() {
    for app in TestApp::spawn().demo().every_backend().await {
        let other = app.second_node().await;
        let author = app.register_as("two-nodes@example.com", Role::Author).await;
        let admin = app.make_admin("two-nodes-admin@example.com").await;
        let (course, chapter, first) = draft_with_a_lesson(&app, &author, "Across nodes").await;
        let add = json!({"AddLesson": {"chapter": chapter, "title": "Second", "kind": "Text"}});
        let outline = structure(&other, &author, course, add).await;
        let second = outline[0]["lessons"][1]["id"].as_i64().unwrap();
        let order = json!({"OrderLessons": {"chapter": chapter, "order": [second, first]}});
        let from_b = structure(&other, &author, course, order).await;
        let rename = json!({"RenameChapter": {"chapter": chapter, "title": "Renamed on A"}});
        let from_a = structure(&app, &author, course, rename).await;
        assert_eq!(
            from_a[0]["lessons"],
            from_b[0]["lessons"],
            "{:?}",
            app.backend()
        );
        assert_eq!(from_a[0]["title"], "Renamed on A");
        let saved = save_body(&other, &author, &first.to_string(), "<p>via B</p>", 1).await;
        assert_eq!(saved.status(), 200);
        // A file uploaded through node A is attached through node B, made view-only through A,
        // and both nodes list the same.
        let slides = upload_file(&app, &author, "kind=document&name=s.pdf", b"%PDF-1.7\n").await;
        let slides: i64 = slides.parse().unwrap();
        for (node, edit) in [
            (&other, json!({"Attach": {"media": slides}})),
            (
                &app,
                json!({"Downloadable": {"media": slides, "downloadable": false}}),
            ),
        ] {
            let body = json!({"lesson": first, "edit": edit});
            let answer = node
                .call_json("studio_lesson_files", Some(&author), &body)
                .await;
            assert_eq!(answer.status(), 200);
        }
        let mut lists = Vec::new();
        for node in [&app, &other] {
            let body = json!({"lesson": first, "edit": null});
            let answer = node
                .call_json("studio_lesson_files", Some(&author), &body)
                .await;
            lists.push(answer.json::<serde_json::Value>().await.unwrap());
        }
        assert_eq!(lists[0], lists[1], "{:?}", app.backend());
        assert_eq!(lists[0][0]["downloadable"], false);
        let fields = [
            ("lesson", first.to_string()),
            ("title", "Opening".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        call_ok(&app, "studio_lesson_details", Some(&author), &fields).await;
        let course_id = course.to_string();
        let number = call_ok(
            &app,
            "studio_submit",
            Some(&author),
            &[("course", &course_id)],
        )
        .await;
        let published = other
            .call(
                "studio_publish",
                Some(&admin),
                &[("course", &course_id), ("number", &number.to_string())],
            )
            .await;
        assert_eq!(published.status(), 200);
        for node in [&app, &other] {
            let page = node.get("/courses/across-nodes").await;
            assert_eq!(page.status(), 200);
            let text = page.text().await.unwrap();
            let (at_second, at_first) =
                (text.find("Second").unwrap(), text.find("Opening").unwrap());
            assert!(at_second < at_first, "the order set on node B is live");
            assert!(text.contains("Renamed on A"));
        }
        other.stop().await;
        app.stop().await;
    }
}

/// A lesson's attached files: only its author's uploads (never a stranger's), attaching twice
/// changes nothing, at most 20, "downloadable" per file; readers of the published lesson get a
/// download link for downloadable files, a picture in the page for the others, and nothing to
/// open for a document they may not download (both backends).
#[tokio::test]
async fn lesson_files_reach_readers_as_their_author_allows() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app.register_as("attacher@example.com", Role::Author).await;
        let other = app
            .register_as("other-attacher@example.com", Role::Author)
            .await;
        let admin = app.make_admin("files-admin@example.com").await;
        let (course, _, lesson) = draft_with_a_lesson(&app, &author, "With files").await;
        let slides = upload_file(
            &app,
            &author,
            "kind=document&name=slides.pdf",
            b"%PDF-1.7\n",
        )
        .await;
        let notes = upload_file(&app, &author, "kind=document&name=notes.pdf", b"%PDF-1.7\n").await;
        let chart = upload_file(&app, &author, "kind=image&name=chart.png", PNG_HEAD).await;
        let theirs =
            upload_file(&app, &other, "kind=document&name=theirs.pdf", b"%PDF-1.7\n").await;
        let edit = |cookie: &str, edit: serde_json::Value| {
            let body = json!({"lesson": lesson, "edit": edit});
            let (app, cookie) = (&app, cookie.to_owned());
            async move {
                app.call_json("studio_lesson_files", Some(&cookie), &body)
                    .await
            }
        };
        let media = |id: &str| id.parse::<i64>().unwrap();
        for file in [&slides, &notes, &chart, &slides] {
            let attached = edit(&author, json!({"Attach": {"media": media(file)}})).await;
            assert_eq!(attached.status(), 200);
        }
        let stranger = edit(&author, json!({"Attach": {"media": media(&theirs)}})).await;
        assert_eq!(stranger.status(), 404, "someone else's upload");
        let intruder = edit(&other, json!({"Attach": {"media": media(&theirs)}})).await;
        assert_eq!(intruder.status(), 404, "someone else's lesson");
        for file in [&notes, &chart] {
            let off = json!({"Downloadable": {"media": media(file), "downloadable": false}});
            assert_eq!(edit(&author, off).await.status(), 200);
        }
        let list: serde_json::Value = edit(&author, json!(null)).await.json().await.unwrap();
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["slides.pdf", "notes.pdf", "chart.png"],
            "once each, in order"
        );
        assert_eq!(list[1]["downloadable"], false);

        // At most twenty.
        let extra = edit(&author, json!({"Detach": {"media": media(&chart)}})).await;
        assert_eq!(extra.status(), 200);
        let mut status = 200;
        for n in 0..19 {
            let more = upload_file(
                &app,
                &author,
                &format!("kind=document&name=more{n}.pdf"),
                b"%PDF-1.7\n",
            )
            .await;
            status = edit(&author, json!({"Attach": {"media": media(&more)}}))
                .await
                .status()
                .as_u16();
        }
        assert_eq!(status, 400, "the 21st file");
        for n in 0..19 {
            let list: serde_json::Value = edit(&author, json!(null)).await.json().await.unwrap();
            let Some(last) = list
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == format!("more{n}.pdf"))
            else {
                continue;
            };
            let detach = json!({"Detach": {"media": last["media"]}});
            assert_eq!(edit(&author, detach).await.status(), 200);
        }
        assert_eq!(
            edit(&author, json!({"Attach": {"media": media(&chart)}}))
                .await
                .status(),
            200
        );
        let off = json!({"Downloadable": {"media": media(&chart), "downloadable": false}});
        assert_eq!(edit(&author, off).await.status(), 200);

        // Published, as a free preview, to a reader who is not signed in.
        let fields = [
            ("lesson", lesson.to_string()),
            ("title", "Files".to_owned()),
            ("preview", "on".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        call_ok(&app, "studio_lesson_details", Some(&author), &fields).await;
        publish(&app, &author, &admin, course).await;
        let read = call_ok(
            &app,
            "lesson",
            None,
            &[("slug", "with-files"), ("lesson", &lesson.to_string())],
        )
        .await;
        let files = read["content"]["files"].as_array().unwrap();
        assert_eq!(files.len(), 3, "{:?}", app.backend());
        let (slides_file, notes_file, chart_file) = (&files[0], &files[1], &files[2]);
        assert_eq!(slides_file["downloadable"], true);
        let download = app.get(slides_file["url"].as_str().unwrap()).await;
        assert_eq!(download.status(), 200);
        assert!(
            download.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert!(
            notes_file["url"].is_null(),
            "a document that may not be downloaded has no address"
        );
        assert!(
            chart_file["url"].as_str().unwrap().contains("sig="),
            "a picture opens in the page"
        );
        let page = app
            .get(&format!("/courses/with-files/lessons/{lesson}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("slides.pdf") && page.contains("notes.pdf"));
        app.stop().await;
    }
}

/// A signed address made on one node opens the file on another: the key is the platform key
/// every node reads from the shared database, the file is in the shared bucket (PostgreSQL and
/// moto, as in a load-balanced deployment). The file is a paid lesson's, so only the signature
/// opens it to a stranger, and a forged one opens nothing there either.
#[tokio::test]
async fn a_signed_address_made_on_one_node_opens_on_another() {
    let Some(s3) = crate::support::S3Server::start().await else {
        return;
    };
    let Some(app) = TestApp::spawn().demo().on_bucket(&s3).postgres().await else {
        return;
    };
    let place = s3.place();
    let other = app.second_node_with(move |s| s.media = place).await;
    let author = app
        .register_as("two-node-signer@example.com", Role::Author)
        .await;
    let admin = app.make_admin("two-node-publisher@example.com").await;
    let (course, chapter, _) = draft_with_a_lesson(&app, &author, "Signed twice").await;
    let add = json!({"AddLesson": {"chapter": chapter, "title": "Paid", "kind": "Video"}});
    let outline = structure(&app, &author, course, add).await;
    let paid = outline[0]["lessons"][1]["id"].to_string();
    let (clip, movie) = upload_demo_clip(&app, &author).await;
    let fields = [("lesson", paid.as_str()), ("media", clip.as_str())];
    call_ok(&app, "studio_lesson_media", Some(&author), &fields).await;
    publish(&app, &author, &admin, course).await;

    let fields = [("slug", "signed-twice"), ("lesson", paid.as_str())];
    let read = call_ok(&app, "lesson", Some(&author), &fields).await;
    let signed = read["content"]["media"]["url"].as_str().unwrap().to_owned();
    assert!(signed.contains("sig="), "{signed}");
    let unsigned = format!("/media/{clip}");
    assert_eq!(
        other.get(&unsigned).await.status(),
        404,
        "a stranger without it"
    );
    let there = other.get(&signed).await;
    assert_eq!(there.status(), 200, "{signed} on the other node");
    assert_eq!(there.bytes().await.unwrap(), movie);
    let forged = signed.replace("sig=", "sig=0");
    assert_eq!(other.get(&forged).await.status(), 404);
    other.stop().await;
    app.stop().await;
}
