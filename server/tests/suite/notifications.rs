//! The bell over real HTTP: a notification written on one node reaches a browser streaming from
//! another within a second (PostgreSQL's LISTEN/NOTIFY), a reconnect with `Last-Event-ID` replays
//! what was missed, and two nodes draining one mail outbox send every mail once.

use crate::support::TestApp;
use domain::Role;
use domain::review::Decision;
use std::time::{Duration, Instant};

/// An open `/notifications/stream` and what has been read of it.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, cookie: &str, last_event_id: Option<i64>) -> Stream {
        let mut request = app
            .client
            .get(format!("{}/notifications/stream", app.base))
            .header("cookie", format!("lore_session={cookie}"));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.expect("open the stream");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next notification event's id and data, waiting at most `within`.
    async fn next(&mut self, within: Duration) -> Option<(i64, serde_json::Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(str::trim)
                        .map(str::to_owned)
                };
                if field("event:").as_deref() == Some("notification") {
                    let id = field("id:")?.parse().ok()?;
                    let data = serde_json::from_str(&field("data:")?).ok()?;
                    return Some((id, data));
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// A submitted course of `author`'s, made through the services of `app`; its id.
async fn submitted(
    app: &TestApp,
    author: &services::CurrentSession,
    title: &str,
) -> domain::CourseId {
    let services = &app.services;
    let form = domain::authoring::SettingsForm {
        title: title.into(),
        category: "1".into(),
        language: "en".into(),
        level: "beginner".into(),
        price: "10".into(),
        currency: "USD".into(),
        ..Default::default()
    };
    let client = services::Client::default();
    let course = services
        .create_course(author, &form, &client)
        .await
        .unwrap();
    let chapter = services.add_chapter(author, course, "One").await.unwrap();
    services
        .add_lesson(author, chapter, "First", domain::LessonKind::Text)
        .await
        .unwrap();
    services
        .submit_course(author, course, &client)
        .await
        .unwrap();
    course
}

async fn session(app: &TestApp, cookie: &str) -> services::CurrentSession {
    app.services.authenticate(cookie).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_notification_reaches_a_browser_on_another_node_and_a_reconnect_misses_nothing() {
    for app in TestApp::spawn().demo().every_backend().await {
        // On SQLite there is one node: the stream and the write share it.
        let other = match app.backend() {
            store::Backend::Postgres => Some(app.second_node().await),
            store::Backend::Sqlite => None,
        };
        let streaming = other.as_ref().unwrap_or(&app);
        let author_cookie = app.register_as("bell@example.com", Role::Author).await;
        let reviewer_cookie = app.register_as("judge@example.com", Role::Reviewer).await;
        let author = session(&app, &author_cookie).await;
        let reviewer = session(&app, &reviewer_cookie).await;
        let client = services::Client::default();

        let anonymous = app.get("/notifications/stream").await;
        assert_eq!(anonymous.status(), 401);

        let mut stream = Stream::open(streaming, &author_cookie, None).await;
        let course = submitted(&app, &author, "Live bell").await;
        let started = Instant::now();
        app.services
            .decide_review(
                &reviewer,
                course,
                1,
                Decision::RequestChanges,
                "Needs work",
                &client,
            )
            .await
            .unwrap();
        let (first, data) = stream
            .next(Duration::from_secs(1))
            .await
            .unwrap_or_else(|| panic!("no event within 1 s ({:?})", app.backend()));
        let latency = started.elapsed();
        assert!(latency < Duration::from_secs(1), "{latency:?}");
        assert_eq!(data["notice"]["event"], "changes_requested");
        assert_eq!(data["link"], format!("/studio/courses/{course}"));

        // The browser loses the connection; meanwhile the course is resubmitted and approved.
        drop(stream);
        app.services
            .submit_course(&author, course, &client)
            .await
            .unwrap();
        app.services
            .decide_review(&reviewer, course, 2, Decision::Approve, "", &client)
            .await
            .unwrap();
        let mut resumed = Stream::open(streaming, &author_cookie, Some(first)).await;
        let (missed, data) = resumed
            .next(Duration::from_secs(1))
            .await
            .expect("the missed notification is replayed");
        assert!(missed > first);
        assert_eq!(data["notice"]["event"], "approved");
        assert!(
            resumed.next(Duration::from_millis(300)).await.is_none(),
            "nothing twice"
        );
        if let Some(other) = other {
            other.stop().await;
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn two_nodes_draining_one_outbox_send_each_mail_once() {
    use tokio::io::AsyncBufReadExt;
    let Some((mut smtpd, port)) = crate::abuse::smtp_server().await else {
        return;
    };
    let smtp = move |s: &mut server::config::Settings| {
        s.smtp_url = Some(secrecy::SecretString::from(format!(
            "smtp://127.0.0.1:{port}"
        )));
    };
    let Some(app) = TestApp::spawn().configure(smtp).postgres().await else {
        return;
    };
    let other = app.second_node_with(smtp).await;
    const MAILS: usize = 40;
    let mut tx = app.services.store().begin().await.unwrap();
    for i in 0..MAILS {
        tx.enqueue_mail(
            &format!("once{i}@example.com"),
            &format!("outbox-claim-{i}"),
            "body",
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut lines = tokio::io::BufReader::new(smtpd.stdout.take().unwrap()).lines();
    let mut seen = vec![0usize; MAILS];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut all_at = None;
    // Read until every mail arrived, then a few seconds more, long enough for a second node's
    // poll to send a duplicate if it could.
    loop {
        let until = all_at.map_or(deadline, |at: tokio::time::Instant| {
            at + Duration::from_secs(5)
        });
        let Ok(Ok(Some(line))) = tokio::time::timeout_at(until, lines.next_line()).await else {
            break;
        };
        if let Some(i) = line
            .split("Subject: outbox-claim-")
            .nth(1)
            .and_then(|n| n.trim().parse::<usize>().ok())
        {
            seen[i] += 1;
            if all_at.is_none() && seen.iter().all(|n| *n > 0) {
                all_at = Some(tokio::time::Instant::now());
            }
        }
    }
    assert!(seen.iter().all(|n| *n == 1), "{seen:?}");
    other.stop().await;
    app.stop().await;
}
