//! The driver of `bench/checkout.sh`: complete purchases over real HTTP against a running Lore,
//! on an open-loop schedule (each flow starts on time whether or not earlier ones finished, so a
//! slow server shows up as latency, never as a quietly lower rate).
//!
//! One flow is what a purchase costs the platform end to end: the buyer's checkout
//! (`POST /api/buy`, which makes the order and the provider's session), the provider's signed
//! `checkout.session.completed` event (`POST /webhooks/sandbox`, which pays the order, grants the
//! course and books the ledger in one unit of work), and the buyer's first paid lesson
//! (`POST /api/lesson`, which must now be open).
//!
//!   checkout-flows prepare DATABASE_URL LEARNERS > PLAN   (before the server starts)
//!   checkout-flows run BASE_URL PLAN RATE SECONDS         (prints one JSON object)
//!   checkout-flows check DATABASE_URL                     (the books after the run, as JSON)
//!
//! `prepare` makes the learners and their sessions straight in the database (thousands of
//! Argon2id sign-ups are not what is measured), and writes one line per learner: session token,
//! course slug, a paid lesson of it. Its first line is the sandbox's webhook secret.

use anyhow::{Context, bail};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{NewSession, NewUser, Store, now_millis};
use tokio::sync::Mutex;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["prepare", url, learners] => prepare(url, learners.parse()?).await,
        ["run", base, plan, rate, seconds] => {
            run(base, plan, rate.parse()?, seconds.parse()?).await
        }
        ["check", url] => check(url).await,
        _ => bail!(
            "usage: checkout-flows prepare DATABASE_URL LEARNERS | run BASE_URL PLAN RATE SECONDS | check DATABASE_URL"
        ),
    }
}

/// The paid demo courses and, for each, its first lesson that is not a free preview.
async fn paid_courses(services: &services::Services) -> anyhow::Result<Vec<(String, String)>> {
    let mut courses = Vec::new();
    for entry in std::fs::read_dir("demo/courses").context("demo/courses")? {
        let raw = std::fs::read_to_string(entry?.path())?;
        let archive: serde_json::Value = serde_json::from_str(&raw)?;
        let Some(slug) = archive["course"]["slug"].as_str() else {
            continue;
        };
        let course = services.course(slug).await?;
        if course.card.price.is_zero() {
            continue;
        }
        if let Some(lesson) = course.lessons_in_order().find(|l| !l.is_preview) {
            courses.push((slug.to_owned(), lesson.id.to_string()));
        }
    }
    anyhow::ensure!(
        !courses.is_empty(),
        "no paid demo course: seed the demo first"
    );
    courses.sort();
    Ok(courses)
}

async fn prepare(url: &str, learners: usize) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    let services = services::Services::new(
        store.clone(),
        media::MediaStore::in_memory(),
        "http://bench.test",
    );
    let courses = paid_courses(&services).await?;
    let secret = store
        .platform_key("sandbox_webhook_secret", &services::new_token())
        .await?;
    let mut out = format!("{secret}\n");
    let now = now_millis();
    let run = std::process::id();
    for batch in (0..learners).collect::<Vec<_>>().chunks(500) {
        let mut tx = store.begin().await?;
        for &i in batch {
            let email = domain::Email::parse(&format!("buyer{i}-{run}@bench.test"))?;
            let user = tx
                .create_user(&NewUser {
                    email,
                    display_name: format!("Buyer {i}"),
                    role: domain::Role::Learner,
                    password_hash: None,
                })
                .await?;
            let token = services::new_token();
            tx.create_session(&NewSession {
                token_hash: &services::token_hash(&token),
                user,
                now,
                user_agent: "bench",
                ip: "127.0.0.1",
            })
            .await?;
            let (slug, lesson) = &courses[i % courses.len()];
            out.push_str(&format!("{token} {slug} {lesson}\n"));
        }
        tx.commit().await?;
    }
    store.close().await;
    print!("{out}");
    Ok(())
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    failures: Vec<String>,
}

/// One purchase, start to finish; an error says which step failed.
async fn flow(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    learner: &[String; 3],
    key: &str,
) -> anyhow::Result<()> {
    let [token, slug, lesson] = learner;
    let cookie = format!("lore_session={token}");
    let bought = client
        .post(format!("{base}/api/buy"))
        .header("origin", base)
        .header("accept", "application/json")
        .header("cookie", &cookie)
        .form(&[("slug", slug.as_str()), ("coupon", ""), ("key", key)])
        .send()
        .await?;
    let status = bought.status();
    let location = bought
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Some(session) = location
        .rsplit('/')
        .next()
        .filter(|s| s.starts_with("cs_sandbox_"))
        .map(str::to_owned)
    else {
        bail!("buy: {status} {}", bought.text().await.unwrap_or_default());
    };
    let order = session.trim_start_matches("cs_sandbox_");
    let body = serde_json::json!({
        "id": format!("evt_{session}_completed"),
        "object": "event",
        "type": "checkout.session.completed",
        "created": now_millis() / 1000,
        "livemode": false,
        "data": {"object": {
            "id": session,
            "object": "checkout.session",
            "client_reference_id": order,
            "mode": "payment",
            "payment_intent": format!("pi_sandbox_{order}"),
            "payment_status": "paid",
            "status": "complete",
        }},
    })
    .to_string();
    let signature =
        payments::signature::sign(secret.as_bytes(), now_millis() / 1000, body.as_bytes());
    let delivered = client
        .post(format!("{base}/webhooks/sandbox"))
        .header(payments::signature::HEADER, signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(
        delivered.status().is_success(),
        "webhook: {}",
        delivered.status()
    );
    let read = client
        .post(format!("{base}/api/lesson"))
        .header("origin", base)
        .header("accept", "application/json")
        .header("cookie", &cookie)
        .form(&[("slug", slug.as_str()), ("lesson", lesson.as_str())])
        .send()
        .await?;
    anyhow::ensure!(read.status().is_success(), "lesson: {}", read.status());
    let lesson: serde_json::Value = read.json().await?;
    anyhow::ensure!(
        lesson["locked"] == false,
        "the bought lesson is still locked"
    );
    Ok(())
}

async fn run(base: &str, plan: &str, rate: f64, seconds: f64) -> anyhow::Result<()> {
    let plan = std::fs::read_to_string(plan).context("plan")?;
    let mut lines = plan.lines();
    let secret = lines.next().context("empty plan")?.to_owned();
    let learners: Vec<[String; 3]> = lines
        .map(|line| {
            let parts: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            parts
                .try_into()
                .map_err(|_| anyhow::anyhow!("bad plan line {line:?}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let flows = (rate * seconds) as usize;
    anyhow::ensure!(
        learners.len() >= flows,
        "{flows} flows need as many learners"
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let (base, secret) = (Arc::<str>::from(base), Arc::<str>::from(secret));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, learner) in learners.into_iter().take(flows).enumerate() {
        tokio::time::sleep_until((started + Duration::from_secs_f64(i as f64 / rate)).into()).await;
        let (client, base, secret, tally) =
            (client.clone(), base.clone(), secret.clone(), tally.clone());
        tasks.spawn(async move {
            let begun = Instant::now();
            let key = format!("bench-flow-{i:010}");
            let outcome = flow(&client, &base, &secret, &learner, &key).await;
            let mut tally = tally.lock().await;
            match outcome {
                Ok(()) => tally.latencies_us.push(begun.elapsed().as_micros() as u64),
                Err(err) => tally.failures.push(format!("{err:#}")),
            }
        });
    }
    let sending = started.elapsed().as_secs_f64();
    while tasks.join_next().await.is_some() {}
    let mut tally = tally.lock().await;
    tally.latencies_us.sort_unstable();
    let pick = |q: f64| {
        let l = &tally.latencies_us;
        l.get(((q * l.len() as f64) as usize).min(l.len().saturating_sub(1)))
            .map_or("null".to_owned(), |us| {
                format!("{:.1}", *us as f64 / 1000.0)
            })
    };
    let done = tally.latencies_us.len();
    if let Some(first) = tally.failures.first() {
        eprintln!("{} flows failed; the first: {first}", tally.failures.len());
    }
    println!(
        "{{\"flows\":{flows},\"completed\":{done},\"failed\":{},\"per_s\":{:.1},\"p50_ms\":{},\"p99_ms\":{},\"max_ms\":{}}}",
        tally.failures.len(),
        done as f64 / sending.max(seconds),
        pick(0.5),
        pick(0.99),
        pick(1.0),
    );
    Ok(())
}

async fn check(url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    let violations = store.commerce_violations().await?;
    let paid = store.paid_order_count().await?;
    store.close().await;
    println!(
        "{{\"paid_orders\":{paid},\"violations\":{}}}",
        serde_json::to_string(&violations)?
    );
    Ok(())
}
