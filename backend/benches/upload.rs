//! Upload throughput: one device sends 100,000 redemptions (100 signed batches of 1,000, as the
//! scanner sends them) and the server checks, re-verifies, judges and stores every one; then the
//! same batches again, which must add nothing. On SQLite and, when TOWNPASS_TEST_POSTGRES_URL is
//! set, PostgreSQL. `cargo bench -p townpass --bench upload` (TOWNPASS_BENCH_COUNT overrides).

use std::time::Instant;

use townpass::devices::sync;
use townpass::sales::{self, IssueRequest};
use townpass::testing::{TestDb, demo_catalogue};
use townpass_core::protocol::{SigningSecret, Upload, UploadItem};

const BATCH: usize = 1000;

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let count: u32 = std::env::var("TOWNPASS_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(if bench { 100_000 } else { 2_000 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        for db in dbs {
            let now = townpass::store::now();
            townpass::catalog::apply(&db.store, demo_catalogue(), now)
                .await
                .expect("catalogue");
            let key = db
                .key_ring()
                .ensure_active(&db.store, now)
                .await
                .expect("key");
            let req = IssueRequest::cli("bulgaria-72h", "adult", count);
            let issued = sales::issue(&db.store, &key, &req, now, sales::no_progress())
                .await
                .expect("issue");
            let (_, code, _) = townpass::devices::add(&db.store, "tsarevets", "Gate 1", now)
                .await
                .expect("code");
            let device = SigningSecret::from_seed(&[9; 32]);
            let enrolled = sync::enroll(
                &db.store,
                &db.key_ring(),
                &townpass_core::protocol::EnrollRequest {
                    code,
                    public_key: device.public_hex(),
                },
                now,
            )
            .await
            .expect("enrol");
            // One visit per pass, in scan order over the last hours.
            let items: Vec<UploadItem> = issued
                .passes
                .iter()
                .enumerate()
                .map(|(i, p)| UploadItem {
                    local_id: i as i64 + 1,
                    token: p.token.clone(),
                    offer: None,
                    scanned_at_ms: (now - 4 * 3600) * 1000 + i as i64 * 100,
                })
                .collect();
            let batches: Vec<_> = items
                .chunks(BATCH)
                .enumerate()
                .map(|(n, chunk)| {
                    device
                        .seal(&Upload {
                            device_id: enrolled.device_id,
                            venue: "tsarevets".into(),
                            seq: n as i64 + 1,
                            sent_at_ms: now * 1000,
                            items: chunk.to_vec(),
                        })
                        .expect("seal")
                })
                .collect();

            let started = Instant::now();
            let mut flagged = 0;
            for b in &batches {
                let r = sync::upload(&db.store, b, now * 1000)
                    .await
                    .expect("upload");
                flagged += r.items.iter().filter(|i| i.flag.is_some()).count();
            }
            let first = started.elapsed().as_secs_f64();
            let stored = db.store.redemption_count().await.expect("count");
            assert_eq!(stored, i64::from(count), "every redemption stored once");
            assert_eq!(flagged, 0, "clean visits are not flagged");

            let started = Instant::now();
            for b in &batches {
                let r = sync::upload(&db.store, b, now * 1000)
                    .await
                    .expect("re-upload");
                assert!(r.items.iter().all(|i| i.status == "duplicate"));
            }
            let again = started.elapsed().as_secs_f64();
            assert_eq!(
                db.store.redemption_count().await.expect("count"),
                stored,
                "re-uploading adds nothing"
            );
            println!(
                "upload {count} redemptions on {:<8}: {first:5.2} s ({:>6.0}/s, goal: under 3 s); \
                 the same batches again: {again:5.2} s, 0 added; {} cores",
                db.kind,
                f64::from(count) / first,
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            );
        }
    });
}
