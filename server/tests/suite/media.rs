//! The media service over real HTTP: course files streamed into a local folder and into a real
//! S3-compatible server (moto), read back whole and in ranges by those allowed, refused by content,
//! and avatars moved out of the database.

use crate::support::{MIB, S3Server, TestApp, peak_growth};
use bytes::Bytes;
use domain::Role;
use futures_util::StreamExt;

/// The first bytes of an MP4 file: an `ftyp` box naming the `isom` brand.
const MP4_HEAD: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";

/// A video of `total` bytes, sent in 64 KiB pieces made as they are sent, so the client holds
/// none of it: what the process's memory does is the server's doing.
fn streamed_video(total: u64) -> reqwest::Body {
    const PIECE: u64 = 64 * 1024;
    let pieces = total.div_ceil(PIECE);
    let stream = futures_util::stream::iter(0..pieces).map(move |i| {
        let len = PIECE.min(total - i * PIECE) as usize;
        let mut piece = vec![(i % 251) as u8; len];
        if i == 0 {
            piece[..MP4_HEAD.len()].copy_from_slice(MP4_HEAD);
        }
        Ok::<_, std::io::Error>(Bytes::from(piece))
    });
    reqwest::Body::wrap_stream(stream)
}

/// The bytes `streamed_video(total)` sends.
fn video_bytes(total: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(total as usize);
    for i in 0..total.div_ceil(64 * 1024) {
        let len = (64 * 1024).min(total - i * 64 * 1024) as usize;
        out.extend(std::iter::repeat_n((i % 251) as u8, len));
    }
    out[..MP4_HEAD.len()].copy_from_slice(MP4_HEAD);
    out
}

async fn fetch(
    app: &TestApp,
    cookie: Option<&str>,
    url: &str,
    range: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{url}", app.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("lore_session={cookie}"));
    }
    if let Some(range) = range {
        request = request.header("range", range);
    }
    request.send().await.expect("GET")
}

/// Uploads a video of `total` bytes as an author and checks it reads back whole, in a range, and
/// only to those allowed; returns its URL.
async fn round_trip(app: &TestApp, author: &str, total: u64) -> String {
    let created = app
        .upload(
            Some(author),
            "kind=video&name=第一课.mp4",
            streamed_video(total),
        )
        .await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["content_type"], "video/mp4");
    assert_eq!(created["size"], total);
    assert_eq!(created["file_name"], "第一课.mp4");
    let url = created["url"].as_str().unwrap().to_owned();

    let whole = fetch(app, Some(author), &url, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert_eq!(whole.headers()["x-content-type-options"], "nosniff");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert!(
        whole.headers().get("content-encoding").is_none(),
        "media is sent as stored"
    );
    let disposition = whole.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert!(disposition.contains("UTF-8''%E7%AC%AC"), "{disposition}");
    let body = whole.bytes().await.unwrap();
    assert!(
        body.as_ref() == video_bytes(total).as_slice(),
        "the same bytes come back"
    );

    let part = fetch(app, Some(author), &url, Some("bytes=4-7")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 4-7/{total}")
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"ftyp");
    let past = fetch(app, Some(author), &url, Some(&format!("bytes={total}-"))).await;
    assert_eq!(past.status(), 416);
    assert_eq!(past.headers()["content-range"], format!("bytes */{total}"));
    url
}

#[tokio::test]
async fn course_files_stream_in_and_come_back_whole_and_in_ranges_to_those_allowed_only() {
    for app in TestApp::every_backend().await {
        let author = app.register_as("author@example.com", Role::Author).await;
        let other = app.register_as("other@example.com", Role::Author).await;
        let admin = app.make_admin("admin@example.com").await;
        let url = round_trip(&app, &author, 3 * 5 * MIB + 4321).await;

        for (who, cookie) in [
            ("another author", Some(other.as_str())),
            ("a visitor", None),
        ] {
            let refused = fetch(&app, cookie, &url, None).await;
            assert_eq!(refused.status(), 404, "{who} on {:?}", app.backend());
        }
        assert_eq!(
            fetch(&app, Some(&admin), &url, Some("bytes=0-0"))
                .await
                .status(),
            206
        );

        let delete = |cookie: String| {
            app.client
                .delete(format!("{}{url}", app.base))
                .header("origin", &app.base)
                .header("cookie", format!("lore_session={cookie}"))
                .send()
        };
        assert_eq!(
            delete(other.clone()).await.unwrap().status(),
            404,
            "not theirs"
        );
        assert_eq!(delete(author.clone()).await.unwrap().status(), 204);
        assert_eq!(
            delete(author.clone()).await.unwrap().status(),
            404,
            "a retry finds it gone"
        );
        assert_eq!(fetch(&app, Some(&author), &url, None).await.status(), 404);
        let files = std::fs::read_dir(app.data_dir().join("media/video"))
            .map(|dir| dir.count())
            .unwrap_or(0);
        assert_eq!(files, 0, "the bytes went with the record");
        app.stop().await;
    }
}

#[tokio::test]
async fn uploads_are_refused_by_role_and_by_content_with_translated_reasons() {
    let app = TestApp::sqlite().await;
    let learner = app
        .register("learner@example.com", "a long and unusual passphrase")
        .await;
    let author = app.register_as("author@example.com", Role::Author).await;

    let anonymous = app.upload(None, "kind=video", MP4_HEAD.to_vec()).await;
    assert_eq!(anonymous.status(), 401);
    let forbidden = app
        .upload(Some(&learner), "kind=video", MP4_HEAD.to_vec())
        .await;
    assert_eq!(forbidden.status(), 403);
    let unknown = app
        .upload(Some(&author), "kind=script", MP4_HEAD.to_vec())
        .await;
    assert_eq!(unknown.status(), 400);
    let avatar = app
        .upload(Some(&author), "kind=avatar", MP4_HEAD.to_vec())
        .await;
    assert_eq!(
        avatar.status(),
        403,
        "avatars go through the image pipeline"
    );

    let html = app
        .client
        .post(format!("{}/media?kind=video&name=a.mp4", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("lore_session={author}"))
        .header("content-type", "video/mp4")
        .header("accept-language", "zh-CN,zh;q=0.9")
        .body("<!doctype html><script>alert(document.cookie)</script>")
        .send()
        .await
        .unwrap();
    assert_eq!(
        html.status(),
        415,
        "named and labelled a video, but it is HTML"
    );
    let refusal: serde_json::Value = html.json().await.unwrap();
    assert_eq!(refusal["error"], "wrong-type");
    assert!(
        refusal["message"].as_str().unwrap().contains("不被接受"),
        "{refusal}"
    );

    let pdf_as_video = app
        .upload(Some(&author), "kind=video", b"%PDF-1.7\n%...".to_vec())
        .await;
    assert_eq!(pdf_as_video.status(), 415);
    let refusal: serde_json::Value = pdf_as_video.json().await.unwrap();
    assert!(
        refusal["message"]
            .as_str()
            .unwrap()
            .contains("not a type accepted")
    );
    let empty = app.upload(Some(&author), "kind=document", Vec::new()).await;
    assert_eq!(empty.status(), 400);

    let cross_site = app
        .client
        .post(format!("{}/media?kind=video", app.base))
        .header("origin", "https://evil.example")
        .header("cookie", format!("lore_session={author}"))
        .body(MP4_HEAD.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        cross_site.status(),
        403,
        "uploads are state changes: same origin only"
    );
    assert_eq!(
        std::fs::read_dir(app.data_dir().join("media"))
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "nothing refused was kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_upload_grows_the_servers_memory_by_under_32_mib() {
    let app = TestApp::sqlite().await;
    let author = app.register_as("author@example.com", Role::Author).await;
    // Warm up: the first upload allocates what every later one reuses (pools, buffers).
    assert_eq!(
        app.upload(Some(&author), "kind=video", streamed_video(6 * MIB))
            .await
            .status(),
        201
    );
    let total = 200 * MIB;
    let (status, growth) = peak_growth(async {
        app.upload(Some(&author), "kind=video", streamed_video(total))
            .await
            .status()
    })
    .await;
    assert_eq!(status, 201);
    eprintln!(
        "200 MiB upload to a folder: peak RSS growth {:.1} MiB",
        growth as f64 / MIB as f64
    );
    assert!(growth < 32 * MIB, "+{} MiB", growth / MIB);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_to_a_real_s3_server_and_every_node_serves_them() {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let place = s3.place();
    let app = match TestApp::spawn()
        .configure(move |s| s.media = place.clone())
        .postgres()
        .await
    {
        Some(app) => app,
        None => {
            let place = s3.place();
            TestApp::spawn()
                .configure(move |s| s.media = place.clone())
                .sqlite()
                .await
        }
    };
    let author = app.register_as("author@example.com", Role::Author).await;
    let url = round_trip(&app, &author, 12 * MIB + 7).await;

    let small = app
        .upload(
            Some(&author),
            "kind=document&name=notes.pdf",
            b"%PDF-1.7\n1 0 obj".to_vec(),
        )
        .await;
    assert_eq!(
        small.status(),
        201,
        "a file under one part goes up in a single PUT"
    );
    let small: serde_json::Value = small.json().await.unwrap();
    let pdf = fetch(&app, Some(&author), small["url"].as_str().unwrap(), None).await;
    assert!(
        pdf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "documents are downloaded, never rendered in Lore's origin"
    );
    assert_eq!(s3.object_count().await, 2);

    let refused = app
        .upload(Some(&author), "kind=video", b"<html>".to_vec())
        .await;
    assert_eq!(refused.status(), 415);
    let (status, growth) = peak_growth(async {
        app.upload(Some(&author), "kind=video", streamed_video(200 * MIB))
            .await
            .status()
    })
    .await;
    assert_eq!(status, 201);
    eprintln!(
        "200 MiB upload to S3: peak RSS growth {:.1} MiB",
        growth as f64 / MIB as f64
    );
    assert!(growth < 32 * MIB, "+{} MiB", growth / MIB);
    assert_eq!(s3.object_count().await, 3, "nothing refused was kept");

    if app.backend() == store::Backend::Postgres {
        let place = s3.place();
        let other = app.second_node_with(move |s| s.media = place).await;
        let there = fetch(&other, Some(&author), &url, Some("bytes=0-11")).await;
        assert_eq!(
            there.status(),
            206,
            "the other node reads the shared bucket"
        );
        assert_eq!(&there.bytes().await.unwrap()[4..8], b"ftyp");
        other.stop().await;
    }
    app.stop().await;
}

#[tokio::test]
async fn avatars_kept_in_the_database_move_to_the_media_store_at_start() {
    let app = TestApp::sqlite().await;
    let cookie = app
        .register("old-face@example.com", "a long and unusual passphrase")
        .await;
    let me = app.user_id(&cookie).await;
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(256, 256))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    app.db().insert_legacy_avatar(me, &png).await;
    let store = app.services.store();
    assert_eq!(
        fetch(&app, None, &format!("/media/avatars/{me}.png"), None)
            .await
            .status(),
        404
    );

    // A node that starts now (as after an upgrade) moves it; a third one finds nothing to move.
    let upgraded = app.second_node().await;
    let served = fetch(&upgraded, None, &format!("/media/avatars/{me}.png"), None).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());
    assert!(store.legacy_avatars(10).await.unwrap().is_empty());
    assert_eq!(upgraded.services.move_legacy_avatars().await.unwrap(), 0);
    upgraded.stop().await;
    app.stop().await;
}
