//! `lore`: run the platform, migrate its database, create an administrator, seed the demo catalog.

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use server::config::Config;
use server::{Application, shutdown_signal, telemetry};
use services::Services;
use std::path::PathBuf;
use store::Store;

/// Lore, a self-hosted knowledge-pay platform.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// A TOML configuration file (default: ./lore.toml if present). `LORE_*` variables override it.
    #[arg(long, global = true, env = "LORE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform (the default).
    Serve,
    /// Apply database migrations, then exit.
    Migrate,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write the demo catalog (3 authors, 6 categories, 42 courses) into an empty database.
    SeedDemo,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator, or make an existing account one.
    Create {
        /// Their sign-in email.
        #[arg(long)]
        email: String,
        /// The name shown for them.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Config::load(cli.config.as_deref())?.resolve()?;
    telemetry::init(settings.env);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&settings).await?;
            app.run_until(shutdown_signal()).await?;
        }
        Command::Migrate => {
            open(&settings).await?;
            println!("migrations applied");
        }
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => {
            let services = open(&settings).await?;
            let admin = services::create_admin(&services, &email, &name)
                .await
                .context("creating the administrator")?;
            match admin.password {
                Some(password) => println!(
                    "created administrator {email} (user id {}) with password: {password}\n\
                     sign in and change it on the account page",
                    admin.id
                ),
                None => println!("{email} (user id {}) is now an administrator", admin.id),
            }
        }
        Command::SeedDemo => {
            let services = open(&settings).await?;
            match services::demo::seed_if_empty(&services).await? {
                Some(report) => {
                    println!(
                        "seeded {} authors, {} categories, {} courses, {} lessons",
                        report.authors, report.categories, report.courses, report.lessons
                    );
                    if let Some((email, password)) = report.admin {
                        println!("demo admin login: {email} / {password}");
                    }
                    if let Some((email, password)) = report.author {
                        println!("demo author login (for /studio): {email} / {password}");
                    }
                }
                None => println!("the database already has courses; nothing seeded"),
            }
        }
    }
    Ok(())
}

/// Opens and migrates the configured database for a one-off command.
async fn open(settings: &server::config::Settings) -> anyhow::Result<Services> {
    let store = Store::connect(settings.database_url.expose_secret())
        .await
        .context("opening the database")?;
    store.migrate().await.context("applying migrations")?;
    Ok(Services::new(
        store,
        settings.media.open()?,
        &settings.public_url,
    ))
}
