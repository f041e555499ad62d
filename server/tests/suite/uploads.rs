//! Resumable uploads over the tus 1.0.0 protocol: a connection dropped midway loses nothing that
//! arrived, the rest is sent from where it stopped (on another node too) and the file is the same
//! bytes; what the media API refuses is refused here too; an abandoned upload is cleared away.

use crate::support::{S3Server, TestApp};
use bytes::Bytes;
use domain::Role;
use futures_util::StreamExt;

const MIB: usize = 1024 * 1024;
/// The first bytes of an MP4 file (an `ftyp` box).
const MP4_HEAD: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";

/// `total` bytes of a "video": an MP4 head, then a pattern that shows any misplaced byte.
fn movie(total: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..total)
        .map(|i| (i % 251) as u8 ^ (i / 4096) as u8)
        .collect();
    bytes[..MP4_HEAD.len()].copy_from_slice(MP4_HEAD);
    bytes
}

/// A tus request to `path` as `cookie`, same-origin.
fn tus(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
) -> reqwest::RequestBuilder {
    app.client
        .request(method, format!("{}{path}", app.base))
        .header("origin", &app.base)
        .header("tus-resumable", "1.0.0")
        .header("cookie", format!("lore_session={cookie}"))
}

/// `Upload-Metadata` for a file of `kind` named `name`.
fn metadata(kind: &str, name: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    format!("kind {},filename {}", b64(kind), b64(name))
}

/// Begins an upload of `length` bytes; its address.
async fn create(app: &TestApp, cookie: &str, kind: &str, length: usize) -> reqwest::Response {
    tus(app, reqwest::Method::POST, "/media/uploads", cookie)
        .header("upload-length", length.to_string())
        .header("upload-metadata", metadata(kind, "lecture.mp4"))
        .send()
        .await
        .unwrap()
}

/// Sends `bytes` from `offset`.
async fn patch(
    app: &TestApp,
    at: &str,
    cookie: &str,
    offset: usize,
    bytes: Vec<u8>,
) -> reqwest::Response {
    tus(app, reqwest::Method::PATCH, at, cookie)
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Where the upload at `at` stands.
async fn offset(app: &TestApp, at: &str, cookie: &str) -> usize {
    let head = tus(app, reqwest::Method::HEAD, at, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A 12 MiB video: the connection drops after 7 MiB of a request carrying everything; the upload
/// keeps what arrived, and the rest, sent from there through a second node on the same database
/// and bucket, completes a file identical to the original (every backend; S3 when moto runs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_upload_resumes_where_it_stopped() {
    let s3 = S3Server::start().await;
    let place = s3.as_ref().map(S3Server::place);
    let spawn = || {
        let place = place.clone();
        TestApp::spawn().configure(move |s| {
            if let Some(place) = &place {
                s.media = place.clone();
            }
        })
    };
    let mut apps = vec![spawn().sqlite().await];
    apps.extend(spawn().postgres().await);
    for app in apps {
        let author = app.register_as("resumer@example.com", Role::Author).await;
        let file = movie(12 * MIB + 321);
        let created = create(&app, &author, "video", file.len()).await;
        assert_eq!(created.status(), 201);
        let at = created.headers()["location"].to_str().unwrap().to_owned();
        assert!(at.starts_with("/media/uploads/"));

        // Everything in one request, but the connection drops after 7 MiB.
        let sent = file[..7 * MIB].to_vec();
        let pieces = sent
            .chunks(256 * 1024)
            .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>();
        let broken = futures_util::stream::iter(pieces).chain(futures_util::stream::once(async {
            Err(std::io::Error::other("cable pulled"))
        }));
        let dropped = tus(&app, reqwest::Method::PATCH, &at, &author)
            .header("upload-offset", "0")
            .header("content-type", "application/offset+octet-stream")
            .body(reqwest::Body::wrap_stream(broken))
            .send()
            .await;
        assert!(dropped.is_err() || !dropped.unwrap().status().is_success());
        // Give the server a moment to store what it had read.
        let mut kept = 0;
        for _ in 0..50 {
            kept = offset(&app, &at, &author).await;
            if kept > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(kept > MIB && kept <= 7 * MIB, "kept {kept} bytes");

        // A wrong offset is refused with the right one.
        let wrong = patch(&app, &at, &author, 0, file[..10].to_vec()).await;
        assert_eq!(wrong.status(), 409);
        assert_eq!(wrong.headers()["upload-offset"], kept.to_string().as_str());

        // The rest, from another node, in two requests.
        let other = match &s3 {
            Some(s3) => {
                let place = s3.place();
                Some(app.second_node_with(move |s| s.media = place).await)
            }
            None => None,
        };
        let node = other.as_ref().unwrap_or(&app);
        let middle = kept + (file.len() - kept) / 2;
        let half = patch(node, &at, &author, kept, file[kept..middle].to_vec()).await;
        assert_eq!(half.status(), 204);
        assert_eq!(half.headers()["upload-offset"], middle.to_string().as_str());
        assert!(
            half.headers().get("lore-media-id").is_none(),
            "not a file yet"
        );
        let last = patch(node, &at, &author, middle, file[middle..].to_vec()).await;
        assert_eq!(last.status(), 204, "{:?}", app.backend());
        let url = last.headers()["lore-media-url"]
            .to_str()
            .unwrap()
            .to_owned();
        let got = app.get_as(&url, &author, "en").await;
        assert_eq!(got.status(), 200);
        assert_eq!(got.headers()["content-type"], "video/mp4");
        assert!(got.bytes().await.unwrap() == file, "bytes identical");
        let again = patch(&app, &at, &author, file.len(), Vec::new()).await;
        assert_eq!(again.status(), 409, "a finished upload takes nothing more");
        if let Some(other) = other {
            other.stop().await;
        }
        app.stop().await;
    }
}

/// What the media API refuses, the resumable one refuses too, and keeps nothing of: a file larger
/// than its kind allows (at once, by its declared length), an HTML page sent as a picture (when
/// its bytes are in), a stranger's upload, an old protocol version, the wrong body type.
#[tokio::test]
async fn refused_uploads_keep_nothing() {
    // An operator's smaller video limit (LORE_MAX_VIDEO_MIB=1), held by both upload routes.
    let app = TestApp::sqlite_with(|s| s.media_limits.video = MIB as u64).await;
    let author = app.register_as("careful@example.com", Role::Author).await;
    let stranger = app.register_as("stranger@example.com", Role::Author).await;
    let learner = app.register_as("reader@example.com", Role::Learner).await;

    assert_eq!(create(&app, &author, "image", 21 * MIB).await.status(), 413);
    assert_eq!(create(&app, &author, "video", MIB + 1).await.status(), 413);
    let streamed = app
        .upload(Some(&author), "kind=video&name=long.mp4", movie(MIB + 1))
        .await;
    assert_eq!(streamed.status(), 413);
    assert_eq!(create(&app, &author, "avatar", 10).await.status(), 403);
    assert_eq!(create(&app, &author, "script", 10).await.status(), 400);
    assert_eq!(create(&app, &learner, "video", 10).await.status(), 403);
    let no_version = app
        .client
        .post(format!("{}/media/uploads", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("lore_session={author}"))
        .header("upload-length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 412);
    assert_eq!(no_version.headers()["tus-version"], "1.0.0");
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let path = if method == reqwest::Method::POST {
            "/media/uploads".to_owned()
        } else {
            format!("/media/uploads/{}", "a".repeat(32))
        };
        let forged = app
            .client
            .request(method.clone(), format!("{}{path}", app.base))
            .header("origin", "https://evil.example")
            .header("tus-resumable", "1.0.0")
            .header("cookie", format!("lore_session={author}"))
            .header("upload-length", "10")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403, "{method} from another site");
    }

    let page = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    let created = create(&app, &author, "image", page.len()).await;
    let at = created.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        patch(&app, &at, &stranger, 0, page.clone()).await.status(),
        404
    );
    let head = tus(&app, reqwest::Method::HEAD, &at, &stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.status(),
        404,
        "a stranger's upload does not exist for them"
    );
    let untyped = tus(&app, reqwest::Method::PATCH, &at, &author)
        .header("upload-offset", "0")
        .body(page.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(untyped.status(), 415);
    let refused = patch(&app, &at, &author, 0, page).await;
    assert_eq!(refused.status(), 415, "an HTML page is no picture");
    let head = tus(&app, reqwest::Method::HEAD, &at, &author)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 404, "a refused upload is forgotten");

    let created = create(&app, &author, "video", 100).await;
    let at = created.headers()["location"].to_str().unwrap().to_owned();
    let too_much = patch(&app, &at, &author, 0, movie(200)).await;
    assert_eq!(too_much.status(), 413, "more bytes than declared");
    for _ in 0..2 {
        let cancelled = tus(&app, reqwest::Method::DELETE, &at, &author)
            .send()
            .await
            .unwrap();
        assert_eq!(cancelled.status(), 204, "safe to repeat");
    }
    assert_eq!(leftover_parts(&app), 0, "{:?}", app.data_dir());
    app.stop().await;
}

/// Part files left in the local media folder.
fn leftover_parts(app: &TestApp) -> usize {
    walk(&app.data_dir().join("media").join("uploads"))
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

/// An upload nobody has touched for a day is deleted, parts and all, when the next one starts.
#[tokio::test]
async fn an_abandoned_upload_is_cleared_when_the_next_one_starts() {
    for app in TestApp::every_backend().await {
        let author = app.register_as("leaver@example.com", Role::Author).await;
        let created = create(&app, &author, "video", 4 * MIB).await;
        let at = created.headers()["location"].to_str().unwrap().to_owned();
        let first = patch(&app, &at, &author, 0, movie(MIB)).await;
        assert_eq!(first.status(), 204);
        assert_eq!(leftover_parts(&app), 1);
        app.db().execute("UPDATE uploads SET updated_at = 0").await;
        assert_eq!(create(&app, &author, "video", MIB).await.status(), 201);
        let head = tus(&app, reqwest::Method::HEAD, &at, &author)
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 404, "{:?}", app.backend());
        assert_eq!(leftover_parts(&app), 0);
        app.stop().await;
    }
}

/// When recording the joined file fails (a database error, injected), the upload keeps all its
/// bytes, and an empty `PATCH` at the end retries the join: the retry completes it (every backend).
#[tokio::test]
async fn a_failed_join_is_retried_by_an_empty_request_at_the_end() {
    for app in TestApp::every_backend().await {
        let author = app.register_as("retrier@example.com", Role::Author).await;
        let file = movie(MIB + 5);
        let created = create(&app, &author, "video", file.len()).await;
        let at = created.headers()["location"].to_str().unwrap().to_owned();
        app.db().break_writes("INSERT", "media").await;
        let failed = patch(&app, &at, &author, 0, file.clone()).await;
        assert_eq!(failed.status(), 503, "{:?}", app.backend());
        app.db().heal("INSERT", "media").await;
        assert_eq!(
            offset(&app, &at, &author).await,
            file.len(),
            "nothing was lost"
        );
        let retried = patch(&app, &at, &author, file.len(), Vec::new()).await;
        assert_eq!(retried.status(), 204);
        let url = retried.headers()["lore-media-url"]
            .to_str()
            .unwrap()
            .to_owned();
        let got = app.get_as(&url, &author, "en").await;
        assert!(got.bytes().await.unwrap() == file, "bytes identical");
        app.stop().await;
    }
}
