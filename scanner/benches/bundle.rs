//! Bundle with 1,000,000 revoked serials: its size as a signed bundle file, the time to check and
//! apply it on a fresh device; then the peak memory (VmHWM) of `townpass-scan run` judging and
//! recording 10,000 scans with that bundle loaded.
//! `cargo bench -p townpass-scan --bench bundle`.

use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use townpass_core::catalog::{Limit, Validity};
use townpass_core::protocol::{
    BUNDLE_FILE_FORMAT, Bundle, BundleFile, BundleKey, BundleOffer, BundleProduct, BundleVenue,
    PackedSerials, SigningSecret, verifier,
};
use townpass_core::{Category, Claims, IssuerKey, ProductId, Serial};
use townpass_scan::local::{Identity, Local};

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let revoked: u64 = if bench { 1_000_000 } else { 10_000 };
    let scans: u64 = if bench { 10_000 } else { 100 };
    let dir = std::env::temp_dir().join(format!("townpass-bundle-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let server = SigningSecret::from_seed(&[3; 32]);
    let issuer = IssuerKey::from_seed(&[7; 32]);
    let now = 1_790_000_000_000i64;
    // Random-looking serials, as real ones are.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let serials: Vec<Serial> = (0..revoked)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Serial(x.to_be_bytes())
        })
        .collect();
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
            offers: vec![BundleOffer {
                code: "tsarevets-entry".into(),
                venue: "tsarevets".into(),
                name: Default::default(),
                limit: Limit::Once,
                from: None,
                until: None,
                hours: None,
            }],
        }],
        revoked_after: 0,
        revoked_cursor: revoked as i64,
        revoked: PackedSerials(serials),
        uses_after: 0,
        uses_cursor: 0,
        uses: Default::default(),
        more: false,
        received: vec![],
    };
    let file = BundleFile {
        format: BUNDLE_FILE_FORMAT.into(),
        device_id: 1,
        bundle: server.seal(&bundle).expect("seal"),
    };
    let bytes = serde_json::to_vec(&file).expect("file");

    let mut local = Local::open(&dir).expect("open");
    local
        .save_identity(&Identity {
            server: "http://127.0.0.1:9".into(),
            device_id: 1,
            device_name: "Gate 1".into(),
            venue: "tsarevets".into(),
            server_key: server.public_hex(),
        })
        .expect("identity");
    let started = Instant::now();
    let read: BundleFile = serde_json::from_slice(&bytes).expect("parse");
    let opened: Bundle = read
        .bundle
        .open(&verifier(&server.public_hex()).expect("key"))
        .expect("signature");
    local.apply_bundle(&opened, now).expect("apply");
    let apply = started.elapsed().as_secs_f64();
    assert_eq!(local.count("revoked").expect("count"), revoked as i64);
    drop(local);
    println!(
        "bundle with {revoked} revoked serials: {:.1} MB as a signed file (goal: under 16 MB); \
         check + apply on a fresh device {apply:.2} s (goal: under 2 s)",
        bytes.len() as f64 / 1e6
    );

    // Peak memory of the kiosk loop with that bundle, over `scans` scans.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_townpass-scan"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["--json", "run", "--sync-every", "0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let started = Instant::now();
    for i in 0..scans {
        let token = issuer
            .sign(&Claims {
                serial: Serial((i + 1).to_be_bytes()),
                product: ProductId(1),
                category: Category::ADULT,
                holder: Some("Ана Иванова".into()),
                nbf: None,
                exp: Some(1_830_000_000),
            })
            .expect("sign");
        writeln!(stdin, "{token}").expect("scan");
        let verdict = out.next().expect("verdict").expect("line");
        assert!(verdict.contains("\"accepted\""), "{verdict}");
    }
    let per_scan_ms = started.elapsed().as_secs_f64() * 1000.0 / scans as f64;
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    drop(stdin);
    assert!(child.wait().expect("exit").success());
    println!(
        "townpass-scan run: {scans} scans recorded ({per_scan_ms:.2} ms each, pipe included), \
         peak memory {:.1} MB (goal: under 20 MB)",
        peak_kb as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}
