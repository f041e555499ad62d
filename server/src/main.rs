//! `lore`: run the platform, migrate its database, create an administrator, seed the demo catalog.

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use server::config::Config;
use server::{Application, shutdown_signal, telemetry};
use services::Services;
use services::course_archive::{Exporter, Importer};
use std::path::PathBuf;
use store::Store;

/// mimalloc instead of the system allocator. Each password hash (Argon2id) takes a 19 MiB block;
/// glibc's malloc, after the first such block, keeps later ones on its heap and cannot give the
/// memory back between the small allocations around them, so a server that had 250 sign-ups sat at
/// 458 MB (bench/sse.sh, before this). mimalloc returns large blocks to the system once freed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Move courses between Lore installations as archives (docs/course-archive.md).
    Course {
        #[command(subcommand)]
        command: CourseCommand,
    },
}

#[derive(Subcommand)]
enum CourseCommand {
    /// Write a course's draft, with its media files, as one archive (zip).
    Export {
        /// The course's slug.
        #[arg(long)]
        slug: String,
        /// The archive to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import an archive as a new draft course.
    Import {
        /// The archive to read.
        file: PathBuf,
        /// The author who gets the course (default: the account with the archive's author email).
        #[arg(long)]
        author: Option<String>,
    },
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
            match services::demo::seed_if_empty(&services, &settings.demo_dir).await? {
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
        Command::Course { command } => course(&settings, command).await?,
    }
    Ok(())
}

/// `lore course export` and `lore course import`.
async fn course(settings: &server::config::Settings, command: CourseCommand) -> anyhow::Result<()> {
    let services = open(settings).await?;
    let client = services::Client {
        ip: "command line".to_owned(),
        user_agent: "lore course".to_owned(),
    };
    match command {
        CourseCommand::Export { slug, out } => {
            let course = services
                .course_by_slug(&slug)
                .await
                .with_context(|| format!("no course has the slug {slug:?}"))?;
            let target = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            let exported = services
                .export_course(&Exporter::Operator, course, target)
                .await
                .context("exporting the course")?;
            println!(
                "exported {} ({} lessons, {} media files) to {}",
                exported.slug,
                exported.lessons,
                exported.media,
                out.display()
            );
        }
        CourseCommand::Import { file, author } => {
            let author = author
                .map(|email| domain::Email::parse(&email))
                .transpose()
                .map_err(|_| anyhow::anyhow!("--author must be an email address"))?;
            let source = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let imported = services
                .import_course(&Importer::Operator(author), source, &client)
                .await
                .map_err(|err| anyhow::anyhow!("{}", services::cause_chain(&err)))
                .with_context(|| format!("importing {}", file.display()))?;
            println!(
                "imported {} as draft course {} ({} lessons, {} media files); \
                 it is in its author's studio at /studio/courses/{}",
                file.display(),
                imported.slug,
                imported.lessons,
                imported.media,
                imported.course
            );
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
