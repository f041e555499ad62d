//! Spawning the real application on port 0 against a fresh database, as a user's browser would see it.

use secrecy::SecretString;
use server::Application;
use server::config::{Environment, Settings};
use services::Services;
use testdb::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// No single step of a test should take longer; past it the test names the step instead of hanging.
const STEP: std::time::Duration = std::time::Duration::from_secs(20);

/// A running Lore with its own database, seeded with the demo catalog.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Where `/metrics` is served, when the settings asked for a metrics listener.
    pub metrics_base: Option<String>,
    /// A client that follows no redirects and does not decompress, so tests see what was sent.
    pub client: reqwest::Client,
    /// The app's services, for reaching behind HTTP.
    pub services: Services,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    db: Option<TestDb>,
    data_dir: tempfile::TempDir,
}

/// What a test's Lore starts with: nothing but an empty, migrated database unless asked.
/// `TestApp::spawn().demo().sqlite().await` for a test that reads the demo catalog.
pub struct Spawn {
    demo: bool,
    public_url: &'static str,
    configure: Box<dyn Fn(&mut Settings)>,
}

impl Spawn {
    /// Keep media in `s3`'s bucket, as every node of a load-balanced deployment does.
    pub fn on_bucket(self, s3: &S3Server) -> Spawn {
        let place = s3.place();
        self.configure(move |s| s.media = place.clone())
    }

    /// Seed the demo catalog (42 courses, their authors, the demo admin).
    pub fn demo(mut self) -> Spawn {
        self.demo = true;
        self
    }

    /// Deployed as if people reach it at `public_url` (for HTTPS behaviour).
    pub fn public_url(mut self, public_url: &'static str) -> Spawn {
        self.public_url = public_url;
        self
    }

    /// Settings changed by `configure` (the defaults are a development deployment on loopback, with
    /// every optional feature off).
    pub fn configure(mut self, configure: impl Fn(&mut Settings) + 'static) -> Spawn {
        self.configure = Box::new(configure);
        self
    }

    /// On a fresh SQLite database.
    pub async fn sqlite(self) -> TestApp {
        self.on(TestDb::sqlite().await).await
    }

    /// On a fresh PostgreSQL database, or `None` when the server is unreachable and not required
    /// (see `testdb`).
    pub async fn postgres(self) -> Option<TestApp> {
        Some(self.on(TestDb::postgres().await?).await)
    }

    /// On a fresh database of each available backend.
    pub async fn every_backend(self) -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in TestDb::every_backend().await {
            apps.push(self.on(db).await);
        }
        apps
    }

    async fn on(&self, db: TestDb) -> TestApp {
        let url = db.url.clone();
        let demo = self.demo;
        TestApp::build(Some(db), url, self.public_url, |settings| {
            settings.seed_demo = demo;
            (self.configure)(settings);
        })
        .await
    }
}

/// The repository's demo archives.
pub fn demo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo")
}

impl TestApp {
    /// A test's Lore, described step by step (see [`Spawn`]).
    pub fn spawn() -> Spawn {
        Spawn {
            demo: false,
            public_url: "http://127.0.0.1",
            configure: Box::new(|_| {}),
        }
    }

    /// Lore on a fresh, empty SQLite database.
    pub async fn sqlite() -> TestApp {
        TestApp::spawn().sqlite().await
    }

    /// Lore on a fresh, empty database of each available backend.
    pub async fn every_backend() -> Vec<TestApp> {
        TestApp::spawn().every_backend().await
    }

    /// Lore on a fresh, empty PostgreSQL database (see [`Spawn::postgres`]).
    pub async fn postgres() -> Option<TestApp> {
        TestApp::spawn().postgres().await
    }

    /// A second Lore node on this one's database, as a load balancer would put beside it. The
    /// database stays owned by `self`.
    pub async fn second_node(&self) -> TestApp {
        self.second_node_with(|_| {}).await
    }

    /// A second node with settings changed by `configure` (to share the first one's bucket).
    pub async fn second_node_with(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let url = self
            .db
            .as_ref()
            .expect("the first node owns a database")
            .url
            .clone();
        TestApp::build(None, url, "http://127.0.0.1", configure).await
    }

    /// Lore on SQLite as if deployed behind HTTPS at `public_url`.
    pub async fn behind_tls() -> TestApp {
        TestApp::spawn()
            .public_url("https://learn.example.com")
            .sqlite()
            .await
    }

    /// Lore on SQLite with settings changed by `configure`.
    pub async fn sqlite_with(configure: impl Fn(&mut Settings) + 'static) -> TestApp {
        TestApp::spawn().configure(configure).sqlite().await
    }

    async fn build(
        db: Option<TestDb>,
        database_url: String,
        public_url: &str,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        if std::env::var_os("LORE_TEST_LOG").is_some() {
            server::telemetry::init(Environment::Development);
        }
        let data_dir = tempfile::tempdir().expect("temporary data folder");
        let mut settings = Settings {
            payments: services::commerce::ProviderChoice::Sandbox,
            platform_share: services::commerce::DEFAULT_PLATFORM_SHARE,
            database_url: SecretString::from(database_url),
            bind: "127.0.0.1:0".parse().expect("address"),
            data_dir: data_dir.path().to_owned(),
            env: Environment::Development,
            seed_demo: false,
            demo_dir: demo_dir(),
            site_root: data_dir.path().join("site"),
            public_url: public_url.into(),
            smtp_url: None,
            mail_from: "Lore <no-reply@localhost>".into(),
            dev_mail: false,
            metrics_bind: None,
            trusted_proxies: server::client_ip::TrustedProxies::default(),
            media: server::config::MediaPlace::Folder(data_dir.path().join("media")),
            media_limits: domain::media::SizeLimits::default(),
            connections: server::config::Connections::default(),
        };
        configure(&mut settings);
        let app = tokio::time::timeout(STEP, Application::build(&settings))
            .await
            .expect("building the app took too long")
            .expect("build the app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let metrics_base = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let services = app.services().clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async {
            rx.await.ok();
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base,
            metrics_base,
            client,
            services,
            shutdown: Some(tx),
            server: Some(server),
            db,
            data_dir,
        }
    }

    /// The backend under test, for assertion messages.
    pub fn backend(&self) -> store::Backend {
        self.services.store().backend()
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let request = self.client.get(format!("{}{path}", self.base)).send();
        tokio::time::timeout(STEP, request)
            .await
            .unwrap_or_else(|_| panic!("GET {path} took over {STEP:?}"))
            .expect("GET")
    }

    /// Sends `request` as raw bytes over a new connection and returns the raw response (for paths
    /// an HTTP client would normalise, and for misbehaving clients).
    pub async fn raw(&self, request: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = self.base.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = Vec::new();
        tokio::time::timeout(STEP, stream.read_to_end(&mut response))
            .await
            .expect("the response took too long")
            .expect("read");
        String::from_utf8_lossy(&response).into_owned()
    }

    /// The built site's folder (empty in tests, which render pages without the WASM bundle).
    pub fn site_root(&self) -> std::path::PathBuf {
        self.data_dir.path().join("site")
    }

    /// The folder development mails are written to.
    pub fn mail_dir(&self) -> std::path::PathBuf {
        server::mailer::mail_dir(self.data_dir.path())
    }

    /// The test database behind this node, for what a test does behind the app's back.
    pub fn db(&self) -> &TestDb {
        self.db.as_ref().expect("this node owns the database")
    }

    /// The mails queued for `to`, oldest first (read from the outbox table, so there is nothing
    /// to wait for: a request queues its mail in the same unit of work as its other writes).
    pub async fn mails_to(&self, to: &str) -> Vec<String> {
        let mails = self.db().mails_to(to).await;
        mails.into_iter().map(|m| m.body).collect()
    }

    /// The first link in the newest mail queued for `to`.
    pub async fn mailed_link(&self, to: &str) -> String {
        let text = self
            .mails_to(to)
            .await
            .pop()
            .unwrap_or_else(|| panic!("no mail to {to}"));
        first_link(&text)
    }

    /// The first link in the newest development mail the sender task delivered to `to` (as a file
    /// under the data folder), waiting for it: for tests of delivery itself.
    pub async fn delivered_link(&self, to: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(text) = self.delivered_to(to).pop() {
                return first_link(&text);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no mail delivered to {to}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    fn delivered_to(&self, to: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        paths
            .into_iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .filter(|text| text.contains(&format!("To: {to}")))
            .map(|text| text.replace("=\r\n", "").replace("=3D", "="))
            .collect()
    }

    /// Registers `email` and makes it an administrator; returns its session token.
    pub async fn make_admin(&self, email: &str) -> String {
        let cookie = self.register(email, "a long and unusual passphrase").await;
        services::create_admin(&self.services, email, "Admin")
            .await
            .expect("make an admin");
        cookie
    }

    /// `GET {path}` with a session cookie, and the `Accept-Language` given.
    pub async fn get_as(&self, path: &str, cookie: &str, language: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("lore_session={cookie}"))
            .header("accept-language", language)
            .send()
            .await
            .expect("GET")
    }

    /// `POST /api/{name}` as a same-origin form, with an optional session cookie.
    pub async fn call(
        &self,
        name: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/api/{name}", self.base))
            .header("origin", &self.base)
            .form(fields);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("lore_session={cookie}"));
        }
        request.send().await.expect("POST")
    }

    /// `POST /api/{name}` with a JSON body (server functions that take JSON), same-origin.
    pub async fn call_json(
        &self,
        name: &str,
        cookie: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/api/{name}", self.base))
            .header("origin", &self.base)
            .json(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("lore_session={cookie}"));
        }
        request.send().await.expect("POST")
    }

    /// `POST /media?{query}` with `body` as the file, same-origin.
    pub async fn upload(
        &self,
        cookie: Option<&str>,
        query: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/media?{query}", self.base))
            .header("origin", &self.base)
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("lore_session={cookie}"));
        }
        request.send().await.expect("POST /media")
    }

    /// Creates an account and returns its session token.
    pub async fn register(&self, email: &str, password: &str) -> String {
        let response = self
            .call(
                "register",
                None,
                &[
                    ("email", email),
                    ("display_name", "Tester"),
                    ("password", password),
                ],
            )
            .await;
        assert!(
            response.status().is_success(),
            "register: {}",
            response.status()
        );
        session_cookie(&response).expect("a session cookie")
    }

    /// The account a session token belongs to.
    pub async fn user_id(&self, cookie: &str) -> domain::UserId {
        self.services
            .authenticate(cookie)
            .await
            .expect("authenticate")
            .expect("a live session")
            .actor
            .id
    }

    /// The app's data folder (its media folder is `media/` in it).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.data_dir.path().to_owned()
    }

    /// Creates an account with `role` and returns its session token. The role is set before the
    /// session is first used, so no node has cached the learner it started as.
    pub async fn register_as(&self, email: &str, role: domain::Role) -> String {
        let cookie = self.register(email, "a long and unusual passphrase").await;
        let store = self.services.store();
        let email = domain::Email::parse(email).expect("a valid email");
        let id = store
            .credentials(&email)
            .await
            .expect("read credentials")
            .expect("the account just made")
            .id;
        testdb::write_alone!(store, |tx| tx.set_user_role(id, role).await).expect("set the role");
        cookie
    }

    /// Signs in and returns the new session token.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.call("login", cookie, &[("email", email), ("password", password)])
            .await
    }

    /// Asks the server to stop, without waiting.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Whether the server task has ended.
    pub fn has_stopped(&self) -> bool {
        self.server.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Stops the server (waiting for it) and removes the database.
    pub async fn stop(mut self) {
        self.begin_shutdown();
        if let Some(server) = self.server.take() {
            tokio::time::timeout(STEP, server)
                .await
                .expect("the server did not stop in time")
                .expect("server task")
                .expect("server run");
        }
        if let Some(db) = self.db.take() {
            tokio::time::timeout(STEP, db.cleanup())
                .await
                .expect("the database cleanup took too long");
        }
    }
}

/// This process's resident memory, and its peak since [`reset_peak_rss`], in bytes (Linux).
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/self/status"))
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Makes the kernel's peak-RSS mark start again from the current RSS.
fn reset_peak_rss() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

/// How far this process's memory (which runs the app) rose above where it was while `work` ran.
pub async fn peak_growth<F: std::future::Future>(work: F) -> (F::Output, u64) {
    let (before, _) = rss();
    reset_peak_rss();
    let output = work.await;
    let (_, peak) = rss();
    (output, peak.saturating_sub(before))
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// The first `http…` link in a mail body.
fn first_link(text: &str) -> String {
    let start = text.find("http").expect("a link in the mail");
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The session token a response sets, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=')?;
            (name.ends_with("lore_session") && !value.is_empty()).then(|| value.to_owned())
        })
}

/// The path of a test server program from PyPI that `var` names (scripts/setup.sh --test installs
/// them, scripts/test.sh names them), or `None` when it is missing and not required: CI requires
/// every one, so a missing tool fails there instead of skipping.
pub fn test_tool(var: &str, name: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(path) if std::path::Path::new(&path).exists() => Some(path),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs {name}: run scripts/setup.sh --test and set {var}")
        }
        _ => {
            eprintln!("{name} not installed (scripts/setup.sh --test); skipping this test");
            None
        }
    }
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A moto S3 server (from PyPI) on a free loopback port, with one bucket; killed when dropped.
pub struct S3Server {
    _child: tokio::process::Child,
    endpoint: String,
}

/// The bucket tests store files in.
const BUCKET: &str = "lore-media";

impl S3Server {
    /// Starts moto, or `None` when it is not installed and not required (outside `make test` and
    /// CI, which install it with scripts/setup.sh --test and name it in `LORE_TEST_MOTO`).
    pub async fn start() -> Option<S3Server> {
        let program = test_tool("LORE_TEST_MOTO", "moto")?;
        let port = free_port();
        let child = tokio::process::Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start moto_server");
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + STEP;
        let client = reqwest::Client::new();
        // S3's CreateBucket: an unsigned PUT, which moto accepts.
        while !client
            .put(format!("{endpoint}/{BUCKET}"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(std::time::Instant::now() < deadline, "moto did not start");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Some(S3Server {
            _child: child,
            endpoint,
        })
    }

    /// Settings that put an app's media in this server's bucket.
    pub fn place(&self) -> server::config::MediaPlace {
        server::config::MediaPlace::S3 {
            bucket: BUCKET.into(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "lore-test".into(),
            secret_access_key: SecretString::from("lore-test-secret".to_owned()),
        }
    }

    /// How many objects the bucket holds (ListObjectsV2, unsigned).
    pub async fn object_count(&self) -> usize {
        let listing = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint))
            .await
            .expect("list the bucket")
            .text()
            .await
            .expect("listing");
        listing.matches("<Key>").count()
    }
}

/// The inside of the first `<div>` marked `data-testid="{testid}"` in `page` (up to its first
/// `</div>`, which is enough for the sanitised bodies tests look into), whatever order its
/// attributes come in.
pub fn div_with_testid<'a>(page: &'a str, testid: &str) -> Option<&'a str> {
    page.split_once(&format!("data-testid=\"{testid}\""))
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split("</div>").next())
}
