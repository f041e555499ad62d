//! Spawning the real application on port 0 against a fresh database, as a user's browser would see it.

use secrecy::SecretString;
use server::Application;
use server::config::{Environment, Settings};
use services::Services;
use store::testing::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running Lore with its own database, seeded with the demo catalog.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A client that follows no redirects and does not decompress, so tests see what was sent.
    pub client: reqwest::Client,
    /// The app's services, for reaching behind HTTP.
    pub services: Services,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    db: Option<TestDb>,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    /// Lore on a fresh SQLite database.
    pub async fn sqlite() -> TestApp {
        TestApp::on(TestDb::sqlite().await).await
    }

    /// Lore on a fresh database of each available backend.
    pub async fn every_backend() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in TestDb::every_backend().await {
            apps.push(TestApp::on(db).await);
        }
        apps
    }

    async fn on(db: TestDb) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temporary data folder");
        let settings = Settings {
            database_url: SecretString::from(db.url.clone()),
            bind: "127.0.0.1:0".parse().expect("address"),
            data_dir: data_dir.path().to_owned(),
            secret_key: SecretString::from("t".repeat(64)),
            env: Environment::Development,
            seed_demo: true,
            site_root: data_dir.path().join("site"),
        };
        let app = Application::build(&settings).await.expect("build the app");
        let base = format!("http://127.0.0.1:{}", app.port());
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
            client,
            services,
            shutdown: Some(tx),
            server: Some(server),
            db: Some(db),
            _data_dir: data_dir,
        }
    }

    /// The backend under test, for assertion messages.
    pub fn backend(&self) -> store::Backend {
        self.services.store().backend()
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
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
            server.await.expect("server task").expect("server run");
        }
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }
}
