//! The load generator of `bench/progress.sh`: learners who each report their playback position
//! every few seconds, as a playing lesson does, on an open-loop schedule. Each report leaves on
//! time whether or not the last one was answered, so a slow server shows up as latency and
//! failures, never as a quietly lower rate (the mistake of a closed-loop generator).
//!
//!   beacons BASE_URL TOKENS_FILE SLUG LESSON SECONDS [EVERY_SECONDS]
//!
//! TOKENS_FILE holds one session token per line, one per learner. Prints one JSON object: how
//! many reports were sent, stored (200) and failed, the rate reached and the latency
//! percentiles.

use anyhow::{Context, bail};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    failed: u64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, tokens, slug, lesson, seconds, rest @ ..] = args.as_slice() else {
        bail!("usage: beacons BASE_URL TOKENS_FILE SLUG LESSON SECONDS [EVERY_SECONDS]");
    };
    let every = Duration::from_secs_f64(rest.first().map_or(Ok(5.0), |s| s.parse())?);
    let run_for = Duration::from_secs_f64(seconds.parse()?);
    let tokens: Vec<String> = std::fs::read_to_string(tokens)
        .context("tokens file")?
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    // One client, one pool: as a load balancer in front of Lore would, connections are reused
    // across learners, and as many are opened as reports are in flight at once.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = format!("{base}/api/progress");
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let learners = tokens.len().max(1) as u32;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, url, tally) = (client.clone(), url.clone(), Arc::clone(&tally));
        let (slug, lesson) = (slug.clone(), lesson.clone());
        // Learners started watching at evenly spread moments of one period.
        let offset = every * u32::try_from(i)? / learners;
        tasks.spawn(async move {
            let mut tick = tokio::time::interval_at((started + offset).into(), every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut position_ms: u64 = 0;
            let mut sent = tokio::task::JoinSet::new();
            loop {
                tick.tick().await;
                if started.elapsed() >= run_for {
                    break;
                }
                position_ms += every.as_millis() as u64;
                let at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis());
                let form = [
                    ("slug", slug.clone()),
                    ("lesson", lesson.clone()),
                    ("kind", "played".to_owned()),
                    ("position_ms", position_ms.to_string()),
                    ("duration_ms", "3600000".to_owned()),
                    ("at", at.to_string()),
                ];
                let request = client
                    .post(&url)
                    .header("origin", url.trim_end_matches("/api/progress"))
                    .header("accept", "application/json")
                    .header("cookie", format!("lore_session={token}"))
                    .form(&form);
                let tally = Arc::clone(&tally);
                sent.spawn(async move {
                    let begun = Instant::now();
                    let ok = matches!(request.send().await, Ok(r) if r.status().is_success());
                    let mut tally = tally.lock().await;
                    if ok {
                        tally.latencies_us.push(begun.elapsed().as_micros() as u64);
                    } else {
                        tally.failed += 1;
                    }
                });
            }
            while sent.join_next().await.is_some() {}
        });
    }
    while tasks.join_next().await.is_some() {}
    // The rate over the window the reports were scheduled in (waiting for the last answers is
    // not sending time).
    let elapsed = run_for.as_secs_f64();
    let mut tally = tally.lock().await;
    tally.latencies_us.sort_unstable();
    let pick = |q: f64| {
        let l = &tally.latencies_us;
        l.get(((q * l.len() as f64) as usize).min(l.len().saturating_sub(1)))
            .map(|us| (*us as f64 / 100.0).round() / 10.0)
    };
    let stored = tally.latencies_us.len() as u64;
    println!(
        "{{\"reports\":{},\"stored\":{stored},\"failed\":{},\"per_s\":{:.1},\"p50_ms\":{},\"p99_ms\":{}}}",
        stored + tally.failed,
        tally.failed,
        stored as f64 / elapsed,
        pick(0.5).map_or("null".to_owned(), |v| v.to_string()),
        pick(0.99).map_or("null".to_owned(), |v| v.to_string()),
    );
    Ok(())
}
