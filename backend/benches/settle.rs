//! Settling a month: 1,000,000 redemptions over 100,000 passes and 200 partners (pool, per-visit
//! and fixed-share products, web and desk sales), on SQLite and, when TOWNPASS_TEST_POSTGRES_URL is
//! set, PostgreSQL. The month is settled twice: with half of its data, then with all of it; the
//! peak memory the settlement adds (VmHWM, reset before each run) should not grow with the month,
//! because passes stream through one at a time.
//! `cargo bench -p townpass --bench settle` (TOWNPASS_BENCH_PASSES overrides the pass count;
//! each pass has ten visits).

use std::fmt::Write as _;
use std::time::Instant;

use townpass::sales::{self, IssueRequest};
use townpass::store::NewRedemption;
use townpass::testing::TestDb;

const PARTNERS: usize = 200;
const VISITS_PER_PASS: usize = 10;

/// 200 partners, a venue and an offer each, in five towns; three products over all offers.
fn catalogue() -> String {
    let mut t = String::from(
        "[operator]\nname = \"Bench\"\ntime_zone = \"Europe/Sofia\"\nemail = \"o@example.org\"\n",
    );
    for town in 0..5 {
        let _ = write!(
            t,
            "[[town]]\ncode = \"t{town}\"\nname = {{ en = \"Town {town}\" }}\ncountry = \"BG\"\ntime_zone = \"Europe/Sofia\"\n"
        );
    }
    let mut offers = Vec::new();
    for p in 0..PARTNERS {
        let rack = 300 + (p % 7) * 100;
        let _ = write!(
            t,
            "[[partner]]\ncode = \"p{p}\"\nname = \"Partner {p}\"\ncurrency = \"EUR\"\nemail = \"p{p}@example.org\"\n\
             [[venue]]\ncode = \"v{p}\"\npartner = \"p{p}\"\ntown = \"t{}\"\nname = {{ en = \"Venue {p}\" }}\n\
             [[offer]]\ncode = \"o{p}\"\nvenue = \"v{p}\"\nkind = \"entry\"\nlimit = \"daily\"\n\
             rack_rate = {{ adult = {rack} }}\nreimbursement = {{ adult = {} }}\n",
            p % 5,
            rack / 2
        );
        offers.push(format!("\"o{p}\""));
    }
    let offers = offers.join(", ");
    let shares: Vec<String> = (0..10).map(|p| format!("p{p} = {}", p + 1)).collect();
    for (code, model, extra) in [
        ("pool", "pool", String::new()),
        ("visit", "per_visit", String::new()),
        (
            "share",
            "fixed_share",
            format!(", shares = {{ {} }}", shares.join(", ")),
        ),
    ] {
        let _ = write!(
            t,
            "[[product]]\ncode = \"{code}\"\nkind = \"pass\"\nname = {{ en = \"{code}\" }}\ncurrency = \"EUR\"\n\
             time_zone = \"Europe/Sofia\"\nvalidity = {{ hours = 72 }}\nexpires_after_days = 10\noffers = [{offers}]\n\
             prices = {{ adult = 4500 }}\nrevenue = {{ model = \"{model}\", operator_fee_bp = 1000, breakage = \"operator\"{extra} }}\n"
        );
    }
    t
}

/// Peak resident memory since the last reset, in MB (Linux), and a reset.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn local(s: &str) -> i64 {
    let dt: jiff::civil::DateTime = s.parse().expect("time");
    dt.to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
        .expect("zoned")
        .timestamp()
        .as_second()
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let passes: usize = std::env::var("TOWNPASS_BENCH_PASSES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(if bench { 100_000 } else { 2_000 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        // TOWNPASS_BENCH_DB=postgres (or sqlite) runs one of the two.
        let only = std::env::var("TOWNPASS_BENCH_DB").unwrap_or_default();
        let mut dbs = Vec::new();
        if only != "postgres" {
            dbs.push(TestDb::sqlite().await);
        }
        if only != "sqlite" {
            dbs.extend(TestDb::postgres().await);
        }
        for db in dbs {
            let sold = local("2026-10-01 09:00");
            townpass::catalog::apply(&db.store, &catalogue(), sold - 86_400)
                .await
                .expect("catalogue");
            let key = db
                .key_ring()
                .ensure_active(&db.store, sold - 86_400)
                .await
                .expect("key");
            let (device, _, _) = townpass::devices::add(&db.store, "v0", "Gate", sold)
                .await
                .expect("device");
            let venues: std::collections::HashMap<String, i64> =
                sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM venues")
                    .fetch_all(db.store.pool())
                    .await
                    .expect("venues")
                    .into_iter()
                    .collect();
            let mut local_id = 0i64;
            let mut seed = 0x2545_F491_4F6C_DD1Du64;
            for half in 0..2 {
                let setup = Instant::now();
                for (i, product) in ["pool", "visit", "share"].iter().enumerate() {
                    let count = passes / 2 / 3 + usize::from(i == 0) * (passes / 2 % 3);
                    let req = IssueRequest::cli(product, "adult", count as u32);
                    let issued = sales::issue(&db.store, &key, &req, sold, sales::no_progress())
                        .await
                        .expect("issue");
                    let mut rows = Vec::with_capacity(issued.passes.len() * VISITS_PER_PASS);
                    for p in &issued.passes {
                        for v in 0..VISITS_PER_PASS {
                            seed ^= seed << 13;
                            seed ^= seed >> 7;
                            seed ^= seed << 17;
                            let partner = (seed % PARTNERS as u64) as usize;
                            local_id += 1;
                            rows.push(NewRedemption {
                                device_id: device.id,
                                local_id,
                                serial: p.serial.clone(),
                                token: String::new(),
                                venue_id: venues[&format!("v{partner}")],
                                offer: Some(format!("o{partner}")),
                                scanned_at_ms: (sold + 3600 + v as i64 * 3 * 3600) * 1000,
                                received_at: sold + 4 * 86_400,
                                flag: None,
                                flag_detail: None,
                            });
                        }
                    }
                    for chunk in rows.chunks(100_000) {
                        db.store.insert_redemptions(chunk).await.expect("visits");
                    }
                }
                let redemptions = passes / 2 * (half + 1) * VISITS_PER_PASS;
                eprintln!(
                    "{}: set-up of {} more passes took {:.1} s",
                    db.kind,
                    passes / 2,
                    setup.elapsed().as_secs_f64()
                );
                let before = peak_mb();
                reset_peak();
                let base = peak_mb();
                let started = Instant::now();
                let report = townpass::settlement::settle(
                    &db.store,
                    "2026-10",
                    local("2026-11-01 12:00"),
                    None,
                    &|_| {},
                )
                .await
                .expect("settle");
                let took = started.elapsed().as_secs_f64();
                let peak = peak_mb();
                let eur = &report.totals["EUR"];
                assert!(eur.balances(), "{eur:?}");
                println!(
                    "settle {}: {redemptions} redemptions, {} passes, {} statements: {took:.1} s; \
                     peak memory during settle {peak:.0} MB (+{:.0} MB over the {base:.0} MB before; \
                     process peak before {before:.0} MB); balanced",
                    db.kind,
                    report.passes_settled,
                    report.statements.len(),
                    peak - base,
                );
            }
        }
    });
}
