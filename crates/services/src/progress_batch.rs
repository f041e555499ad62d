//! Progress reports written in batches.
//!
//! A playing lesson reports every few seconds, so 2,000 learners send 400 reports a second; one
//! transaction each would spend SQLite's single writer on commits. Reports that arrive together
//! are instead written together: the first to arrive opens a batch, waits up to [`GATHER`] for
//! others (or until [`MAX_BATCH`] are waiting), and writes them all in one unit of work. Every
//! request still waits for its batch's commit, so an answered report is a stored report, and a
//! failed batch fails each of its requests (safe to retry: reports merge by their stamps).
//!
//! The batcher belongs to one node; several nodes each batch their own reports into the shared
//! database, which is correct because a report's upsert merges with whatever another node wrote
//! in any order (`domain::progress`).

use crate::ServiceError;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use store::{ProgressWrite, Store};
use tokio::sync::{mpsc, oneshot};

/// How long the first report of a batch waits for company.
pub const GATHER: Duration = Duration::from_millis(20);
/// The most reports written in one transaction.
pub const MAX_BATCH: usize = 256;
/// Reports queued beyond this make callers wait (backpressure) instead of growing memory.
const QUEUE: usize = 4_096;

/// One waiting report: what to write, when the learner was there, and whom to tell.
struct Waiting {
    write: ProgressWrite,
    at: i64,
    done: oneshot::Sender<Result<(), Arc<ServiceError>>>,
}

/// The queue into this node's batch writer, started on first use.
#[derive(Default)]
pub struct ProgressBatcher {
    queue: OnceLock<mpsc::Sender<Waiting>>,
}

impl std::fmt::Debug for ProgressBatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressBatcher").finish_non_exhaustive()
    }
}

impl ProgressBatcher {
    /// Writes `write` (and the lesson as the learner's place at `at`) with whatever else arrives
    /// meanwhile, and returns once it is committed.
    pub async fn record(
        &self,
        store: &Store,
        write: ProgressWrite,
        at: i64,
    ) -> Result<(), ServiceError> {
        let queue = self.queue.get_or_init(|| {
            let (queue, waiting) = mpsc::channel(QUEUE);
            tokio::spawn(writer(store.clone(), waiting));
            queue
        });
        let (done, outcome) = oneshot::channel();
        if queue.send(Waiting { write, at, done }).await.is_ok()
            && let Ok(result) = outcome.await
        {
            return result.map_err(ServiceError::BatchFailed);
        }
        // The writer is gone (its runtime shut down): write alone.
        write_batch(store, &[(write, at)]).await
    }
}

/// Takes reports off the queue and writes them in batches until every sender is gone.
async fn writer(store: Store, mut waiting: mpsc::Receiver<Waiting>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + GATHER;
        while batch.len() < MAX_BATCH {
            match tokio::time::timeout_at(deadline, waiting.recv()).await {
                Ok(Some(next)) => batch.push(next),
                Ok(None) | Err(_) => break,
            }
        }
        let writes: Vec<(ProgressWrite, i64)> = batch.iter().map(|w| (w.write, w.at)).collect();
        let result = write_batch(&store, &writes).await.map_err(Arc::new);
        for waiting in batch {
            let _ = waiting.done.send(result.clone());
        }
    }
}

/// One unit of work for a batch: every report merged, every learner's place moved.
async fn write_batch(store: &Store, batch: &[(ProgressWrite, i64)]) -> Result<(), ServiceError> {
    let writes: Vec<ProgressWrite> = batch.iter().map(|(w, _)| *w).collect();
    let mut tx = store.begin().await?;
    tx.record_progress(&writes).await?;
    for (w, at) in batch {
        tx.touch_activity(w.user, w.course, w.lesson, *at).await?;
    }
    tx.commit().await?;
    Ok(())
}
