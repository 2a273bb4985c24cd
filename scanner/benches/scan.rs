//! Gate latency: `check` (load what the rules need, judge) and `redeem` (the same plus the durable
//! write, synchronous FULL) over 10,000 scans, on a device that already holds a realistic history:
//! 100,000 revoked serials, 50,000 visits from other gates, 10,000 of its own redemptions.
//! `cargo bench -p townpass-scan --bench scan`. Prints p50 and p99.

use std::time::Instant;

use townpass_core::catalog::{Limit, Validity};
use townpass_core::protocol::{
    Bundle, BundleKey, BundleOffer, BundleProduct, BundleUse, BundleVenue, PackedSerials,
};
use townpass_core::rules;
use townpass_core::{Category, Claims, IssuerKey, ProductId, Serial};
use townpass_scan::local::{Identity, Local};

fn serial(i: u64) -> Serial {
    Serial(i.to_be_bytes())
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let scans: u64 = if bench { 10_000 } else { 200 };
    let history: u64 = if bench { 1 } else { 50 }; // divisor: smaller history under `cargo test`
    let dir = std::env::temp_dir().join(format!("townpass-scan-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut local = Local::open(&dir).expect("open");
    local
        .save_identity(&Identity {
            server: "http://127.0.0.1:9".into(),
            device_id: 1,
            device_name: "Gate 1".into(),
            venue: "tsarevets".into(),
            server_key: "00".repeat(32),
        })
        .expect("identity");
    let issuer = IssuerKey::from_seed(&[7; 32]);
    let now = 1_790_000_000_000i64;
    let offer = |code: &str, venue: &str, limit| BundleOffer {
        code: code.into(),
        venue: venue.into(),
        name: Default::default(),
        limit,
        from: None,
        until: None,
        hours: None,
    };
    let bundle = Bundle {
        device_id: 1,
        venue: BundleVenue {
            code: "tsarevets".into(),
            name: Default::default(),
            time_zone: "Europe/Sofia".into(),
        },
        generated_at_ms: now,
        keys: vec![BundleKey {
            public: issuer.public().to_hex(),
            status: "active".into(),
        }],
        products: vec![BundleProduct {
            id: 1,
            name: Default::default(),
            validity: Validity::Hours { hours: 72 },
            time_zone: "Europe/Sofia".into(),
            choose: None,
            offers: vec![
                offer("tsarevets-entry", "tsarevets", Limit::Once),
                offer("sound-light", "tsarevets", Limit::Once),
                offer("tavern", "tavern", Limit::Daily),
            ],
        }],
        revoked_after: 0,
        revoked_cursor: 1,
        revoked: PackedSerials(
            (0..100_000 / history)
                .map(|i| serial(1_000_000_000 + i))
                .collect(),
        ),
        uses_after: 0,
        uses_cursor: 1,
        uses: (0..50_000 / history)
            .map(|i| BundleUse {
                serial: serial(2_000_000_000 + i).to_string(),
                offer: Some("tavern".into()),
                venue: "tavern".into(),
                at_ms: now - 3_600_000,
                place: "Till".into(),
            })
            .collect(),
        more: false,
        received: vec![],
    };
    local.apply_bundle(&bundle, now).expect("bundle");
    for i in 0..10_000 / history {
        local
            .record(
                &serial(3_000_000_000 + i).to_string(),
                "TP1:old",
                Some("tsarevets-entry"),
                now - 7_200_000,
                None,
            )
            .expect("history");
    }
    let tokens: Vec<String> = (0..scans)
        .map(|i| {
            let claims = Claims {
                serial: serial(i),
                product: ProductId(1),
                category: Category::ADULT,
                holder: None,
                nbf: None,
                exp: Some(1_830_000_000),
            };
            issuer.sign(&claims).expect("sign")
        })
        .collect();
    let zone = |z: &str| jiff::tz::TimeZone::get(z).ok();

    let mut check_us = Vec::with_capacity(tokens.len());
    for t in &tokens {
        let start = Instant::now();
        let (world, venue) = local.world(|p| p.rules(zone)).expect("world");
        let v = rules::check(t, &world, &venue, now, None);
        check_us.push(start.elapsed().as_secs_f64() * 1e6);
        assert!(v.accepted(), "{v:?}");
    }
    let mut redeem_us = Vec::with_capacity(tokens.len());
    for t in &tokens {
        let start = Instant::now();
        let (accepted, claims, offer) = {
            let (world, venue) = local.world(|p| p.rules(zone)).expect("world");
            let v = rules::check(t, &world, &venue, now, None);
            (v.accepted(), v.claims, v.offer)
        };
        if accepted {
            let c = claims.expect("claims");
            local
                .record(
                    &c.serial.to_string(),
                    t,
                    offer.as_deref(),
                    now,
                    c.exp.map(|e| e as i64),
                )
                .expect("record");
        }
        redeem_us.push(start.elapsed().as_secs_f64() * 1e6);
        assert!(accepted);
    }
    println!(
        "scanner, {} scans; history: {} revoked, {} remote visits, {} own redemptions",
        tokens.len(),
        100_000 / history,
        50_000 / history,
        10_000 / history
    );
    println!(
        "  check : p50 {:7.0} µs   p99 {:7.0} µs   (goal: p99 under 1 ms)",
        percentile(&mut check_us, 0.5),
        percentile(&mut check_us, 0.99)
    );
    println!(
        "  redeem: p50 {:7.0} µs   p99 {:7.0} µs   (goal: p99 under 10 ms, durable write included)",
        percentile(&mut redeem_us, 0.5),
        percentile(&mut redeem_us, 0.99)
    );
    drop(local);
    let _ = std::fs::remove_dir_all(&dir);
}
