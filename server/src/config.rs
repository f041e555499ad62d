//! Configuration, in layers: built-in defaults, then an optional TOML file, then `LORE_*` variables.
//!
//! Secrets (the database URL, which may hold a password, and the secret key) are wrapped in
//! [`SecretString`], so `Debug` and logs print `[REDACTED]` instead of them.

use anyhow::Context;
use domain::media::SizeLimits;
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where Lore runs: development logs are pretty and `/dev` tools are on; production logs are JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer's machine.
    #[default]
    Development,
    /// A real deployment.
    Production,
}

/// The configuration as written by the operator; see [`Config::load`].
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; defaults to `sqlite://<data_dir>/lore.db`.
    pub database_url: Option<SecretString>,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Where Lore keeps its files (the SQLite database, uploaded media).
    pub data_dir: PathBuf,
    /// Development or production.
    pub env: Environment,
    /// Seed the demo catalog at start when the database has no courses.
    pub seed_demo: bool,
    /// The demo course archives (`courses/*.json` with `media/`), read by the demo seed.
    pub demo_dir: PathBuf,
    /// The folder cargo-leptos built the site into (holds `pkg/`).
    pub site_root: PathBuf,
    /// How people reach this Lore (`https://learn.example.com`), for links in mails and for cookie
    /// and HSTS decisions; defaults to `http://<bind>`.
    pub public_url: Option<String>,
    /// `smtps://user:pass@host:465` or `smtp://host:587` (STARTTLS); unset: mails are written as
    /// `.eml` files under `<data_dir>/mail`.
    pub smtp_url: Option<SecretString>,
    /// The sender of Lore's mails.
    pub mail_from: String,
    /// Serve the development mail viewer at `/dev/mail`, to loopback clients only. Off unless set,
    /// and refused when Lore listens on a non-loopback address: the viewer shows password-reset
    /// links.
    pub dev_mail: bool,
    /// A separate address for Prometheus `/metrics` (e.g. `127.0.0.1:9184`); unset: no metrics
    /// endpoint. Never the public port, which anyone can reach.
    pub metrics_bind: Option<SocketAddr>,
    /// Proxies (CIDRs, comma-separated, e.g. `10.0.0.0/8,127.0.0.1/32`) whose `X-Forwarded-For` or
    /// `Forwarded` header names the real client. Unset: the TCP peer is the client.
    pub trusted_proxies: String,
    /// A client must send a request's whole header within this many seconds.
    pub header_read_timeout_secs: u64,
    /// A connection with no request in flight is closed after this many seconds.
    pub idle_timeout_secs: u64,
    /// Connections served at once; further ones wait in the kernel's queue.
    pub max_connections: usize,
    /// Where uploaded files are kept when no S3 bucket is set; defaults to `<data_dir>/media`.
    pub media_dir: Option<PathBuf>,
    /// An S3-compatible bucket for uploaded files, which every app node must share when there are
    /// several; unset: the local `media_dir`.
    pub s3_bucket: Option<String>,
    /// The S3-compatible service's address (`https://s3.example.com`, `http://127.0.0.1:9000`);
    /// unset: AWS.
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    pub s3_region: String,
    /// The access key id for the bucket.
    pub s3_access_key_id: Option<String>,
    /// The secret access key for the bucket.
    pub s3_secret_access_key: Option<SecretString>,
    /// The largest picture accepted, in MiB.
    pub max_image_mib: u64,
    /// The largest lesson video accepted, in MiB.
    pub max_video_mib: u64,
    /// The largest lesson recording accepted, in MiB.
    pub max_audio_mib: u64,
    /// The largest attachment accepted, in MiB.
    pub max_document_mib: u64,
    /// Stripe's secret API key; set with the webhook secret, Lore takes money through Stripe
    /// instead of the built-in sandbox.
    pub stripe_secret_key: Option<SecretString>,
    /// The signing secret of Lore's webhook endpoint at Stripe (`whsec_…`).
    pub stripe_webhook_secret: Option<SecretString>,
    /// Stripe's API address; unset: `https://api.stripe.com`.
    pub stripe_api_base: Option<String>,
    /// The platform's share of every sale, in basis points (2000 = 20 %).
    pub platform_fee_bp: u16,
    /// Take test money through the built-in sandbox provider, whose pay page answers loopback
    /// clients only. Off unless set, and refused while Lore listens on a non-loopback address
    /// or Stripe is configured.
    pub sandbox_payments: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            env: Environment::Development,
            seed_demo: false,
            demo_dir: PathBuf::from("demo"),
            site_root: std::env::var_os("LEPTOS_SITE_ROOT")
                .map_or_else(|| PathBuf::from("target/site"), PathBuf::from),
            public_url: None,
            smtp_url: None,
            mail_from: "Lore <no-reply@localhost>".to_owned(),
            dev_mail: false,
            metrics_bind: None,
            trusted_proxies: String::new(),
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 1024,
            media_dir: None,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: "us-east-1".to_owned(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            max_image_mib: SizeLimits::default().image / MIB,
            max_video_mib: SizeLimits::default().video / MIB,
            max_audio_mib: SizeLimits::default().audio / MIB,
            max_document_mib: SizeLimits::default().document / MIB,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: None,
            platform_fee_bp: 2_000,
            sandbox_payments: false,
        }
    }
}

/// One mebibyte, the unit the size limits are written in.
const MIB: u64 = 1024 * 1024;

impl Config {
    /// The settings `LORE_*` variables may set. Other `LORE_*` variables (test tooling's, say) are
    /// not configuration and are left alone, while an unknown key in the file is an error.
    const KEYS: [&'static str; 31] = [
        "database_url",
        "bind",
        "data_dir",
        "env",
        "seed_demo",
        "demo_dir",
        "site_root",
        "public_url",
        "smtp_url",
        "mail_from",
        "dev_mail",
        "metrics_bind",
        "trusted_proxies",
        "header_read_timeout_secs",
        "idle_timeout_secs",
        "max_connections",
        "media_dir",
        "s3_bucket",
        "s3_endpoint",
        "s3_region",
        "s3_access_key_id",
        "s3_secret_access_key",
        "max_image_mib",
        "max_video_mib",
        "max_audio_mib",
        "max_document_mib",
        "stripe_secret_key",
        "stripe_webhook_secret",
        "stripe_api_base",
        "platform_fee_bp",
        "sandbox_payments",
    ];

    /// Reads the defaults, then `file` (or `lore.toml` in the working folder if it exists), then the
    /// environment (`LORE_DATABASE_URL`, `LORE_BIND`, …).
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} not found",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("lore.toml")),
        }
        figment
            .merge(Env::prefixed("LORE_").only(&Self::KEYS))
            .extract()
            .context("reading the configuration (defaults, file, LORE_* variables)")
    }

    /// Fills in what is derived: the default database URL and the persisted secret key. Creates the
    /// data folder.
    pub fn resolve(self) -> anyhow::Result<Settings> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data folder {}", self.data_dir.display()))?;
        let database_url = match self.database_url {
            Some(url) => url,
            None => SecretString::from(format!(
                "sqlite://{}",
                self.data_dir.join("lore.db").display()
            )),
        };
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned();
        anyhow::ensure!(
            public_url.starts_with("http://") || public_url.starts_with("https://"),
            "LORE_PUBLIC_URL must start with http:// or https://"
        );
        anyhow::ensure!(
            !self.dev_mail || self.bind.ip().is_loopback(),
            "LORE_DEV_MAIL shows password-reset links: it is refused while Lore listens on {}, \
             which is not a loopback address",
            self.bind
        );
        anyhow::ensure!(
            self.header_read_timeout_secs > 0 && self.idle_timeout_secs > 0,
            "LORE_HEADER_READ_TIMEOUT_SECS and LORE_IDLE_TIMEOUT_SECS must be at least 1"
        );
        anyhow::ensure!(
            self.max_connections > 0,
            "LORE_MAX_CONNECTIONS must be at least 1"
        );
        let trusted_proxies = crate::client_ip::TrustedProxies::parse(&self.trusted_proxies)
            .context("reading LORE_TRUSTED_PROXIES")?;
        let limits = [
            ("LORE_MAX_IMAGE_MIB", self.max_image_mib),
            ("LORE_MAX_VIDEO_MIB", self.max_video_mib),
            ("LORE_MAX_AUDIO_MIB", self.max_audio_mib),
            ("LORE_MAX_DOCUMENT_MIB", self.max_document_mib),
        ];
        for (name, mib) in limits {
            anyhow::ensure!(
                (1..=1024 * 1024).contains(&mib),
                "{name} must be between 1 and 1048576 (MiB)"
            );
        }
        let media_limits = SizeLimits {
            image: self.max_image_mib * MIB,
            video: self.max_video_mib * MIB,
            audio: self.max_audio_mib * MIB,
            document: self.max_document_mib * MIB,
        };
        let media = match self.s3_bucket {
            Some(bucket) => MediaPlace::S3 {
                bucket,
                endpoint: self.s3_endpoint,
                region: self.s3_region,
                access_key_id: self
                    .s3_access_key_id
                    .context("LORE_S3_BUCKET is set: LORE_S3_ACCESS_KEY_ID must be too")?,
                secret_access_key: self
                    .s3_secret_access_key
                    .context("LORE_S3_BUCKET is set: LORE_S3_SECRET_ACCESS_KEY must be too")?,
            },
            None => MediaPlace::Folder(
                self.media_dir
                    .unwrap_or_else(|| self.data_dir.join("media")),
            ),
        };
        let stripe = match (self.stripe_secret_key, self.stripe_webhook_secret) {
            (Some(secret_key), Some(webhook_secret)) => Some(services::stripe::StripeConfig {
                api_base: self
                    .stripe_api_base
                    .unwrap_or_else(|| services::stripe::API_BASE.to_owned()),
                secret_key: secret_key.expose_secret().to_owned(),
                webhook_secret: webhook_secret.expose_secret().to_owned(),
            }),
            (None, None) => None,
            _ => anyhow::bail!(
                "LORE_STRIPE_SECRET_KEY and LORE_STRIPE_WEBHOOK_SECRET go together: set both, or neither"
            ),
        };
        anyhow::ensure!(
            !self.sandbox_payments || self.bind.ip().is_loopback(),
            "LORE_SANDBOX_PAYMENTS lets anyone pay with test money: it is refused while Lore \
             listens on {}, which is not a loopback address",
            self.bind
        );
        let payments = match (stripe, self.sandbox_payments) {
            (Some(_), true) => anyhow::bail!(
                "LORE_SANDBOX_PAYMENTS and Stripe's keys are both set: choose one provider"
            ),
            (Some(config), false) => services::commerce::ProviderChoice::Stripe(config),
            (None, true) => services::commerce::ProviderChoice::Sandbox,
            (None, false) => services::commerce::ProviderChoice::Off,
        };
        let platform_share = domain::BasisPoints::new(self.platform_fee_bp)
            .ok()
            .context("LORE_PLATFORM_FEE_BP must be between 0 and 10000 (basis points)")?;
        Ok(Settings {
            payments,
            platform_share,
            database_url,
            public_url,
            smtp_url: self.smtp_url,
            mail_from: self.mail_from,
            bind: self.bind,
            data_dir: self.data_dir,
            env: self.env,
            seed_demo: self.seed_demo,
            demo_dir: self.demo_dir,
            site_root: self.site_root,
            dev_mail: self.dev_mail,
            metrics_bind: self.metrics_bind,
            trusted_proxies,
            media,
            media_limits,
            connections: Connections {
                header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
                idle_timeout: Duration::from_secs(self.idle_timeout_secs),
                max_connections: self.max_connections,
            },
        })
    }
}

/// The resolved configuration the application runs with.
#[derive(Debug)]
pub struct Settings {
    /// Who takes the money: Stripe, the built-in sandbox (test money), or nobody.
    pub payments: services::commerce::ProviderChoice,
    /// The platform's share of every sale.
    pub platform_share: domain::BasisPoints,
    /// Where the database is.
    pub database_url: SecretString,
    /// Address to listen on (port 0 picks a free one).
    pub bind: SocketAddr,
    /// Where Lore keeps its files.
    pub data_dir: PathBuf,
    /// Development or production.
    pub env: Environment,
    /// Seed the demo catalog into an empty database at start.
    pub seed_demo: bool,
    /// Where the demo course archives are.
    pub demo_dir: PathBuf,
    /// The built site (`pkg/`, public files).
    pub site_root: PathBuf,
    /// How people reach this Lore, without a trailing slash.
    pub public_url: String,
    /// The SMTP server, if mails go out by SMTP.
    pub smtp_url: Option<SecretString>,
    /// The sender of Lore's mails.
    pub mail_from: String,
    /// Whether `/dev/mail` is served (to loopback clients).
    pub dev_mail: bool,
    /// Where `/metrics` is served, if anywhere.
    pub metrics_bind: Option<SocketAddr>,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: crate::client_ip::TrustedProxies,
    /// Where uploaded files are kept.
    pub media: MediaPlace,
    /// The largest file of each kind accepted.
    pub media_limits: SizeLimits,
    /// Limits on connections.
    pub connections: Connections,
}

/// Where uploaded files are kept.
#[derive(Clone, Debug)]
pub enum MediaPlace {
    /// A folder on this machine (one node).
    Folder(PathBuf),
    /// An S3-compatible bucket (any number of nodes).
    S3 {
        /// The bucket.
        bucket: String,
        /// The service's address; `None` for AWS.
        endpoint: Option<String>,
        /// The bucket's region.
        region: String,
        /// The access key id.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: SecretString,
    },
}

impl MediaPlace {
    /// Opens the media store this names.
    pub fn open(&self) -> anyhow::Result<media::MediaStore> {
        Ok(match self {
            MediaPlace::Folder(dir) => media::MediaStore::local(dir)
                .with_context(|| format!("opening the media folder {}", dir.display()))?,
            MediaPlace::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
            } => media::MediaStore::s3(&media::S3Settings {
                endpoint: endpoint.clone(),
                bucket: bucket.clone(),
                region: region.clone(),
                access_key_id: access_key_id.clone(),
                secret_access_key: secret_access_key.expose_secret().to_owned(),
            })
            .with_context(|| format!("opening the media bucket {bucket}"))?,
        })
    }
}

/// How long a client may take and how many may be served at once; see [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connections {
    /// Time allowed to send a whole request header.
    pub header_read_timeout: Duration,
    /// Time an idle connection is kept.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Connections {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

impl Settings {
    /// Whether people reach Lore over HTTPS (secure cookies, HSTS).
    pub fn tls(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug() {
        let settings = Settings {
            payments: services::commerce::ProviderChoice::Stripe(services::stripe::StripeConfig {
                api_base: "https://api.stripe.com".into(),
                secret_key: "sk_live_stripe-secret".into(),
                webhook_secret: "whsec_hook-secret".into(),
            }),
            platform_share: domain::BasisPoints::of(2_000),
            database_url: SecretString::from("postgres://u:hunter2@h/db".to_owned()),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: PathBuf::from("x"),
            env: Environment::Production,
            seed_demo: false,
            demo_dir: PathBuf::from("demo"),
            site_root: PathBuf::from("site"),
            public_url: "http://x".into(),
            smtp_url: Some(SecretString::from("smtps://u:smtp-pass@h".to_owned())),
            mail_from: "x@y.z".into(),
            dev_mail: false,
            metrics_bind: None,
            trusted_proxies: crate::client_ip::TrustedProxies::default(),
            media_limits: SizeLimits::default(),
            media: MediaPlace::S3 {
                bucket: "b".into(),
                endpoint: None,
                region: "r".into(),
                access_key_id: "id".into(),
                secret_access_key: SecretString::from("s3-secret".to_owned()),
            },
            connections: Connections::default(),
        };
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("smtp-pass"));
        assert!(!printed.contains("s3-secret"));
        assert!(!printed.contains("stripe-secret"));
        assert!(!printed.contains("hook-secret"));
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the error type"
    )]
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("lore.toml", "bind = \"127.0.0.1:4000\"\nseed_demo = true")?;
            jail.set_env("LORE_BIND", "127.0.0.1:5000");
            jail.set_env("LORE_E2E_PORT", "1234");
            jail.set_env("LORE_MAX_VIDEO_MIB", "4096");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.bind.port(), 5000, "environment beats file");
            assert_eq!(config.max_video_mib, 4096);
            assert_eq!(config.max_audio_mib, 512, "the default");
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let resolved = Config {
                data_dir: dir.path().to_owned(),
                ..Config::load(None).map_err(|e| e.to_string())?
            }
            .resolve()
            .map_err(|e| e.to_string())?;
            assert_eq!(resolved.media_limits.video, 4096 * MIB);
            jail.set_env("LORE_MAX_VIDEO_MIB", "0");
            let zero = Config {
                data_dir: dir.path().to_owned(),
                ..Config::load(None).map_err(|e| e.to_string())?
            };
            assert!(zero.resolve().is_err(), "a limit of nothing is a mistake");
            assert!(config.seed_demo, "file beats defaults");
            assert_eq!(config.env, Environment::Development);
            jail.create_file("typo.toml", "bnid = \"127.0.0.1:1\"")?;
            assert!(
                Config::load(Some(Path::new("typo.toml"))).is_err(),
                "typos in the file are caught"
            );
            Ok(())
        });
    }

    #[test]
    fn the_mail_viewer_is_refused_on_a_public_address() {
        let dir = tempfile::tempdir().unwrap();
        let config = |bind: &str, dev_mail: bool| Config {
            bind: bind.parse().unwrap(),
            data_dir: dir.path().to_owned(),
            dev_mail,
            ..Config::default()
        };
        assert!(config("127.0.0.1:3000", true).resolve().is_ok());
        assert!(config("[::1]:3000", true).resolve().is_ok());
        assert!(config("0.0.0.0:3000", false).resolve().is_ok());
        let refused = config("0.0.0.0:3000", true).resolve().unwrap_err();
        assert!(
            format!("{refused:#}").contains("LORE_DEV_MAIL"),
            "{refused:#}"
        );
        assert!(config("192.168.1.5:3000", true).resolve().is_err());
        assert!(!Config::default().dev_mail, "off unless asked for");
    }

    /// SECURITY-TESTS 31 for the sandbox provider: off unless asked for, refused on a public
    /// address and beside Stripe's keys; without either provider, nothing takes money.
    #[test]
    fn the_sandbox_is_off_unless_asked_for_and_only_on_loopback() {
        use services::commerce::ProviderChoice;
        let dir = tempfile::tempdir().unwrap();
        let config = |bind: &str, sandbox_payments: bool| Config {
            bind: bind.parse().unwrap(),
            data_dir: dir.path().to_owned(),
            sandbox_payments,
            ..Config::default()
        };
        assert!(!Config::default().sandbox_payments, "off unless asked for");
        let off = config("127.0.0.1:3000", false).resolve().unwrap();
        assert!(matches!(off.payments, ProviderChoice::Off));
        let on = config("127.0.0.1:3000", true).resolve().unwrap();
        assert!(matches!(on.payments, ProviderChoice::Sandbox));
        let refused = config("0.0.0.0:3000", true).resolve().unwrap_err();
        assert!(
            format!("{refused:#}").contains("LORE_SANDBOX_PAYMENTS"),
            "{refused:#}"
        );
        let both = Config {
            stripe_secret_key: Some(SecretString::from("sk_test_x".to_owned())),
            stripe_webhook_secret: Some(SecretString::from("whsec_x".to_owned())),
            ..config("127.0.0.1:3000", true)
        };
        assert!(both.resolve().is_err(), "one provider at a time");
    }
}
