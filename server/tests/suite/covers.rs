//! Course covers over real HTTP: an upload is checked by content and made into a 640×360 card and
//! a 1280×720 page picture; a draft's cover is its author's alone until a listed course shows it;
//! demo and imported covers get their sizes on first request, made once for every node.

use crate::studio::{draft_with_a_lesson, publish};
use crate::support::{S3Server, TestApp};
use domain::{CourseId, MediaId, Role};

/// A `width`×`height` PNG with a gradient, as a camera picture would never be but enough to see
/// the crop.
fn picture(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// Posts the cover form of `course` as a browser would: a file, or the remove button.
async fn post_cover(
    app: &TestApp,
    cookie: &str,
    course: i64,
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let form = match file {
        Some((name, bytes)) => reqwest::multipart::Form::new().part(
            "cover",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        ),
        None => reqwest::multipart::Form::new().text("remove", "1"),
    };
    app.client
        .post(format!("{}/studio/courses/{course}/cover", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("cookie", format!("lore_session={cookie}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn draft_cover(app: &TestApp, course: i64) -> Option<MediaId> {
    let draft = app
        .services
        .store()
        .course_draft(CourseId::new(course))
        .await;
    draft.unwrap().unwrap().settings.cover
}

/// `GET path` as `cookie` (or nobody): status, cache header, and the picture's size if it is one.
async fn fetch_cover(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
) -> (u16, String, Option<(u32, u32)>) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("lore_session={cookie}"));
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let cache = answer
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = answer.bytes().await.unwrap();
    let size = (status == 200).then(|| {
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            image::ImageFormat::Jpeg
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        (decoded.width(), decoded.height())
    });
    (status, cache, size)
}

#[tokio::test]
async fn a_cover_is_checked_sized_and_public_once_listed() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app
        .register_as("cover-author@example.com", Role::Author)
        .await;
    let other = app
        .register_as("cover-other@example.com", Role::Author)
        .await;
    let admin = app.make_admin("cover-admin@example.com").await;
    let (course, _, _) = draft_with_a_lesson(&app, &author, "Covered").await;

    let page: &[u8] = b"<!doctype html><html><script>alert(1)</script></html>";
    let refused = post_cover(&app, &author, course, Some(("evil.png", page.to_vec()))).await;
    assert_eq!(refused.status(), 303);
    assert!(
        refused.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?cover=not-an-image")
    );
    assert_eq!(draft_cover(&app, course).await, None, "nothing kept");
    let stranger = post_cover(&app, &other, course, Some(("p.png", picture(64, 64)))).await;
    assert_eq!(
        stranger.status(),
        404,
        "another author's course does not exist for them"
    );

    let saved = post_cover(
        &app,
        &author,
        course,
        Some(("photo.png", picture(1600, 1200))),
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert!(
        saved.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?cover=saved")
    );
    let cover = draft_cover(&app, course).await.expect("a cover");
    let card = format!("/media/covers/{cover}-card.jpg");
    let big = format!("/media/covers/{cover}-page.jpg");
    let (status, cache, size) = fetch_cover(&app, Some(&author), &card).await;
    assert_eq!((status, size), (200, Some((640, 360))));
    assert!(cache.starts_with("private"), "{cache}");
    assert_eq!(
        fetch_cover(&app, Some(&author), &big).await.2,
        Some((1280, 720))
    );
    assert_eq!(
        fetch_cover(&app, None, &card).await.0,
        404,
        "a draft's cover is private"
    );
    assert_eq!(fetch_cover(&app, Some(&other), &card).await.0, 404);
    assert_eq!(fetch_cover(&app, Some(&admin), &card).await.0, 200);
    assert_eq!(
        fetch_cover(&app, None, &format!("/media/covers/{cover}-huge.jpg"))
            .await
            .0,
        404
    );

    publish(&app, &author, &admin, course).await;
    let (status, cache, _) = fetch_cover(&app, None, &card).await;
    assert_eq!(status, 200, "a listed course's cover is public");
    assert!(cache.contains("immutable"), "{cache}");
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(&card), "the course card shows the cover");
    let course_page = app.get("/courses/covered").await.text().await.unwrap();
    assert!(
        course_page.contains(&big),
        "the course page shows the large size"
    );

    let removed = post_cover(&app, &author, course, None).await;
    assert!(
        removed.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?cover=removed")
    );
    assert_eq!(draft_cover(&app, course).await, None);
    app.stop().await;
}

/// The demo's covers come from its archives; their sizes are made on first request, once, into
/// the shared bucket, so the second node serves what the first made (PostgreSQL and moto).
#[tokio::test]
async fn demo_covers_are_sized_on_first_request_for_every_node() {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let Some(app) = TestApp::spawn().demo().on_bucket(&s3).postgres().await else {
        return;
    };
    let home = app.get("/").await.text().await.unwrap();
    let card = home
        .split("src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|src| src.starts_with("/media/covers/"))
        .expect("demo course cards show covers")
        .to_owned();
    let before = s3.object_count().await;
    let (status, cache, size) = fetch_cover(&app, None, &card).await;
    assert_eq!((status, size), (200, Some((640, 360))));
    assert!(cache.contains("public"), "{cache}");
    assert_eq!(s3.object_count().await, before + 1, "the size is kept");
    let place = s3.place();
    let other = app.second_node_with(move |s| s.media = place).await;
    assert_eq!(fetch_cover(&other, None, &card).await.2, Some((640, 360)));
    assert_eq!(s3.object_count().await, before + 1, "and not made again");
    other.stop().await;
    app.stop().await;
}
