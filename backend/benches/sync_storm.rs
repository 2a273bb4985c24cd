//! Sync storm: 1,000 enrolled devices, each uploading 50 visits and then fetching its bundle delta
//! (page after page, as `townpass-scan sync` does), over HTTP through two server instances on one
//! PostgreSQL database. Two rounds with fresh visits:
//!
//! 1. all at once: every device wants to sync at the same moment (the network came back), with
//!    TOWNPASS_STORM_CLIENTS (default 32) syncs in flight; prints syncs per second and the latency
//!    of each sync, queueing at the servers included;
//! 2. spread: each device syncs once within TOWNPASS_STORM_WINDOW_S (default 60 s), as kiosks on
//!    a one-minute sync interval do; latency counts from the moment the device wanted to sync.
//!
//! Then checks exactly-once: every visit stored once, no sync failed.
//!
//! The two instances run in this process (each with its own connection pool, HTTP listener and
//! settlement worker, as two `townpass serve` would), and so does the load: all share the machine's
//! two cores. `TOWNPASS_TEST_POSTGRES_URL=... cargo bench -p townpass --bench sync_storm`
//! (TOWNPASS_STORM_DEVICES overrides the device count).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use townpass::devices::sync::{self, BundleRequest};
use townpass::sales::{self, IssueRequest};
use townpass::testing::{TestDb, demo_catalogue};
use townpass_core::protocol::{
    Bundle, EnrollRequest, Envelope, SigningSecret, Upload, UploadItem, UploadResponse,
};

const VISITS: usize = 50;
/// The venues at which the demo's 72-hour pass is valid (one offer each).
const VENUES: [&str; 6] = [
    "tsarevets",
    "nim-boyana",
    "boyana-church",
    "socialist-art",
    "ancient-theatre",
    "balabanov-house",
];

struct Device {
    id: i64,
    venue: &'static str,
    key: SigningSecret,
    uses_cursor: Mutex<i64>,
    revoked_cursor: Mutex<i64>,
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let devices_n = env_or("TOWNPASS_STORM_DEVICES", if bench { 1000 } else { 20 });
    let clients = env_or("TOWNPASS_STORM_CLIENTS", 32);
    let window =
        Duration::from_secs(env_or("TOWNPASS_STORM_WINDOW_S", if bench { 60 } else { 2 }) as u64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let Some(db) = rt.block_on(TestDb::postgres()) else {
        eprintln!("sync_storm needs PostgreSQL: set TOWNPASS_TEST_POSTGRES_URL");
        return;
    };
    let now = townpass::store::now();
    let (tokens, devices, servers) = rt.block_on(async {
        townpass::catalog::apply(&db.store, demo_catalogue(), now)
            .await
            .expect("catalogue");
        let key = db
            .key_ring()
            .ensure_active(&db.store, now)
            .await
            .expect("key");
        let count = (2 * devices_n * VISITS) as u32;
        let req = IssueRequest::cli("bulgaria-72h", "adult", count);
        let issued = sales::issue(&db.store, &key, &req, now, sales::no_progress())
            .await
            .expect("issue");
        let tokens: Vec<String> = issued.passes.into_iter().map(|p| p.token).collect();
        let mut devices = Vec::with_capacity(devices_n);
        for n in 0..devices_n {
            let venue = VENUES[n % VENUES.len()];
            let (_, code, _) = townpass::devices::add(&db.store, venue, &format!("Gate {n}"), now)
                .await
                .expect("code");
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(n as u64 + 1).to_le_bytes());
            let key = SigningSecret::from_seed(&seed);
            let enrolled = sync::enroll(
                &db.store,
                &db.key_ring(),
                &EnrollRequest {
                    code,
                    public_key: key.public_hex(),
                },
                now,
            )
            .await
            .expect("enrol");
            devices.push(Device {
                id: enrolled.device_id,
                venue,
                key,
                uses_cursor: Mutex::new(0),
                revoked_cursor: Mutex::new(0),
            });
        }
        let servers = [db.serve_instance().await, db.serve_instance().await];
        (tokens, devices, servers)
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent();

    // One sync of device `n` in round `round`: upload its 50 visits, then fetch the bundle until
    // nothing more is waiting. Returns whether it all worked.
    let sync_one = |round: usize, n: usize| -> Result<(), String> {
        let device = &devices[n];
        let server = &servers[n % 2];
        let first = (round * devices_n + n) * VISITS;
        let items: Vec<UploadItem> = (0..VISITS)
            .map(|i| UploadItem {
                local_id: (round * VISITS + i + 1) as i64,
                token: tokens[first + i].clone(),
                offer: None,
                scanned_at_ms: (now - 3600) * 1000 + (n * VISITS + i) as i64,
            })
            .collect();
        let upload = device
            .key
            .seal(&Upload {
                device_id: device.id,
                venue: device.venue.into(),
                seq: round as i64 + 1,
                sent_at_ms: townpass::store::now_ms(),
                items,
            })
            .map_err(|e| e.to_string())?;
        let mut answer = agent
            .post(&format!("{server}/api/device/v1/upload"))
            .header("content-type", "application/json")
            .send(
                serde_json::to_vec(&upload)
                    .map_err(|e| e.to_string())?
                    .as_slice(),
            )
            .map_err(|e| e.to_string())?;
        if answer.status() != 200 {
            return Err(format!("upload: {}", answer.status()));
        }
        let stored: UploadResponse =
            serde_json::from_reader(answer.body_mut().as_reader()).map_err(|e| e.to_string())?;
        if stored.items.iter().any(|i| i.status != "stored") {
            return Err("an item was not stored".into());
        }
        loop {
            let request = BundleRequest {
                device_id: device.id,
                revoked_after: *device.revoked_cursor.lock().expect("cursor"),
                uses_after: *device.uses_cursor.lock().expect("cursor"),
                device_time_ms: townpass::store::now_ms(),
            };
            let sealed = device.key.seal(&request).map_err(|e| e.to_string())?;
            let mut answer = agent
                .post(&format!("{server}/api/device/v1/bundle"))
                .header("content-type", "application/json")
                .send(
                    serde_json::to_vec(&sealed)
                        .map_err(|e| e.to_string())?
                        .as_slice(),
                )
                .map_err(|e| e.to_string())?;
            if answer.status() != 200 {
                return Err(format!("bundle: {}", answer.status()));
            }
            let envelope: Envelope = serde_json::from_reader(answer.body_mut().as_reader())
                .map_err(|e| e.to_string())?;
            let bundle: Bundle = envelope.peek().map_err(|e| e.to_string())?;
            *device.uses_cursor.lock().expect("cursor") = bundle.uses_cursor;
            *device.revoked_cursor.lock().expect("cursor") = bundle.revoked_cursor;
            if !bundle.more {
                return Ok(());
            }
        }
    };

    let report = |name: &str, mut latencies: Vec<Duration>, errors: usize, wall: Duration| {
        latencies.sort_unstable();
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
        println!(
            "{name}: {} syncs of {VISITS} visits in {:.1} s = {:.1} syncs/s; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; errors {errors}",
            latencies.len(),
            wall.as_secs_f64(),
            latencies.len() as f64 / wall.as_secs_f64(),
            at(0.5).as_secs_f64() * 1000.0,
            at(0.99).as_secs_f64() * 1000.0,
            at(1.0).as_secs_f64() * 1000.0,
        );
    };

    // One round: `threads` clients take the devices in turn. With `spacing`, device n wants to
    // sync at start + n * spacing and its latency counts from then (waiting for a free client
    // included); without, from the moment a client starts its sync. Returns the failed syncs.
    let run_round = |name: String, round: usize, threads: usize, spacing: Option<Duration>| {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = Mutex::new(Vec::new());
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if n >= devices_n {
                            return;
                        }
                        let from = match spacing {
                            Some(spacing) => {
                                let due = started + spacing * n as u32;
                                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                                    std::thread::sleep(wait);
                                }
                                due
                            }
                            None => Instant::now(),
                        };
                        let outcome = sync_one(round, n);
                        results
                            .lock()
                            .expect("results")
                            .push((from.elapsed(), outcome));
                    }
                });
            }
        });
        let wall = started.elapsed();
        let results = results.into_inner().expect("results");
        let errors: Vec<&String> = results
            .iter()
            .filter_map(|(_, r)| r.as_ref().err())
            .collect();
        report(
            &name,
            results.iter().map(|(l, _)| *l).collect(),
            errors.len(),
            wall,
        );
        if let Some(e) = errors.first() {
            eprintln!("first error: {e}");
        }
        errors.len()
    };

    // Round 1: all at once. Round 2: each device once within the window, at evenly spread moments.
    let mut failed = run_round(
        format!("all at once ({clients} in flight)"),
        0,
        clients,
        None,
    );
    failed += run_round(
        format!("spread over {} s", window.as_secs()),
        1,
        clients.max(64),
        Some(window / devices_n as u32),
    );

    let stored = rt.block_on(db.store.redemption_count()).expect("count");
    let expected = (2 * devices_n * VISITS) as i64;
    println!("exactly once: {stored} visits stored of {expected} sent; {failed} syncs failed");
    assert_eq!(
        (stored, failed),
        (expected, 0),
        "every visit stored once, no sync failed"
    );
}
