//! Bulk issue throughput: what `townpass issue --count 100000` does (sign + store, no PDF), on
//! SQLite and, when TOWNPASS_TEST_POSTGRES_URL is set, PostgreSQL. Prints passes per second.
//! `cargo bench -p townpass --bench issue` (TOWNPASS_BENCH_COUNT overrides the count).

use std::time::Instant;

use townpass::sales::{self, IssueRequest};
use townpass::testing::{TestDb, demo_catalogue};

fn main() {
    // Under `cargo test --benches` run a token amount, just to prove the bench works.
    let bench = std::env::args().any(|a| a == "--bench");
    let count: u32 = std::env::var("TOWNPASS_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(if bench { 100_000 } else { 100 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        for db in dbs {
            let now = townpass::store::now();
            townpass::catalog::apply(&db.store, demo_catalogue(), now).await.expect("catalogue");
            let key = db.key_ring().ensure_active(&db.store, now).await.expect("key");
            let req = IssueRequest::cli("bulgaria-72h", "adult", count);
            let started = Instant::now();
            let signed_at = std::sync::Arc::new(std::sync::Mutex::new(None::<f64>));
            let progress: sales::Progress = {
                let signed_at = signed_at.clone();
                std::sync::Arc::new(move |phase, _, _| {
                    if phase == "storing"
                        && let Ok(mut s) = signed_at.lock()
                    {
                        s.get_or_insert(started.elapsed().as_secs_f64());
                    }
                })
            };
            let issued = sales::issue(&db.store, &key, &req, now, progress).await.expect("issue");
            let secs = started.elapsed().as_secs_f64();
            let signing = signed_at.lock().ok().and_then(|s| *s).unwrap_or(0.0);
            assert_eq!(db.store.count_passes().await.expect("count"), i64::from(count));
            println!(
                "issue {count} passes on {:<8}: {secs:6.2} s ({signing:.2} s to the first stored batch), \
                 {:>8.0} passes/s (goal: at least 10000/s), {} cores",
                db.kind,
                f64::from(count) / secs,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            );
            drop(issued);
        }
    });
}
