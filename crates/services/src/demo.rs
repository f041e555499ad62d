//! Demo content: a catalog of our own so a fresh Lore looks alive.
//!
//! Three authors, six categories and 42 courses in Chinese and English, with lesson bodies,
//! pictures, short video and audio clips and a worksheet, and an administrator and one author
//! whose generated passwords the seed reports once (so a newcomer can open the admin pages and
//! the studio at once).
//!
//! The courses are course archives like any other (`demo/courses/NN-<slug>.json` beside the
//! media files in `demo/media/`, made by `demo/make.py`): the seed packs each into a zip and
//! imports it through [`Services::import_course`], then submits and publishes it as the demo
//! administrator, so the demo exercises the same path an author's archive takes. Each course is
//! its own unit of work; a course whose slug exists is skipped, so a seed cut short finishes
//! when run again. [`seed_if_empty`] leaves a database that already has courses alone.

use crate::course_archive::Importer;
use crate::{Client, CurrentSession, ServiceError, Services};
use archive::{ArchiveWriter, Manifest};
use domain::permissions::Actor;
use domain::{Email, LocalizedText, Role, Slug};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use store::{NewCategory, NewUser};
use tracing::instrument;

/// What a seed run wrote.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SeedReport {
    /// Authors created.
    pub authors: usize,
    /// Categories created or updated.
    pub categories: usize,
    /// Courses created.
    pub courses: usize,
    /// Lessons created.
    pub lessons: usize,
    /// The demo administrator's sign-in, when this run created it: (email, password).
    pub admin: Option<(String, String)>,
    /// The first demo author's sign-in, when this run created them: (email, password).
    pub author: Option<(String, String)>,
}

/// One demo course in this many is featured on the home page.
const FEATURE_EVERY: usize = 7;

/// The demo administrator. Their password is generated and printed by the seed.
const DEMO_ADMIN: &str = "admin@example.com";

const AUTHORS: [(&str, &str); 3] = [
    ("lin.xiao@example.com", "林晓"),
    ("maya.hart@example.com", "Maya Hart"),
    ("chen.siyuan@example.com", "陈思远"),
];

const CATEGORIES: [(&str, &str, &str); 6] = [
    ("programming", "Programming", "编程开发"),
    ("design", "Design", "设计创意"),
    ("business", "Business", "职场商业"),
    ("languages", "Languages", "语言学习"),
    ("finance", "Personal finance", "理财投资"),
    ("lifestyle", "Lifestyle", "生活兴趣"),
];

/// Seeds the demo catalog from `dir` into a database that has no courses; does nothing otherwise.
pub async fn seed_if_empty(
    services: &Services,
    dir: &Path,
) -> Result<Option<SeedReport>, ServiceError> {
    if services.store().count_courses().await? > 0 {
        return Ok(None);
    }
    seed(services, dir).await.map(Some)
}

/// Writes the demo catalog from the archives in `dir`. Accounts and categories are reused if
/// present, and courses whose slug exists are skipped.
#[instrument(skip_all, err(level = "debug"))]
pub async fn seed(services: &Services, dir: &Path) -> Result<SeedReport, ServiceError> {
    let store = services.store();
    let archives = archives(dir)?;
    let mut report = SeedReport::default();
    let admin = crate::create_admin(services, DEMO_ADMIN, "Lore Admin").await?;
    report.admin = admin
        .password
        .map(|password| (DEMO_ADMIN.to_owned(), password));

    let mut tx = store.begin().await?;
    for (index, (email, name)) in AUTHORS.into_iter().enumerate() {
        let address = Email::parse(email).map_err(|_| ServiceError::Invalid("email"))?;
        if store.credentials(&address).await?.is_some() {
            continue;
        }
        report.authors += 1;
        // The first author can sign in, to show the studio; the others only write.
        let password_hash = if index == 0 {
            let password = crate::secrets::new_password();
            let hash = crate::secrets::hash_password(password.clone()).await?;
            report.author = Some((email.to_owned(), password));
            Some(hash)
        } else {
            None
        };
        tx.create_user(&NewUser {
            email: address,
            display_name: name.to_owned(),
            role: Role::Author,
            password_hash,
        })
        .await?;
    }
    for (position, (slug, en, zh)) in (1i64..).zip(CATEGORIES) {
        tx.upsert_category(&NewCategory {
            slug: Slug::parse(slug).map_err(|_| ServiceError::Invalid("slug"))?,
            name: LocalizedText {
                en: en.to_owned(),
                zh_cn: zh.to_owned(),
            },
            position,
        })
        .await?;
        report.categories += 1;
    }
    tx.commit().await?;

    let publisher = CurrentSession {
        session_id: 0,
        actor: Actor {
            id: admin.id,
            role: Role::Admin,
        },
        display_name: "Lore Admin".to_owned(),
    };
    let client = Client {
        ip: "demo seed".to_owned(),
        user_agent: "lore seed-demo".to_owned(),
    };
    for (index, path) in archives.into_iter().enumerate() {
        let manifest = read_manifest(&path)?;
        if store.slug_in_use(&manifest.course.slug, None).await? {
            continue;
        }
        let zip = pack(dir, &manifest)?;
        let imported = services
            .import_course(&Importer::Operator(None), Cursor::new(zip), &client)
            .await?;
        let number = services
            .submit_course(&publisher, imported.course, &client)
            .await?;
        // The operator seeding demo content publishes it without a review of their own.
        let mut tx = store.begin().await?;
        services
            .approve_in(
                &mut tx,
                admin.id,
                imported.course,
                number,
                store::now_millis(),
            )
            .await?;
        // Every seventh course is on the home page's "featured" row, as an admin would pick.
        if index % FEATURE_EVERY == 0 {
            tx.set_featured(imported.course, true, store::now_millis())
                .await?;
        }
        tx.commit().await?;
        report.courses += 1;
        report.lessons += imported.lessons;
    }
    Ok(report)
}

/// The demo archives' manifests in `dir/courses`, in seeding order (by file name).
fn archives(dir: &Path) -> Result<Vec<PathBuf>, ServiceError> {
    let folder = dir.join("courses");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|err| demo_missing(&folder, &err))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    found.sort();
    Ok(found)
}

fn demo_missing(path: &Path, err: &std::io::Error) -> ServiceError {
    tracing::error!(path = %path.display(), %err, "demo content not found (set LORE_DEMO_DIR)");
    ServiceError::Invalid("demo_dir")
}

fn read_manifest(path: &Path) -> Result<Manifest, ServiceError> {
    let json = std::fs::read(path).map_err(|err| demo_missing(path, &err))?;
    serde_json::from_slice(&json).map_err(|err| {
        tracing::error!(path = %path.display(), %err, "a demo manifest does not parse");
        ServiceError::Invalid("demo_manifest")
    })
}

/// The archive of one demo course: its manifest with the media files it lists, read from `dir`.
fn pack(dir: &Path, manifest: &Manifest) -> Result<Vec<u8>, ServiceError> {
    let broken = |err: archive::ArchiveError| {
        tracing::error!(%err, slug = manifest.course.slug, "packing a demo course failed");
        ServiceError::Invalid("demo_manifest")
    };
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new()));
    for media in &manifest.media {
        let file = dir.join(&media.path);
        let bytes = std::fs::read(&file).map_err(|err| demo_missing(&file, &err))?;
        let mut hash = writer.start_media(&media.path).map_err(broken)?;
        writer.write_media(&mut hash, &bytes).map_err(broken)?;
    }
    Ok(writer.finish(manifest).map_err(broken)?.into_inner())
}

/// The demo course titles in `dir`, in seeding order: what tests look for on a seeded home page.
pub fn course_titles(dir: &Path) -> Result<Vec<String>, ServiceError> {
    archives(dir)?
        .iter()
        .map(|path| read_manifest(path).map(|m| m.course.title))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
    }

    /// Every demo archive packs into one this Lore reads, names only categories and authors the
    /// seed makes, and the catalog has both languages in every category.
    #[test]
    fn the_demo_archives_are_valid_and_varied() {
        let mut languages = std::collections::HashSet::new();
        let paths = archives(&demo_dir()).unwrap();
        assert_eq!(paths.len(), 42);
        for path in paths {
            let manifest = read_manifest(&path).unwrap();
            let zip = pack(&demo_dir(), &manifest).unwrap();
            let (_, read) =
                archive::ArchiveReader::open(Cursor::new(zip), archive::Limits::default())
                    .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            assert_eq!(read, manifest);
            assert!(
                CATEGORIES
                    .iter()
                    .any(|(slug, _, _)| *slug == manifest.course.category)
            );
            assert!(
                AUTHORS
                    .iter()
                    .any(|(email, _)| *email == manifest.author.email)
            );
            languages.insert((manifest.course.category, manifest.course.language));
        }
        assert_eq!(languages.len(), 2 * CATEGORIES.len());
    }
}
