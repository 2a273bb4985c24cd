//! townpass-scan: the venue scanner. Judges passes offline with `townpass_core::rules` (the same
//! code as the server), records redemptions durably before showing green, and syncs when online:
//! uploads are signed and idempotent, the bundle is signed by the server.
//!
//! Exit codes: 0 accepted or done, 1 rejected, 2 usage or configuration error, 3 server
//! unreachable (nothing lost).

use townpass_scan::{image, local};

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use serde_json::json;
use townpass_core::protocol::{
    BUNDLE_FILE_FORMAT, Bundle, BundleFile, EnrollRequest, EnrollResponse, Envelope,
    REDEMPTIONS_FILE_FORMAT, RedemptionsFile, SigningSecret, Upload, UploadResponse,
};
use townpass_core::rules::{self, Verdict};

use local::{Identity, Local};

const EXIT_OK: u8 = 0;
const EXIT_REJECTED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_UNREACHABLE: u8 = 3;

/// Items per upload request.
const UPLOAD_BATCH: usize = 1000;

#[derive(Debug, Parser)]
#[command(
    name = "townpass-scan",
    version,
    about = "townpass venue scanner: checks passes offline, records visits, syncs when online"
)]
struct Cli {
    /// Where the device keeps its key, bundle and redemptions. Default: $XDG_DATA_HOME/townpass-scan
    /// or ~/.local/share/townpass-scan.
    #[arg(long, env = "TOWNPASS_SCAN_DIR", global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// One JSON object per verdict or result, for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// Language of verdicts and product names: a language tag such as en or bg (any language the
    /// translation files carry; another falls back to English).
    #[arg(long, env = "TOWNPASS_SCAN_LANG", global = true, default_value = "en")]
    lang: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Register this device with a one-time code from the operator, then download the first bundle.
    Enroll {
        /// The server, e.g. https://pass.example.org
        #[arg(long)]
        server: String,
        /// The enrolment code, e.g. 7JAK-TTAY-UEKS.
        #[arg(long)]
        code: String,
    },
    /// Upload pending redemptions, then download what changed (keys, revocations, other gates' visits).
    Sync,
    /// Judge a pass without recording anything.
    Check {
        /// The token as scanned ("-" reads one line from stdin).
        token: String,
        /// Judge this offer (default: the first open offer of the pass at this venue).
        #[arg(long)]
        offer: Option<String>,
    },
    /// Judge a pass and, when accepted, record the visit (durably, before the verdict shows).
    Redeem {
        token: String,
        #[arg(long)]
        offer: Option<String>,
    },
    /// Read the QR code from a photo or screenshot (PNG or JPEG) and judge it like `check`;
    /// with --redeem, like `redeem`.
    Decode {
        image: PathBuf,
        #[arg(long)]
        redeem: bool,
        #[arg(long)]
        offer: Option<String>,
    },
    /// Kiosk mode for a keyboard-wedge QR reader: one token per line from stdin, a full-width
    /// green or red verdict, holder and category in large letters for the ID check, a bell on
    /// refusal. Accepted passes are recorded. Syncs in the background when online, never
    /// delaying a scan. Ends at end of input (Ctrl-D).
    Run {
        /// Seconds between background syncs (0: never).
        #[arg(long, default_value_t = 60)]
        sync_every: u64,
        /// Judge this offer for every scan (default: the first open offer at this venue).
        #[arg(long)]
        offer: Option<String>,
    },
    /// The device: venue, bundle age, pending uploads, trusted keys.
    Status,
    /// For venues with no internet: write every redemption the server has not acknowledged to
    /// FILE (signed by this device), for the operator's `townpass device import FILE`.
    Export { file: PathBuf },
    /// For venues with no internet: load a bundle file from the operator
    /// (`townpass device bundle --device ID --out FILE`).
    Import { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(Unreachable(msg)) = e.downcast_ref::<Unreachable>() {
                eprintln!(
                    "server unreachable: {msg}. Nothing is lost: redemptions stay on this device until the next sync."
                );
                return ExitCode::from(EXIT_UNREACHABLE);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The network could not be used; the command exits 3.
#[derive(Debug)]
struct Unreachable(String);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreachable {}

/// Now, in unix ms. Debug builds honour TOWNPASS_SCAN_NOW_MS so tests can set the clock exactly.
fn now_ms() -> i64 {
    if cfg!(debug_assertions)
        && let Some(ms) = std::env::var("TOWNPASS_SCAN_NOW_MS")
            .ok()
            .and_then(|v| v.parse().ok())
    {
        return ms;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn data_dir(cli: &Cli) -> PathBuf {
    if let Some(d) = &cli.data_dir {
        return d.clone();
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("townpass-scan");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/townpass-scan"),
        None => PathBuf::from("townpass-scan-data"),
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// POSTs JSON; transport failures become `Unreachable`, 4xx/5xx a clear error with the server's words.
fn post<T: serde::de::DeserializeOwned>(url: &str, body: &impl serde::Serialize) -> Result<T> {
    let mut resp = agent()
        .post(url)
        .send_json(body)
        .map_err(|e| anyhow!(Unreachable(format!("{url}: {e}"))))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .map_err(|e| anyhow!(Unreachable(e.to_string())))?;
    if status >= 500 {
        return Err(anyhow!(Unreachable(format!("{url} answered {status}"))));
    }
    if status >= 400 {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(String::from))
            .unwrap_or(text);
        return Err(anyhow!("the server refused ({status}): {message}"));
    }
    serde_json::from_str(&text).with_context(|| format!("unexpected answer from {url}"))
}

fn run(cli: Cli) -> Result<u8> {
    let dir = data_dir(&cli);
    let mut local = Local::open(&dir)?;
    match &cli.command {
        Command::Enroll { server, code } => enroll(&cli, &mut local, server, code),
        Command::Sync => {
            let id = local.require_identity()?;
            let report = sync(&mut local, &id)?;
            if cli.json {
                println!("{report}");
            } else {
                let n = |k: &str| report[k].to_string();
                println!(
                    "{}",
                    say(
                        &cli,
                        "gate_synced",
                        &[
                            ("uploaded", &n("uploaded")),
                            ("flagged", &n("flagged")),
                            ("revoked", &n("revoked")),
                            ("uses", &n("uses")),
                        ],
                    )
                );
            }
            Ok(EXIT_OK)
        }
        Command::Check { token, offer } => judge(&cli, &mut local, token, offer.as_deref(), false),
        Command::Redeem { token, offer } => judge(&cli, &mut local, token, offer.as_deref(), true),
        Command::Decode {
            image,
            redeem,
            offer,
        } => {
            let token = image::read_qr(image)?;
            judge(&cli, &mut local, &token, offer.as_deref(), *redeem)
        }
        Command::Status => status(&cli, &local),
        Command::Run { sync_every, offer } => {
            kiosk(&cli, &mut local, *sync_every, offer.as_deref())
        }
        Command::Export { file } => export(&cli, &mut local, file),
        Command::Import { file } => import(&cli, &mut local, file),
    }
}

fn enroll(cli: &Cli, local: &mut Local, server: &str, code: &str) -> Result<u8> {
    if let Some(id) = local.identity()? {
        anyhow::bail!(
            "this data directory is already enrolled as device {} ({}) at {}: use another --data-dir to enrol again",
            id.device_id,
            id.device_name,
            id.venue
        );
    }
    let server = server.trim_end_matches('/').to_string();
    let key = local.device_key()?;
    let resp: EnrollResponse = post(
        &format!("{server}/api/device/v1/enroll"),
        &EnrollRequest {
            code: code.trim().to_string(),
            public_key: key.public_hex(),
        },
    )?;
    let id = Identity {
        server,
        device_id: resp.device_id,
        device_name: resp.device_name.clone(),
        venue: resp.venue.clone(),
        server_key: resp.server_key,
    };
    local.save_identity(&id)?;
    let report = sync(local, &id)?;
    if cli.json {
        println!(
            "{}",
            json!({"device_id": id.device_id, "name": id.device_name, "venue": id.venue, "sync": report})
        );
    } else {
        println!(
            "enrolled as device {} \"{}\" at {}; bundle downloaded",
            id.device_id, id.device_name, id.venue
        );
    }
    Ok(EXIT_OK)
}

/// Uploads every pending redemption, then applies the bundle delta.
fn sync(local: &mut Local, id: &Identity) -> Result<serde_json::Value> {
    let key = local.device_key()?;
    let (mut uploaded, mut flagged) = (0usize, 0usize);
    let mut after = 0;
    while let Some((_, envelope)) = next_upload(local, id, &key, &mut after)? {
        let resp: UploadResponse = post(&format!("{}/api/device/v1/upload", id.server), &envelope)?;
        let acknowledged: Vec<i64> = resp.items.iter().map(|i| i.local_id).collect();
        flagged += resp.items.iter().filter(|i| i.flag.is_some()).count();
        uploaded += acknowledged.len();
        local.mark_uploaded(&acknowledged)?;
    }
    let (mut revoked, mut uses, mut keys, mut products) = (0, 0, 0, 0);
    // A long-offline device may need several pages of revocations and uses.
    for _ in 0..1000 {
        let (revoked_after, uses_after) = local.cursors()?;
        let request = json!({"device_id": id.device_id, "revoked_after": revoked_after, "uses_after": uses_after, "device_time_ms": now_ms()});
        let envelope = key.seal(&request).map_err(|e| anyhow!(e))?;
        let signed: Envelope = post(&format!("{}/api/device/v1/bundle", id.server), &envelope)?;
        let bundle = open_bundle(&signed, id)?;
        local.apply_bundle(&bundle, now_ms())?;
        revoked += bundle.revoked.len();
        uses += bundle.uses.len();
        (keys, products) = (bundle.keys.len(), bundle.products.len());
        if !bundle.more {
            break;
        }
    }
    local.prune(now_ms())?;
    Ok(
        json!({"uploaded": uploaded, "flagged": flagged, "revoked": revoked, "uses": uses,
              "keys": keys, "products": products}),
    )
}

/// The next signed batch of redemptions the server has not acknowledged, after local id
/// `after` (moved past it), with its local ids; `None` when there are no more.
fn next_upload(
    local: &mut Local,
    id: &Identity,
    key: &SigningSecret,
    after: &mut i64,
) -> Result<Option<(Vec<i64>, Envelope)>> {
    let items = local.pending(*after, UPLOAD_BATCH)?;
    let Some(last) = items.last().map(|i| i.local_id) else {
        return Ok(None);
    };
    *after = last;
    let ids = items.iter().map(|i| i.local_id).collect();
    let upload = Upload {
        device_id: id.device_id,
        venue: id.venue.clone(),
        seq: local.next_seq()?,
        sent_at_ms: now_ms(),
        items,
    };
    Ok(Some((ids, key.seal(&upload).map_err(|e| anyhow!(e))?)))
}

/// Checks a bundle's signature against the server key learned at enrolment, and that it is for
/// this device; nothing is applied otherwise.
fn open_bundle(signed: &Envelope, id: &Identity) -> Result<Bundle> {
    id.open_bundle(signed).map_err(|e| anyhow!(e))
}

fn export(cli: &Cli, local: &mut Local, file: &std::path::Path) -> Result<u8> {
    let id = local.require_identity()?;
    let key = local.device_key()?;
    let (mut uploads, mut ids, mut after) = (Vec::new(), Vec::new(), 0);
    while let Some((local_ids, envelope)) = next_upload(local, &id, &key, &mut after)? {
        ids.extend(local_ids);
        uploads.push(envelope);
    }
    let doc = RedemptionsFile {
        format: REDEMPTIONS_FILE_FORMAT.into(),
        device_id: id.device_id,
        venue: id.venue.clone(),
        exported_at_ms: now_ms(),
        uploads,
    };
    write_atomically(file, &serde_json::to_vec(&doc)?)
        .with_context(|| format!("cannot write {}", file.display()))?;
    // Written and synced first: a crash here leaves them waiting, and a second export repeats them.
    local.mark_exported(&ids)?;
    if cli.json {
        println!(
            "{}",
            json!({"file": file, "redemptions": ids.len(), "uploads": doc.uploads.len()})
        );
    } else {
        println!(
            "{} redemptions written to {}: the operator loads it with townpass device import {}",
            ids.len(),
            file.display(),
            file.display()
        );
    }
    Ok(EXIT_OK)
}

fn import(cli: &Cli, local: &mut Local, file: &std::path::Path) -> Result<u8> {
    let id = local.require_identity()?;
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let doc: BundleFile = serde_json::from_slice(&text).map_err(|e| {
        anyhow!(
            "{} is not a bundle file from townpass device bundle ({e}): nothing applied",
            file.display()
        )
    })?;
    if doc.format != BUNDLE_FILE_FORMAT {
        anyhow::bail!(
            "{}: unknown format '{}' (expected {BUNDLE_FILE_FORMAT}): nothing applied",
            file.display(),
            doc.format
        );
    }
    let bundle = open_bundle(&doc.bundle, &id)?;
    let current = local
        .stat("bundle_generated_at_ms")?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    if bundle.generated_at_ms <= current {
        anyhow::bail!(
            "{} is older than the bundle this device already has: nothing applied (ask the operator for a new one)",
            file.display()
        );
    }
    local.apply_bundle(&bundle, now_ms())?;
    local.prune(now_ms())?;
    let acknowledged: i64 = bundle.received.iter().map(|(a, b)| b - a + 1).sum();
    if cli.json {
        println!(
            "{}",
            json!({"revoked": bundle.revoked.len(), "uses": bundle.uses.len(), "keys": bundle.keys.len(),
                   "products": bundle.products.len(), "acknowledged": acknowledged,
                   "pending_uploads": local.pending_count()?, "exported_unacknowledged": local.exported_count()?})
        );
    } else {
        println!(
            "bundle loaded: {} trusted keys, {} revoked passes, {} visits from other devices; {} redemptions confirmed by the server",
            bundle.keys.len(),
            bundle.revoked.len(),
            bundle.uses.len(),
            acknowledged
        );
    }
    Ok(EXIT_OK)
}

/// Writes a file whole or not at all (a temporary file beside it, synced, then renamed).
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn read_token(token: &str) -> Result<String> {
    if token == "-" {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line)
    } else {
        Ok(token.to_string())
    }
}

fn judge(
    cli: &Cli,
    local: &mut Local,
    token: &str,
    offer: Option<&str>,
    record: bool,
) -> Result<u8> {
    let token = read_token(token)?;
    let (verdict, message, _) = decide(cli, local, &token, offer, record)?;
    print_verdict(cli, &verdict, &message);
    Ok(if verdict.accepted() {
        EXIT_OK
    } else {
        EXIT_REJECTED
    })
}

/// Judges a token and, when `record` and accepted, records the visit durably before returning.
/// Returns the verdict, its sentence, and the product's name.
fn decide(
    cli: &Cli,
    local: &mut Local,
    token: &str,
    offer: Option<&str>,
    record: bool,
) -> Result<(Verdict, String, Option<String>)> {
    let now = now_ms();
    let zone = |z: &str| jiff::tz::TimeZone::get(z).ok();
    let (verdict, message, product_name) = {
        let (world, venue) = local.world(|p| p.rules(zone))?;
        let verdict = rules::check(token, &world, &venue, now, offer);
        let product = verdict
            .claims
            .as_ref()
            .and_then(|c| townpass_core::rules::World::product(&world, c.product));
        let lang = lang(cli);
        let message = townpass_i18n::verdict::sentence(&verdict, lang, &venue, product);
        let name = product.map(|p| townpass_core::catalog::pick(&p.name, lang).to_string());
        (verdict, message, name)
    };
    if record && verdict.accepted() {
        let claims = verdict
            .claims
            .as_ref()
            .ok_or_else(|| anyhow!("accepted verdict without claims"))?;
        local.record(
            &claims.serial.to_string(),
            token.trim(),
            verdict.offer.as_deref(),
            now,
            claims.exp.map(|e| e as i64),
        )?;
    }
    Ok((verdict, message, product_name))
}

/// The kiosk loop (`run`).
fn kiosk(cli: &Cli, local: &mut Local, sync_every: u64, offer: Option<&str>) -> Result<u8> {
    use std::io::{BufRead, IsTerminal, Write};
    let id = local.require_identity()?;
    if sync_every > 0 {
        // Its own connection and thread: a slow network never holds up the gate.
        let (dir, id, lang) = (data_dir(cli), id.clone(), lang(cli));
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(sync_every));
                let result = Local::open(&dir).and_then(|mut l| sync(&mut l, &id));
                let line = match result {
                    Ok(r) => {
                        let n = |k: &str| r[k].to_string();
                        townpass_i18n::tf(
                            lang,
                            "gate_sync_background",
                            &[
                                ("uploaded", &n("uploaded")),
                                ("revoked", &n("revoked")),
                                ("uses", &n("uses")),
                            ],
                        )
                    }
                    Err(e) => {
                        townpass_i18n::tf(lang, "gate_sync_later", &[("error", &format!("{e:#}"))])
                    }
                };
                eprintln!("[sync] {line}");
            }
        });
    }
    let tty = std::io::stdout().is_terminal();
    let width: usize = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80);
    if tty && !cli.json {
        println!(
            "{}",
            say(
                cli,
                "gate_ready",
                &[("venue", &id.venue), ("device", &id.device_name)]
            )
        );
    }
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let (verdict, message, product) = match decide(cli, local, &line, offer, true) {
            Ok(v) => v,
            Err(e) => {
                // The gate keeps running; the worker sees why this scan was not judged.
                eprintln!("\x07error: {e:#}");
                continue;
            }
        };
        if cli.json || !tty {
            print_verdict(cli, &verdict, &message);
        } else {
            print!(
                "{}",
                kiosk_screen(&verdict, &message, product.as_deref(), width)
            );
        }
        std::io::stdout().flush()?;
    }
    Ok(EXIT_OK)
}

/// A verdict for a terminal at the gate: a full-width coloured band, the holder and category in
/// double-size letters (VT100 double-height lines), and a bell on refusal.
fn kiosk_screen(v: &Verdict, message: &str, product: Option<&str>, width: usize) -> String {
    let ok = v.accepted();
    let colour = if ok { "\x1b[1;30;42m" } else { "\x1b[1;97;41m" };
    let band = |text: &str| format!("{colour}{text:<width$}\x1b[0m\n");
    let big = |text: &str| format!("\x1b#3{text}\n\x1b#4{text}\n");
    let mut out = String::new();
    out.push_str("\x1b[2J\x1b[H");
    out.push_str(&band(""));
    out.push_str(&band(if ok {
        "  ✔ ACCEPTED"
    } else {
        "  ✘ REFUSED"
    }));
    out.push_str(&band(&format!("  {message}")));
    out.push_str(&band(""));
    if let Some(c) = &v.claims {
        if let Some(h) = &c.holder {
            out.push_str(&big(h));
        }
        let category = c
            .category
            .builtin_name()
            .map_or_else(|| format!("category {}", c.category.0), str::to_uppercase);
        out.push_str(&big(&category));
        if let Some(p) = product {
            out.push_str(&format!("{p}\n"));
        }
    }
    if !ok {
        out.push('\x07');
    }
    out
}

/// The language of what the gate reads (`--lang`), warned about once when it has no words.
fn lang(cli: &Cli) -> &'static str {
    townpass_i18n::supported(&cli.lang).unwrap_or_else(|| {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            eprintln!(
                "warning: no words in '{}' (--lang); verdicts in English. Languages: {}",
                cli.lang,
                townpass_i18n::codes().join(", ")
            );
        });
        townpass_i18n::REFERENCE
    })
}

/// A message of the gate in `--lang`, with its values.
fn say(cli: &Cli, key: &str, args: &[(&str, &str)]) -> String {
    townpass_i18n::tf(lang(cli), key, args)
}

fn print_verdict(cli: &Cli, v: &Verdict, message: &str) {
    let c = v.claims.as_ref();
    if cli.json {
        println!(
            "{}",
            json!({
                "verdict": if v.accepted() { "accepted" } else { "rejected" },
                "code": v.code.as_str(),
                "message": message,
                "serial": c.map(|c| c.serial.to_string()),
                "product": c.map(|c| c.product.0),
                "category": c.map(|c| c.category.0),
                "holder": c.and_then(|c| c.holder.clone()),
                "offer": v.offer,
            })
        );
    } else {
        let head = say(
            cli,
            if v.accepted() {
                "gate_accepted"
            } else {
                "gate_rejected"
            },
            &[],
        );
        println!("{head}: {message}");
        if let Some(h) = c.and_then(|c| c.holder.as_deref()) {
            println!("  {}", say(cli, "gate_holder", &[("holder", h)]));
        }
    }
}

fn status(cli: &Cli, local: &Local) -> Result<u8> {
    let id = local.require_identity()?;
    let synced = local
        .stat("synced_at_ms")?
        .and_then(|v| v.parse::<i64>().ok());
    let age_s = synced.map(|s| (now_ms() - s) / 1000);
    let out = json!({
        "device_id": id.device_id, "name": id.device_name, "venue": id.venue, "server": id.server,
        "bundle_age_s": age_s, "pending_uploads": local.pending_count()?, "exported_unacknowledged": local.exported_count()?, "trusted_keys": local.count("keys")?,
        "revoked_serials": local.count("revoked")?, "redemptions_kept": local.count("redemptions")?,
    });
    if cli.json {
        println!("{out}");
    } else {
        println!(
            "{}",
            say(
                cli,
                "gate_status_device",
                &[
                    ("id", &id.device_id.to_string()),
                    ("name", &id.device_name),
                    ("venue", &id.venue),
                    ("server", &id.server),
                ],
            )
        );
        match age_s {
            Some(a) => println!(
                "{}",
                say(
                    cli,
                    "gate_status_synced",
                    &[("minutes", &(a / 60).to_string())]
                )
            ),
            None => println!("{}", say(cli, "gate_status_never", &[])),
        }
        println!(
            "{}",
            say(
                cli,
                "gate_status_pending",
                &[
                    ("pending", &out["pending_uploads"].to_string()),
                    ("exported", &out["exported_unacknowledged"].to_string()),
                ],
            )
        );
        println!(
            "{}",
            say(
                cli,
                "gate_status_keys",
                &[
                    ("keys", &out["trusted_keys"].to_string()),
                    ("revoked", &out["revoked_serials"].to_string()),
                ],
            )
        );
    }
    Ok(EXIT_OK)
}
