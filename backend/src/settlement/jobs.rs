//! Settlement as a background job. The settlement page (or the API) queues a job; every
//! `townpass serve` instance runs a worker that claims the oldest free job (one UPDATE only one
//! instance can win), renews its lease while it works and records how far it got, so the page can
//! show progress. If an instance dies, its lease runs out and another takes the job up again as a
//! new attempt; an attempt that lost its lease can never publish (`Store::publish_run` checks the
//! lease in the same transaction). The CLI runs its own job the same way, in its own process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::Report;
use crate::store::{JobRow, Store, StoreError};

/// A lease lasts this long (seconds) unless renewed; it is renewed every few seconds.
pub const LEASE_SECS: i64 = 60;
/// How often the lease is renewed and progress recorded.
const RENEW_EVERY: Duration = Duration::from_secs(3);
/// How often an idle worker looks for a job.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// A name for this process's claim on a job, unique among instances.
pub fn owner(kind: &str) -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    format!(
        "{kind}:{host}:{}:{}",
        std::process::id(),
        crate::store::now_ms()
    )
}

/// Runs one claimed attempt of `job` under `owner`'s lease: renews the lease while it computes,
/// records the passes read, and marks the job failed (with the reason) if it does not finish.
/// `now` is the settlement's "now" (unix s); leases go by the real clock.
pub async fn run(
    store: &Store,
    job: &JobRow,
    owner: &str,
    now: i64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, StoreError> {
    let read = Arc::new(AtomicU64::new(0));
    let lost = Arc::new(AtomicBool::new(false));
    let total = match store.settlement_catalogue().await {
        Ok(cat) => match super::Month::parse(&job.period, &cat.operator_zone) {
            Ok(month) => store
                .passes_to_settle_estimate(&month.label, month.ends_at)
                .await
                .ok(),
            Err(_) => None,
        },
        Err(_) => None,
    };
    let renewer = {
        let store = store.clone();
        let (id, owner) = (job.id, owner.to_string());
        let (read, lost) = (read.clone(), lost.clone());
        tokio::spawn(async move {
            loop {
                let passes = read.load(Ordering::Relaxed) as i64;
                let until = crate::store::now() + LEASE_SECS;
                match store.renew_job(id, &owner, passes, total, until).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lost.store(true, Ordering::Relaxed);
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, job = id, "could not renew the lease"),
                }
                tokio::time::sleep(RENEW_EVERY).await;
            }
        })
    };
    let counting = |n: u64| {
        read.store(n, Ordering::Relaxed);
        progress(n);
    };
    let result = super::compute(store, job, owner, now, &counting, &lost).await;
    renewer.abort();
    if let Err(e) = &result {
        tracing::warn!(job = job.id, period = %job.period, error = %e, "settlement job failed");
        if let Err(e2) = store
            .fail_job(job.id, owner, &e.to_string(), crate::store::now())
            .await
        {
            tracing::error!(job = job.id, error = %e2, "could not mark the settlement job failed");
        }
        let _ = store.drop_stale_runs(&job.period, Some(job.run())).await;
    } else {
        tracing::info!(job = job.id, period = %job.period, attempt = job.attempts, "settlement job done");
    }
    result
}

/// Runs queued settlement jobs until the process ends, one at a time.
pub fn spawn_worker(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let owner = owner("worker");
        loop {
            let now = crate::store::now();
            match store.claim_job(&owner, now, now + LEASE_SECS).await {
                Ok(Some(job)) => {
                    // The outcome is on the job row; `run` logged it.
                    let _ = run(&store, &job, &owner, crate::store::now(), &|_| {}).await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not look for settlement jobs"),
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    })
}
