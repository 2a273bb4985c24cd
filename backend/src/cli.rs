//! The `townpass` command line: one table of commands, each a thin call into a module.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use townpass_core::{KeyStatus, PublicKey};

use crate::config::StoreArgs;
use crate::store::{ApplyAction, Store};
use crate::{catalog, inspect, keys, sales, server};

/// Exit codes shared by every command.
pub const EXIT_OK: u8 = 0;
pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "townpass",
    version,
    about = "townpass: multi-town visitor passes and discount booklets, signed, scanned offline, settled fairly",
    long_about = None,
)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (shop, pass pages, desk, /.well-known/townpass/keys) and the mail worker.
    Serve(ServeArgs),
    /// Seed a demo region (five Bulgarian towns, three products, demo users) and serve it on SQLite.
    /// Uses ./townpass-demo unless --data-dir is given; prints the URLs and passwords. The first
    /// start also seeds last month's sales and visits and closes its settlement.
    Demo(DemoArgs),
    /// Bring the database schema up to date (the server also does this at start).
    Migrate,
    /// The catalogue: towns, partners, venues, offers, products, as a TOML file.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Issuer keys: list, rotate, revoke.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Issue paid passes in bulk (tour operators, printing). Prints the order and the tokens.
    Issue(IssueArgs),
    /// People who log in: admins, sales desks, partners.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Passes already sold.
    #[command(subcommand)]
    Passes(PassesCommand),
    /// Venue devices (scanners): enrolment codes, list.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// API keys for sales points' systems (the JSON sales API at /api/v1).
    #[command(subcommand, name = "api-keys")]
    ApiKeys(ApiKeysCommand),
    /// Work with pass tokens (the text inside a pass's QR code).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Share a month's revenue: draft statements per partner, sales point and the operator, per
    /// currency, for a calendar month in the operator's time zone. Run it as often as you like;
    /// `--close` issues the statements, and from then on the month never changes.
    Settle(SettleArgs),
}

#[derive(Debug, Args)]
pub struct SettleArgs {
    /// The month, YYYY-MM (e.g. 2026-10).
    #[arg(long)]
    pub period: String,
    /// Issue the statements and close the month (only once it is over, and after earlier months).
    /// Later changes (late uploads, reviewed flags, refunds, accepted disputes) go into the next
    /// open month as adjustment lines.
    #[arg(long)]
    pub close: bool,
    /// Print the report as JSON (statements with their lines, totals per currency).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Seed the demo data and exit without serving (e.g. to prepare a database for tests).
    #[arg(long)]
    pub seed_only: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TOWNPASS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Public base URL used in links (e-mails, PDFs). Default: http://LISTEN.
    #[arg(long, env = "TOWNPASS_BASE_URL")]
    pub base_url: Option<String>,
    /// SMTP server for outgoing mail: smtp://user:password@host:587?tls=required or smtps://host.
    /// Without it, mail is written to DATA_DIR/mail as .eml files.
    #[arg(long, env = "TOWNPASS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "TOWNPASS_MAIL_FROM",
        default_value = "townpass <passes@townpass.localhost>"
    )]
    pub mail_from: String,
    /// Seconds between outbox rounds.
    #[arg(long, env = "TOWNPASS_MAIL_INTERVAL", default_value_t = 5)]
    pub mail_interval: u64,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user, or reset the password and role of an existing one.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// admin, desk or partner.
        #[arg(long, value_parser = ["admin", "desk", "partner"])]
        role: String,
        /// For desk users: the sales point code (its commission is recorded on each sale).
        #[arg(long)]
        sales_point: Option<String>,
        /// For partner users: the partner code.
        #[arg(long)]
        partner: Option<String>,
        /// The password; default: a random one, printed once.
        #[arg(long, env = "TOWNPASS_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Make a one-time enrolment code (valid 24 h) for a device at a venue; give it to the venue staff
    /// for `townpass-scan enroll`. Run again for a new code (lost code, replaced device).
    Add {
        /// Venue code (see `townpass catalog export`).
        #[arg(long)]
        venue: String,
        /// A name staff recognise, e.g. "Gate 2".
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// List devices with their venue, status and last contact.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Take a redemptions file from a device with no internet (`townpass-scan export FILE`). The
    /// uploads in it are checked and stored exactly as online ones; importing a file twice adds
    /// nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write a signed bundle file for a device with no internet, to load with
    /// `townpass-scan import FILE` (keys, products, revocations, visits at other gates, and which
    /// of its redemptions arrived).
    Bundle {
        /// Device number (see `townpass device list`).
        #[arg(long)]
        device: i64,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Make a key for a sales point's system (sells passes) or a partner's (reads its statements
    /// and visits); it is printed once and stored only as a hash.
    Add {
        #[arg(long, required_unless_present = "partner", conflicts_with = "partner")]
        sales_point: Option<String>,
        #[arg(long)]
        partner: Option<String>,
        /// What the key is for, e.g. "Hotel Balkan booking system".
        #[arg(long)]
        name: String,
    },
    /// List keys (prefixes only).
    List,
    /// Revoke a key by its prefix (8 hex digits after "tp_").
    Revoke { prefix: String },
}

#[derive(Debug, Subcommand)]
pub enum PassesCommand {
    /// Revoke a pass (refund, loss, fraud): scanners refuse it after their next sync.
    Revoke {
        /// The pass number (16 hex digits).
        serial: String,
        #[arg(long)]
        reason: String,
        /// The buyer got the price back: settlement then pays nobody for this pass (the refund
        /// lands in the month it is settled, or as an adjustment if that month is closed).
        #[arg(long)]
        refund: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Apply a catalogue file. Idempotent: applying it again changes nothing and says so.
    /// A product that has been sold is never edited: a change makes a new version.
    Apply {
        /// The TOML file (see catalog/demo.toml for the format).
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write the stored catalogue as TOML (to stdout, or to --out FILE).
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List every issuer key with its status and until when its passes are valid.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make a new active key; the old one is retired and stays trusted while its passes are valid.
    Rotate {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a compromised key: every pass it signed is refused after the scanners' next sync.
    Revoke {
        /// The key id (8 hex digits, see `townpass keys list`).
        kid: String,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Product code (see `townpass catalog export`).
    #[arg(long)]
    pub product: String,
    /// Category code: adult, child, senior, student, or one the catalogue defines.
    #[arg(long)]
    pub category: String,
    /// How many passes.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// Name printed on the pass (for the ID check at the entrance).
    #[arg(long)]
    pub holder: Option<String>,
    /// The buyer's e-mail (the order is sent there).
    #[arg(long)]
    pub email: Option<String>,
    /// Public base URL for the order link.
    #[arg(
        long,
        env = "TOWNPASS_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub base_url: String,
    /// Print one JSON object with the order and every token.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Decode a pass token and check its signature: "what is this pass?".
    ///
    /// Prints the serial, product, category, holder and dates (in UTC and in local time) and whether
    /// the signature is valid for one of the given public keys, or of the server's own keys when the
    /// database exists. Exit 0 when valid, 1 when not.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token, e.g. "TP1:RRQ+D9 60CO0...". Quote it: tokens contain spaces. "-" reads one line from stdin.
    pub token: String,
    /// A trusted issuer public key: 64 hex digits, as published at /.well-known/townpass/keys. Repeatable.
    #[arg(long = "key", value_name = "PUBHEX")]
    pub keys: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Time zone for local times (IANA name, e.g. Europe/Sofia); default: this machine's.
    #[arg(long, value_name = "ZONE", env = "TOWNPASS_TZ")]
    pub tz: Option<String>,
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Serve(_)) {
        init_tracing();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(EXIT_USAGE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(EXIT_USAGE)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOWNPASS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    let s = &cli.store;
    match cli.command {
        Command::Serve(args) => serve(s, args).await,
        Command::Demo(args) => demo(s, args).await,
        Command::Users(UsersCommand::Add {
            email,
            name,
            role,
            sales_point,
            partner,
            password,
        }) => {
            let store = s.open_store().await?;
            let generated = password.is_none();
            let password = match password {
                Some(p) => p,
                None => readable_password()?,
            };
            if password.chars().count() < 10 {
                anyhow::bail!("the password must have at least 10 characters");
            }
            let hash = crate::auth::hash_password(&password)?;
            let user = crate::store::NewUser {
                email: &email,
                name: name.as_deref().unwrap_or(&email),
                password_hash: &hash,
                role: &role,
                sales_point: sales_point.as_deref(),
                partner: partner.as_deref(),
            };
            store.upsert_user(&user, crate::store::now()).await?;
            println!("user {email} ({role}) saved");
            if generated {
                println!(
                    "password: {password}   (shown once; give it to the user over a safe channel)"
                );
            }
            Ok(EXIT_OK)
        }
        Command::Device(DeviceCommand::Add { venue, name, json }) => {
            let store = s.open_store().await?;
            let (device, code, expires) =
                crate::devices::add(&store, &venue, &name, crate::store::now()).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"device": device.id, "venue": device.venue, "name": device.name, "code": code, "expires_at": expires})
                );
            } else {
                println!(
                    "enrolment code for {} at {}: {code}",
                    device.name, device.venue
                );
                println!(
                    "valid until {} UTC, once; on the device run: townpass-scan enroll --server URL --code {code}",
                    date_time(expires)
                );
            }
            Ok(EXIT_OK)
        }
        Command::Device(DeviceCommand::List { json }) => {
            let store = s.open_store().await?;
            let devices = store.devices().await?;
            if json {
                println!("{}", serde_json::to_string(&devices)?);
            } else {
                for d in &devices {
                    let seen = d
                        .last_seen_at
                        .map_or_else(|| "never".to_string(), date_time);
                    println!(
                        "{:>4}  {:<20} {:<16} {:<9} last seen {seen}",
                        d.id, d.venue, d.name, d.status
                    );
                }
                if devices.is_empty() {
                    println!("(no devices yet: townpass device add --venue CODE --name NAME)");
                }
            }
            Ok(EXIT_OK)
        }
        Command::Device(DeviceCommand::Import { file, json }) => {
            let store = s.open_store().await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let report =
                crate::device_api::import_redemptions(&store, &bytes, crate::store::now_ms())
                    .await
                    .with_context(|| format!("{}: nothing more imported", file.display()))?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "device {}: {} redemptions stored ({} flagged for review), {} already held",
                    report.device_id, report.stored, report.flagged, report.duplicates
                );
            }
            Ok(EXIT_OK)
        }
        Command::Device(DeviceCommand::Bundle { device, out, json }) => {
            let store = s.open_store().await?;
            let ring = s.key_ring();
            let file =
                crate::device_api::bundle_file(&store, &ring, device, crate::store::now_ms())
                    .await?;
            let text = serde_json::to_vec(&file)?;
            write_atomically(&out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"device": device, "file": out, "bytes": text.len()})
                );
            } else {
                println!(
                    "bundle for device {device} written to {} ({} KB); on the device run: townpass-scan import {}",
                    out.display(),
                    text.len().div_ceil(1024),
                    out.display()
                );
            }
            Ok(EXIT_OK)
        }
        Command::ApiKeys(cmd) => {
            let store = s.open_store().await?;
            match cmd {
                ApiKeysCommand::Add {
                    sales_point,
                    partner,
                    name,
                } => {
                    let (key, prefix, hash) = crate::auth::new_api_key()?;
                    let now = crate::store::now();
                    let whose = match (sales_point, partner) {
                        (Some(sp), _) => {
                            store
                                .insert_api_key(&prefix, &hash, &name, &sp, now)
                                .await?;
                            sp
                        }
                        (None, Some(partner)) => {
                            store
                                .insert_partner_api_key(&prefix, &hash, &name, &partner, now)
                                .await?;
                            partner
                        }
                        (None, None) => anyhow::bail!("say --sales-point CODE or --partner CODE"),
                    };
                    println!(
                        "API key for {whose} ({name}):\n  {key}\nshown once: store it in their system now"
                    );
                }
                ApiKeysCommand::List => {
                    for k in store.api_keys().await? {
                        let state = if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!(
                            "tp_{}_…  {state:<8} {}  {}",
                            k.prefix,
                            date_time(k.created_at),
                            k.name
                        );
                    }
                }
                ApiKeysCommand::Revoke { prefix } => {
                    let prefix = prefix
                        .trim()
                        .trim_start_matches("tp_")
                        .split('_')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    store.revoke_api_key(&prefix, crate::store::now()).await?;
                    println!("API key tp_{prefix}_… revoked");
                }
            }
            Ok(EXIT_OK)
        }
        Command::Passes(PassesCommand::Revoke {
            serial,
            reason,
            refund,
        }) => {
            let serial: townpass_core::Serial =
                serial.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            if reason.trim().is_empty() {
                anyhow::bail!("--reason must say why (refund, loss, fraud, ...)");
            }
            let store = s.open_store().await?;
            store
                .revoke_pass(
                    &serial.to_string(),
                    reason.trim(),
                    refund,
                    "cli",
                    crate::store::now(),
                )
                .await?;
            println!("pass {serial} revoked: scanners refuse it after their next sync");
            Ok(EXIT_OK)
        }
        Command::Migrate => {
            let store = Store::connect(&s.database_url()).await?;
            let n = store.migrate().await?;
            println!("database up to date ({n} migration(s) applied)");
            Ok(EXIT_OK)
        }
        Command::Catalog(CatalogCommand::Apply { file, json }) => {
            catalog_apply(s, &file, json).await
        }
        Command::Catalog(CatalogCommand::Export { out }) => {
            let store = s.open_store().await?;
            let Some(text) = catalog::export(&store).await? else {
                anyhow::bail!(
                    "no catalogue yet: apply one first with `townpass catalog apply FILE`"
                );
            };
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(EXIT_OK)
        }
        Command::Keys(cmd) => keys_command(s, cmd).await,
        Command::Issue(args) => issue_command(s, args).await,
        Command::Token(TokenCommand::Inspect(args)) => inspect_command(s, args).await,
        Command::Settle(args) => settle_command(s, args).await,
    }
}

async fn settle_command(s: &StoreArgs, args: SettleArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    let bar = if args.json || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} reading passes: {pos} ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let progress = {
        let bar = bar.clone();
        move |n: u64| bar.set_position(n)
    };
    let by = if args.close { Some("cli") } else { None };
    let result =
        crate::settlement::settle(&store, &args.period, crate::store::now(), by, &progress).await;
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(crate::store::StoreError::Conflict(message)) => {
            eprintln!("townpass settle: {message}");
            return Ok(EXIT_REFUSED);
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(EXIT_OK);
    }
    use crate::present::money;
    println!(
        "{} ({}): {} passes settled, {} corrected from closed months",
        report.period, report.status, report.passes_settled, report.passes_corrected
    );
    for st in &report.statements {
        println!(
            "  {:<32} {:>18}  ({} lines)",
            st.party,
            money(st.amount_minor, &st.currency),
            st.lines.len()
        );
    }
    for (currency, t) in &report.totals {
        println!(
            "  {currency}: gross {} - refunds {} = partners {} + commissions {} + operator fees {} + breakage {}  {}",
            money(t.gross_minor, currency),
            money(t.refunds_minor, currency),
            money(t.partner_payables_minor, currency),
            money(t.commissions_minor, currency),
            money(t.operator_fees_minor, currency),
            money(t.breakage_minor, currency),
            if t.balances() {
                "balanced"
            } else {
                "DOES NOT BALANCE"
            }
        );
    }
    if report.status == "closed" {
        println!(
            "  closed: these statements are issued and never change; corrections go into the next open month"
        );
    }
    if report.status == "draft" {
        println!("  draft: run again with --close once the month is over to issue the statements");
    }
    Ok(EXIT_OK)
}

async fn serve(s: &StoreArgs, args: ServeArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await.context("opening the database")?;
    run_server(s, store, args, |_| {}).await
}

/// Starts the server and the mail worker; `ready` sees the base URL once listening.
async fn run_server(
    s: &StoreArgs,
    store: Store,
    args: ServeArgs,
    ready: impl FnOnce(&str),
) -> anyhow::Result<u8> {
    let ring = s.key_ring();
    let key = ring.ensure_active(&store, crate::store::now()).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another townpass running? use --listen)",
                args.listen
            )
        })?;
    let addr = listener.local_addr()?;
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    let mail_dir = s.data_dir().join("mail");
    let mailer = crate::mail::Mailer::new(args.smtp_url.as_deref(), mail_dir, &args.mail_from)
        .map_err(anyhow::Error::msg)?;
    tracing::info!(%addr, kid = %key.kid(), database = %crate::config::redact_url(&s.database_url()), mail = ?mailer, "townpass serving");
    crate::mail::spawn_worker(
        store.clone(),
        mailer,
        base_url.clone(),
        std::time::Duration::from_secs(args.mail_interval.max(1)),
    );
    println!("townpass listening on http://{addr} (public URL {base_url})");
    ready(&base_url);
    let state = Arc::new(server::AppState {
        store,
        keys: ring,
        base_url,
        payments: Arc::new(crate::payment::PayAtPickup),
    });
    server::serve(listener, state).await?;
    Ok(EXIT_OK)
}

/// Four groups of four letters and digits without look-alikes: easy to read out, 80 bits.
fn readable_password() -> anyhow::Result<String> {
    Ok(crate::auth::readable_secret(4)?)
}

async fn demo(s: &StoreArgs, args: DemoArgs) -> anyhow::Result<u8> {
    let mut s = s.clone();
    if s.data_dir.is_none() && s.database_url.is_none() {
        s.data_dir = Some(PathBuf::from("townpass-demo"));
    }
    let store = s.open_store().await.context("opening the demo database")?;
    let now = crate::store::now();
    let report = catalog::apply(&store, catalog::DEMO, now).await?;
    let mut users = Vec::new();
    for (email, name, role, sales_point, partner) in [
        ("admin@demo.townpass", "Demo operator", "admin", None, None),
        (
            "desk@sofia-tic.demo",
            "Sofia TIC desk",
            "desk",
            Some("sofia-tic"),
            None,
        ),
        (
            "partner@nim.demo",
            "National Historical Museum",
            "partner",
            None,
            Some("nim"),
        ),
    ] {
        let password = readable_password()?;
        let hash = crate::auth::hash_password(&password)?;
        let user = crate::store::NewUser {
            email,
            name,
            password_hash: &hash,
            role,
            sales_point,
            partner,
        };
        store.upsert_user(&user, now).await?;
        users.push((email, role, password));
    }
    let key = s.key_ring().ensure_active(&store, now).await?;
    let settled = crate::demo::seed_settled_month(&store, &key, now)
        .await
        .context("seeding last month's settlement")?;
    let settled_note = match settled {
        Some(month) => format!("{month} (seeded and closed now)"),
        None => "see the admin page".to_string(),
    };
    let mut codes = Vec::new();
    for (venue, name) in [
        ("tsarevets", "Gate 1"),
        ("tsarevets", "Gate 2"),
        ("nim-boyana", "Entrance"),
    ] {
        let (device, code, _) = crate::devices::add(&store, venue, name, now).await?;
        codes.push((device.venue, device.name, code));
    }
    let data_dir = s.data_dir();
    let catalogue_note = if report.changed() {
        "seeded"
    } else {
        "already there"
    };
    if args.seed_only {
        println!(
            "demo data seeded in {} ({catalogue_note}); settlement: {settled_note}",
            data_dir.display()
        );
        for (email, role, password) in &users {
            println!("  {role:<8} {email:<24} {password}");
        }
        return Ok(EXIT_OK);
    }
    run_server(&s, store, args.serve, move |base| {
        println!();
        println!("townpass demo: Sofia, Plovdiv, Veliko Tarnovo, Koprivshtitsa, Rila Monastery ({catalogue_note})");
        println!("  data directory   {}", data_dir.display());
        println!("  shop             {base}/");
        println!("  72 h pass        {base}/p/bulgaria-72h");
        println!("  sales desk       {base}/desk");
        println!("  public keys      {base}/.well-known/townpass/keys");
        println!("  e-mails go to    {}", data_dir.join("mail").display());
        println!();
        println!("demo users (new passwords at every start):");
        for (email, role, password) in &users {
            println!("  {role:<8} {email:<24} {password}");
        }
        println!();
        println!("try: buy a pass in the shop, note the order code, log in as the desk user,");
        println!("     find the order and mark it paid, then open the order page and its PDF.");
        println!();
        println!("device enrolment codes (one-time, valid 24 h; new ones at every start):");
        for (venue, name, code) in &codes {
            println!("  {venue:<12} {name:<9} {code}");
        }
        println!("  on a device: townpass-scan enroll --server {base} --code CODE");
        println!();
        println!("settlement: last month's statements, {settled_note}");
        println!("  townpass settle --period YYYY-MM     (draft statements; --close issues them)");
        println!("  {base}/admin/settlement   (operator: statements, flags, disputes, consortium figures)");
        println!("  {base}/partner            (log in as partner@nim.demo: statements, CSV, PDF, disputes)");
    })
    .await
}

async fn catalog_apply(s: &StoreArgs, file: &std::path::Path, json: bool) -> anyhow::Result<u8> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let store = s.open_store().await?;
    let report = catalog::apply(&store, &text, crate::store::now()).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(EXIT_OK);
    }
    for c in &report.changes {
        let what = match &c.action {
            ApplyAction::Unchanged => continue,
            ApplyAction::Added => "added".to_string(),
            ApplyAction::Updated => "updated".to_string(),
            ApplyAction::NewVersion { version, previous } => {
                format!(
                    "new version {version} (version {previous} has been sold, so it is kept and taken off sale)"
                )
            }
            ApplyAction::NotInFile => "not in the file: kept as it is".to_string(),
        };
        println!("{} {}: {what}", c.kind, c.code);
    }
    let unchanged = report
        .changes
        .iter()
        .filter(|c| c.action == ApplyAction::Unchanged)
        .count();
    if report.changed() {
        println!("catalogue applied ({unchanged} item(s) unchanged)");
    } else {
        println!(
            "nothing to change: the database already matches {} ({unchanged} items)",
            file.display()
        );
    }
    Ok(EXIT_OK)
}

async fn keys_command(s: &StoreArgs, cmd: KeysCommand) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    let ring = s.key_ring();
    let now = crate::store::now();
    let json = match &cmd {
        KeysCommand::List { json }
        | KeysCommand::Rotate { json }
        | KeysCommand::Revoke { json, .. } => *json,
    };
    match cmd {
        KeysCommand::List { .. } => {}
        KeysCommand::Rotate { .. } => {
            let key = ring.rotate(&store, now).await?;
            if !json {
                println!(
                    "new active key {}; the previous key is retired and trusted while its passes are valid",
                    key.kid()
                );
            }
        }
        KeysCommand::Revoke { kid, reason, .. } => {
            let kid = kid.trim().to_lowercase();
            if reason.trim().is_empty() {
                anyhow::bail!("--reason must say why the key is revoked");
            }
            let row = store.revoke_key(&kid, reason.trim(), now).await?;
            if !json {
                println!(
                    "key {kid} revoked: every pass it signed is refused after the scanners' next sync"
                );
                if row.status == "active" {
                    println!(
                        "it was the active key: run `townpass keys rotate` (the server also makes a new one at start)"
                    );
                }
            }
        }
    }
    let rows = store.keys().await?;
    if json {
        let out: Vec<_> = rows
            .iter()
            .map(|r| serde_json::json!({
                "kid": r.kid, "status": r.status, "public_key": r.public_key, "created_at": r.created_at,
                "retired_at": r.retired_at, "revoked_at": r.revoked_at, "revoke_reason": r.revoke_reason,
                "passes_valid_until": r.last_pass_expires_at, "still_needed": keys::still_needed(r, now),
            }))
            .collect();
        println!("{}", serde_json::to_string(&out)?);
    } else {
        println!(
            "{:<9} {:<8} {:<17} {:<17} passes valid until",
            "kid", "status", "created", "retired/revoked"
        );
        for r in &rows {
            let when = |t: Option<i64>| t.map_or_else(|| "-".to_string(), date_time);
            println!(
                "{:<9} {:<8} {:<17} {:<17} {}",
                r.kid,
                r.status,
                date_time(r.created_at),
                when(r.revoked_at.or(r.retired_at)),
                when(r.last_pass_expires_at),
            );
        }
        if rows.is_empty() {
            println!(
                "(no keys yet: `townpass serve` makes the first one, or run `townpass keys rotate`)"
            );
        }
    }
    Ok(EXIT_OK)
}

/// "2026-11-21 09:30" in UTC.
fn date_time(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map_or_else(
        |_| unix.to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M").to_string(),
    )
}

async fn issue_command(s: &StoreArgs, args: IssueArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    let key = s
        .key_ring()
        .ensure_active(&store, crate::store::now())
        .await?;
    let bar = if args.json || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(u64::from(args.count) * 2)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:8} [{bar:40}] {pos}/{len} passes ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let progress: sales::Progress = {
        let bar = bar.clone();
        let count = u64::from(args.count);
        Arc::new(move |phase, done, _total| {
            bar.set_message(phase);
            bar.set_position(if phase == "signing" {
                done as u64
            } else {
                count + done as u64
            });
        })
    };
    let req = sales::IssueRequest {
        product: args.product,
        category: args.category,
        count: args.count,
        holder: args.holder,
        email: args.email,
        language: "en".into(),
        channel: "cli",
        payment_provider: "invoice".into(),
    };
    let issued = sales::issue(&store, &key, &req, crate::store::now(), progress).await?;
    bar.finish_and_clear();
    let url = format!(
        "{}/o/{}",
        args.base_url.trim_end_matches('/'),
        issued.order_public_id
    );
    if args.json {
        let out = serde_json::json!({
            "order": issued.order_public_id, "url": url, "product": issued.product.product.code,
            "product_id": issued.product.id, "version": issued.product.version, "category": issued.category,
            "price_minor": issued.price.minor, "currency": issued.price.currency.to_string(),
            "expires_at": issued.expires_at, "passes": issued.passes,
        });
        println!("{out}");
        return Ok(EXIT_OK);
    }
    let total = townpass_core::money::Money::new(
        issued.price.minor * i64::from(args.count),
        issued.price.currency,
    );
    println!(
        "issued {} pass(es) of {} (product {}, version {}), {}, {} each, {} in all",
        issued.passes.len(),
        issued.product.product.code,
        issued.product.id,
        issued.product.version,
        issued.category,
        issued.price,
        total
    );
    println!("order page: {url}");
    println!("hard expiry: {} UTC", date_time(issued.expires_at));
    if issued.passes.len() <= 20 {
        for p in &issued.passes {
            println!("  {}  {}", p.serial, p.token);
        }
    } else {
        println!("(use --json to get all {} tokens)", issued.passes.len());
    }
    Ok(EXIT_OK)
}

async fn inspect_command(s: &StoreArgs, args: InspectArgs) -> anyhow::Result<u8> {
    let given = args
        .keys
        .iter()
        .map(|k| PublicKey::from_hex(k).map_err(|e| anyhow::anyhow!("--key {k}: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let token = if args.token == "-" {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line
    } else {
        args.token
    };
    let tz = match &args.tz {
        Some(name) => jiff::tz::TimeZone::get(name)
            .map_err(|e| anyhow::anyhow!("--tz {name}: unknown time zone ({e})"))?,
        None => jiff::tz::TimeZone::system(),
    };
    // The server's own keys (with their statuses) when there is a database; given keys on top.
    let mut set = townpass_core::KeySet::new();
    if s.database_exists() {
        let server_keys =
            async { anyhow::Ok(keys::trusted_keys(&s.open_store().await?).await?) }.await;
        match server_keys {
            Ok(k) => k
                .iter()
                .for_each(|(key, status)| set.insert(key.clone(), status)),
            Err(e) if !given.is_empty() => {
                eprintln!("note: the server's keys were not read ({e:#})")
            }
            Err(e) => return Err(e.context("reading the server's keys (or give --key PUBHEX)")),
        }
    }
    for key in given {
        set.insert(key, KeyStatus::Active);
    }
    let report = inspect::inspect_with(&token, &set);
    if args.json {
        println!("{}", serde_json::to_string(&report.json())?);
    } else {
        print!("{}", report.to_text(&tz));
    }
    Ok(if report.valid() {
        EXIT_OK
    } else {
        EXIT_REFUSED
    })
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
