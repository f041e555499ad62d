//! The learner's side over real HTTP: the lesson and media access matrix (SECURITY-TESTS 7 and
//! 8), free enrollment, progress that resumes, reviews with the author's reply and moderation,
//! and following an author.

use crate::studio::{MP4_HEAD, call_ok, publish, save_body, structure, upload_file};
use crate::support::TestApp;
use domain::Role;
use serde_json::json;

/// Makes a published course titled `title` (slug from the title) at `price` by `author`, with one
/// chapter: a preview article, a paid article and a paid video lesson. Returns the course id,
/// the three lesson ids and the paid video's media id.
async fn published_course(
    app: &TestApp,
    author: &str,
    admin: &str,
    title: &str,
    price: &str,
) -> (i64, [String; 3], String) {
    let form = [
        ("title", title),
        ("category", "1"),
        ("language", "en"),
        ("price", price),
        ("currency", "USD"),
    ];
    let made = app.call("studio_create_course", Some(author), &form).await;
    assert_eq!(made.status(), 200);
    let course: i64 = made.json().await.unwrap();
    let outline = structure(app, author, course, json!({"AddChapter": {"title": "One"}})).await;
    let chapter = outline[0]["id"].as_i64().unwrap();
    let mut lessons = Vec::new();
    for (title, kind) in [("Open", "Text"), ("Paid", "Text"), ("Film", "Video")] {
        let add = json!({"AddLesson": {"chapter": chapter, "title": title, "kind": kind}});
        let outline = structure(app, author, course, add).await;
        lessons.push(outline[0]["lessons"][lessons.len()]["id"].to_string());
    }
    let preview = [
        ("lesson", lessons[0].as_str()),
        ("title", "Open"),
        ("preview", "on"),
    ];
    call_ok(app, "studio_lesson_details", Some(author), &preview).await;
    for (lesson, text) in [(&lessons[0], "open words"), (&lessons[1], "secret words")] {
        let body = format!(
            "<p>{text}</p><pre><code class=\"language-rust\">let x = \"{text}\";</code></pre>"
        );
        assert_eq!(save_body(app, author, lesson, &body, 1).await.status(), 200);
    }
    let clip = upload_file(app, author, "kind=video&name=film.mp4", MP4_HEAD).await;
    let attach = [("lesson", lessons[2].as_str()), ("media", clip.as_str())];
    call_ok(app, "studio_lesson_media", Some(author), &attach).await;
    publish(app, author, admin, course).await;
    let lessons: [String; 3] = lessons.try_into().unwrap();
    (course, lessons, clip)
}

/// `/api/lesson` for lesson `lesson` of `slug` as `cookie`'s.
async fn lesson(
    app: &TestApp,
    cookie: Option<&str>,
    slug: &str,
    lesson: &str,
) -> serde_json::Value {
    call_ok(app, "lesson", cookie, &[("slug", slug), ("lesson", lesson)]).await
}

/// SECURITY-TESTS 7 and 8 for lessons and media: who reads which lesson of a published paid
/// course, and who gets its video's bytes without a signed address, as one table. A locked
/// lesson's answer carries neither its words nor a media address.
#[tokio::test]
async fn the_lesson_and_media_access_matrix_holds_for_every_role() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app
            .register_as("matrix-author@example.com", Role::Author)
            .await;
        let admin = app.make_admin("matrix-admin@example.com").await;
        let (course, lessons, clip) =
            published_course(&app, &author, &admin, "Access matrix", "19.90").await;
        let buyer = app
            .register("matrix-buyer@example.com", "a long and unusual passphrase")
            .await;
        let buyer_id = app.user_id(&buyer).await;
        testdb::write_alone!(app.services.store(), |tx| tx
            .grant_entitlement(buyer_id, domain::CourseId::new(course), "purchase", 1)
            .await)
        .unwrap();
        let learner = app
            .register(
                "matrix-learner@example.com",
                "a long and unusual passphrase",
            )
            .await;
        let other = app
            .register_as("matrix-other@example.com", Role::Author)
            .await;
        let reviewer = app
            .register_as("matrix-reviewer@example.com", Role::Reviewer)
            .await;

        // (who, cookie, reads the preview, reads the paid lessons, gets the video's bytes)
        let table: [(&str, Option<&str>, bool, bool, u16); 7] = [
            ("anonymous", None, true, false, 404),
            (
                "learner without the course",
                Some(&learner),
                true,
                false,
                404,
            ),
            ("learner who bought it", Some(&buyer), true, true, 200),
            ("another author", Some(&other), true, false, 404),
            ("its author", Some(&author), true, true, 200),
            ("reviewer", Some(&reviewer), true, true, 200),
            ("admin", Some(&admin), true, true, 200),
        ];
        for (who, cookie, preview, paid, bytes) in table {
            let open = lesson(&app, cookie, "access-matrix", &lessons[0]).await;
            assert_eq!(
                open["locked"],
                !preview,
                "{who} preview on {:?}",
                app.backend()
            );
            for paid_lesson in &lessons[1..] {
                let read = lesson(&app, cookie, "access-matrix", paid_lesson).await;
                assert_eq!(read["locked"], !paid, "{who} paid on {:?}", app.backend());
                let text = read.to_string();
                if !paid {
                    assert!(read["content"].is_null(), "{who}: {text}");
                    assert!(!text.contains("secret words"), "{who}: {text}");
                    assert!(!text.contains("/media/"), "{who}: {text}");
                }
            }
            let mut request = app.client.get(format!("{}/media/{clip}", app.base));
            if let Some(cookie) = cookie {
                request = request.header("cookie", format!("lore_session={cookie}"));
            }
            let got = request.header("range", "bytes=0-3").send().await.unwrap();
            let status = got.status().as_u16();
            let expected = if bytes == 200 { 206 } else { 404 };
            assert_eq!(status, expected, "{who} media on {:?}", app.backend());
            if status == 404 {
                // A refusal names no file and carries none of its bytes.
                let body = got.bytes().await.unwrap();
                assert!(
                    !body.windows(4).any(|w| w == b"ftyp"),
                    "{who}: none of the file"
                );
            }
        }
        app.stop().await;
    }
}

/// A learner enrolls in a free course (twice: one entitlement), the page then offers
/// "continue"; progress reported by the player comes back as the resume point and finishes
/// lessons; they review it, the author replies once, another learner reports it and an admin
/// hides it, which takes it out of the rating; following the author is idempotent.
#[tokio::test]
async fn a_learner_enrolls_learns_reviews_and_follows() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app.register_as("teacher@example.com", Role::Author).await;
        let admin = app.make_admin("moderator@example.com").await;
        let (_, lessons, _) = published_course(&app, &author, &admin, "Free to learn", "0").await;
        let slug = "free-to-learn";
        let ada = app
            .register("ada@example.com", "a long and unusual passphrase")
            .await;
        let bob = app
            .register("bob@example.com", "a long and unusual passphrase")
            .await;

        let page = call_ok(&app, "course_page", Some(&ada), &[("slug", slug)]).await;
        assert_eq!(page["action"], "Enroll", "{:?}", app.backend());
        let refused = app
            .call("save_review", Some(&ada), &[("slug", slug), ("stars", "5")])
            .await;
        assert_eq!(refused.status(), 403, "not enrolled yet");
        for _ in 0..2 {
            call_ok(&app, "enroll", Some(&ada), &[("slug", slug)]).await;
        }
        let page = call_ok(&app, "course_page", Some(&ada), &[("slug", slug)]).await;
        assert_eq!(
            page["action"]["Continue"],
            json!(lessons[0].parse::<i64>().unwrap())
        );
        assert_eq!(
            page["course"]["enrollments"], 1,
            "enrolling twice counts once"
        );
        let anonymous = call_ok(&app, "course_page", None, &[("slug", slug)]).await;
        assert_eq!(anonymous["action"], "SignIn");
        assert_eq!(
            app.call("enroll", None, &[("slug", slug)]).await.status(),
            401
        );

        // The player reports 30 s of a 100 s video, then a late beacon from 10 s arrives.
        let report = |position: &str, at: &str| {
            let fields = [
                ("slug", slug.to_owned()),
                ("lesson", lessons[2].clone()),
                ("kind", "played".to_owned()),
                ("position_ms", position.to_owned()),
                ("duration_ms", "100000".to_owned()),
                ("at", at.to_owned()),
            ];
            let (app, ada) = (&app, ada.clone());
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call("progress", Some(&ada), &fields).await.status()
            }
        };
        assert_eq!(report("30000", "2000").await, 200);
        assert_eq!(report("10000", "1000").await, 200);
        assert_eq!(report("100001", "3000").await, 400, "past the end");
        let film = lesson(&app, Some(&ada), slug, &lessons[2]).await;
        assert_eq!(film["resume_ms"], 30_000, "{:?}", app.backend());
        assert_eq!(film["done"], false);
        assert_eq!(report("95000", "4000").await, 200);
        for done in [&lessons[0], &lessons[1]] {
            let fields = [("slug", slug), ("lesson", done.as_str()), ("kind", "read")];
            call_ok(&app, "progress", Some(&ada), &fields).await;
        }
        let page = call_ok(&app, "course_page", Some(&ada), &[("slug", slug)]).await;
        assert_eq!(page["percent"], 100);
        let learning = call_ok(&app, "my_learning", Some(&ada), &[]).await;
        assert_eq!(learning[0]["percent"], 100);
        assert_eq!(
            learning[0]["resume"],
            json!(lessons[1].parse::<i64>().unwrap())
        );

        // A review, the author's one reply, a report and its moderation.
        let review = [
            ("slug", slug),
            ("stars", "4"),
            ("body", "Clear <b>and</b> kind"),
        ];
        call_ok(&app, "save_review", Some(&ada), &review).await;
        let page = call_ok(&app, "course_page", Some(&author), &[("slug", slug)]).await;
        assert_eq!(page["course"]["rating"]["count"], 1);
        assert_eq!(
            page["reviews"][0]["body"], "Clear <b>and</b> kind",
            "kept as text"
        );
        let id = page["reviews"][0]["id"].to_string();
        let reply = [("review", id.as_str()), ("text", "Thank you")];
        assert_eq!(
            app.call("reply_review", Some(&bob), &reply).await.status(),
            403
        );
        call_ok(&app, "reply_review", Some(&author), &reply).await;
        assert_eq!(
            app.call("reply_review", Some(&author), &reply)
                .await
                .status(),
            409
        );
        call_ok(
            &app,
            "report_review",
            Some(&bob),
            &[("review", id.as_str()), ("reason", "off topic")],
        )
        .await;
        let queue = call_ok(&app, "moderation_queue", Some(&admin), &[]).await;
        assert_eq!(queue["waiting"][0]["review"]["id"].to_string(), id);
        assert_eq!(queue["waiting"][0]["course_slug"], slug);
        assert_eq!(queue["waiting"][0]["reasons"], json!(["off topic"]));
        assert_eq!(
            app.call("moderation_queue", Some(&bob), &[]).await.status(),
            403
        );
        let hide = [("review", id.as_str()), ("hide", "true")];
        assert_eq!(
            app.call("moderate_review", Some(&bob), &hide)
                .await
                .status(),
            403
        );
        call_ok(&app, "moderate_review", Some(&admin), &hide).await;
        // A retried decision (a double click, a resent form) changes nothing more.
        call_ok(&app, "moderate_review", Some(&admin), &hide).await;
        let page = call_ok(&app, "course_page", None, &[("slug", slug)]).await;
        assert_eq!(page["course"]["rating"]["count"], 0);
        assert_eq!(page["reviews"], json!([]));
        // The hidden review leaves the queue and waits under "hidden", where it can be restored.
        let queue = call_ok(&app, "moderation_queue", Some(&admin), &[]).await;
        assert_eq!(queue["waiting"], json!([]));
        assert_eq!(queue["hidden"][0]["review"]["id"].to_string(), id);
        let restore = [("review", id.as_str()), ("hide", "false")];
        call_ok(&app, "moderate_review", Some(&admin), &restore).await;
        let page = call_ok(&app, "course_page", None, &[("slug", slug)]).await;
        assert_eq!(page["course"]["rating"]["count"], 1);
        call_ok(&app, "moderate_review", Some(&admin), &hide).await;

        // Following: twice is once; an author cannot follow themself.
        let author_id = page["course"]["author"].to_string();
        let follow = [("author", author_id.as_str()), ("follow", "true")];
        call_ok(&app, "follow", Some(&ada), &follow).await;
        call_ok(&app, "follow", Some(&ada), &follow).await;
        let page = call_ok(&app, "course_page", Some(&ada), &[("slug", slug)]).await;
        assert_eq!(page["following"], true);
        assert_eq!(
            app.call("follow", Some(&author), &follow).await.status(),
            400
        );

        // The certificate: issued once, public by its code.
        let claim = app
            .client
            .post(format!("{}/api/claim_certificate", app.base))
            .header("origin", &app.base)
            .header("cookie", format!("lore_session={ada}"))
            .form(&[("slug", slug)])
            .send()
            .await
            .unwrap();
        assert!(claim.status().is_success() || claim.status().is_redirection());
        let page = call_ok(&app, "course_page", Some(&ada), &[("slug", slug)]).await;
        let code = page["certificate"].as_str().unwrap().to_owned();
        let certificate = call_ok(&app, "certificate", None, &[("code", code.as_str())]).await;
        assert_eq!(certificate["course_title"], "Free to learn");
        assert_eq!(
            app.call("claim_certificate", Some(&bob), &[("slug", slug)])
                .await
                .status(),
            404,
            "not enrolled"
        );
        app.stop().await;
    }
}

/// Enrolling works as a plain form before the page's script has loaded: the browser is sent
/// back to the course page, which now offers "continue".
#[tokio::test]
async fn enrolling_works_without_javascript() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("plain@example.com", Role::Author).await;
    let admin = app.make_admin("plain-admin@example.com").await;
    published_course(&app, &author, &admin, "Plain form", "0").await;
    let learner = app
        .register("plain-learner@example.com", "a long and unusual passphrase")
        .await;
    let posted = app
        .client
        .post(format!("{}/api/enroll", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}/courses/plain-form", app.base))
        .header("cookie", format!("lore_session={learner}"))
        .form(&[("slug", "plain-form")])
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let page = app
        .get_as("/courses/plain-form", &learner, "en")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Start learning"),
        "the page offers the course now"
    );
    app.stop().await;
}

/// An author's handle is the address of their page, unique, checked and taken back by leaving
/// it empty; an admin features a course on the home page; lesson code arrives highlighted.
#[tokio::test]
async fn handles_featured_courses_and_highlighted_code() {
    for app in TestApp::spawn().demo().every_backend().await {
        let author = app
            .register_as("handle-author@example.com", Role::Author)
            .await;
        let admin = app.make_admin("handle-admin@example.com").await;
        let (course, lessons, _) =
            published_course(&app, &author, &admin, "Handles and code", "0").await;
        let other = app
            .register_as("handle-other@example.com", Role::Author)
            .await;

        let profile = [("bio", "Teaches Rust."), ("handle", " @Ada-Teaches ")];
        call_ok(&app, "set_profile", Some(&author), &profile).await;
        // Sent again, the same profile is no conflict with itself.
        call_ok(&app, "set_profile", Some(&author), &profile).await;
        let page = call_ok(&app, "author", None, &[("key", "ada-teaches")]).await;
        assert_eq!(page["handle"], "ada-teaches", "{:?}", app.backend());
        assert_eq!(page["bio"], "Teaches Rust.");
        for (handle, status) in [
            ("ada-teaches", 409),
            ("admin", 400),
            ("7up", 400),
            ("ab", 400),
        ] {
            let taken = app
                .call("set_profile", Some(&other), &[("handle", handle)])
                .await;
            assert_eq!(taken.status(), status, "{handle} on {:?}", app.backend());
        }
        // A refused handle changes nothing, the bio included; an empty one gives it back.
        let page = call_ok(&app, "author", None, &[("key", "ada-teaches")]).await;
        assert_eq!(page["bio"], "Teaches Rust.");
        call_ok(
            &app,
            "set_profile",
            Some(&author),
            &[("bio", "Teaches Rust.")],
        )
        .await;
        assert_eq!(
            app.call("author", None, &[("key", "ada-teaches")])
                .await
                .status(),
            404
        );
        call_ok(
            &app,
            "set_profile",
            Some(&other),
            &[("handle", "ada-teaches")],
        )
        .await;

        let id = course.to_string();
        let feature = [("course", id.as_str()), ("featured", "true")];
        assert_eq!(
            app.call("set_featured", Some(&author), &feature)
                .await
                .status(),
            403
        );
        call_ok(&app, "set_featured", Some(&admin), &feature).await;
        let home = call_ok(&app, "home", None, &[]).await;
        assert_eq!(home["featured"][0]["id"], course, "{:?}", app.backend());
        let unfeature = [("course", id.as_str()), ("featured", "false")];
        call_ok(&app, "set_featured", Some(&admin), &unfeature).await;
        let home = call_ok(&app, "home", None, &[]).await;
        let featured = home["featured"].as_array().unwrap();
        assert!(featured.iter().all(|card| card["id"] != course));

        let open = lesson(&app, None, "handles-and-code", &lessons[0])
            .await
            .to_string();
        assert!(
            open.contains(r#"<span class=\"hl-k\">let</span>"#),
            "{open}"
        );
        assert!(open.contains("open words"), "{open}");
        app.stop().await;
    }
}

/// Each node batches its own progress reports; two nodes on one PostgreSQL, taking one learner's
/// reports in any interleaving (concurrently, late ones included), leave exactly the state the
/// domain's merge gives.
#[tokio::test]
async fn two_nodes_batching_progress_agree_with_the_merge() {
    let Some(first) = TestApp::spawn().demo().postgres().await else {
        return;
    };
    let second = first.second_node().await;
    let author = first
        .register_as("two-nodes@example.com", Role::Author)
        .await;
    let admin = first.make_admin("two-nodes-admin@example.com").await;
    let (_, lessons, _) = published_course(&first, &author, &admin, "Two nodes", "0").await;
    let ada = first
        .register("two-ada@example.com", "a long and unusual passphrase")
        .await;
    call_ok(&first, "enroll", Some(&ada), &[("slug", "two-nodes")]).await;

    // (position, stamp) pairs sent through alternating nodes all at once.
    let reports: Vec<(u64, i64)> = (0..40_i64)
        .map(|i| (i.unsigned_abs() * 2_000 % 100_000, i * 7919 % 97 + 1))
        .collect();
    let mut expected = domain::progress::LessonProgress::default();
    for (position, at) in &reports {
        let report = domain::progress::Report::Played {
            position_ms: *position,
            duration_ms: 100_000,
        };
        expected = expected.apply(report, *at);
    }
    let mut sends = Vec::new();
    for (i, (position, at)) in reports.iter().enumerate() {
        let node = if i % 2 == 0 { &first } else { &second };
        let fields = [
            ("slug", "two-nodes".to_owned()),
            ("lesson", lessons[2].clone()),
            ("kind", "played".to_owned()),
            ("position_ms", position.to_string()),
            ("duration_ms", "100000".to_owned()),
            ("at", at.to_string()),
        ];
        let ada = ada.clone();
        sends.push(async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            node.call("progress", Some(&ada), &fields).await.status()
        });
    }
    for status in futures_util::future::join_all(sends).await {
        assert_eq!(status, 200);
    }
    let film = lesson(&second, Some(&ada), "two-nodes", &lessons[2]).await;
    assert_eq!(film["resume_ms"], expected.position_ms);
    assert_eq!(film["done"], expected.done);
    second.stop().await;
    first.stop().await;
}
