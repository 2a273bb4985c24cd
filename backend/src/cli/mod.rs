//! The `townpass` command line: the table of commands here, one file per command group, each a
//! thin call into the area that does the work.

use clap::{Parser, Subcommand};

use crate::config::StoreArgs;
use crate::store::Store;

/// Exit codes shared by every command.
pub const EXIT_OK: u8 = 0;
pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// A line for whoever watches a running server (its banner): written if anyone reads, never fatal.
/// `println!` would end the server when stdout is a closed pipe (`townpass demo | head`, a
/// supervisor that stopped reading), after the port is already taken.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod api_keys;
mod catalog;
pub mod demo;
mod devices;
mod issue;
mod keys;
mod passes;
mod payouts;
mod rates;
mod serve;
mod settle;
mod token;
mod users;

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
    Serve(serve::ServeArgs),
    /// Seed a demo region (five Bulgarian towns, three products, demo users) and serve it on SQLite.
    /// Uses ./townpass-demo unless --data-dir is given; prints the URLs and passwords. The first
    /// start also seeds last month's sales and visits and closes its settlement.
    Demo(demo::DemoArgs),
    /// Bring the database schema up to date (the server also does this at start).
    Migrate,
    /// The catalogue: towns, partners, venues, offers, products, as a TOML file.
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// Issuer keys: list, rotate, revoke.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Issue paid passes in bulk (tour operators, printing). Prints the order and the tokens.
    Issue(issue::IssueArgs),
    /// People who log in: admins, sales desks, partners.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Passes already sold.
    #[command(subcommand)]
    Passes(passes::PassesCommand),
    /// Venue devices (scanners): enrolment codes, list.
    #[command(subcommand)]
    Device(devices::DeviceCommand),
    /// API keys for sales points' systems (the JSON sales API at /api/v1).
    #[command(subcommand, name = "api-keys")]
    ApiKeys(api_keys::ApiKeysCommand),
    /// Work with pass tokens (the text inside a pass's QR code).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Share a month's revenue: draft statements per partner, sales point and the operator, per
    /// currency, for a calendar month in the operator's time zone. Run it as often as you like;
    /// `--close` issues the statements, and from then on the month never changes.
    Settle(settle::SettleArgs),
    /// Exchange rates per month and currency pair: partners paid in another currency than the
    /// passes were sold in get their statement's total converted at the month's rate when it closes.
    #[command(subcommand)]
    Rates(rates::RatesCommand),
    /// Pay partners for a closed month: a SEPA credit transfer file (pain.001.001.09) for those
    /// paid in EUR, a list for the others; then confirm when the bank has paid.
    Payouts(payouts::PayoutsArgs),
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // The commands that run the server log; the others print their own answers.
    if matches!(cli.command, Command::Serve(_) | Command::Demo(_)) {
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
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    let s = &cli.store;
    match cli.command {
        Command::Serve(args) => serve::run(s, args).await,
        Command::Demo(args) => demo::run(s, args).await,
        Command::Migrate => {
            let store = Store::connect(&s.database_url()).await?;
            let n = store.migrate().await?;
            println!("database up to date ({n} migration(s) applied)");
            Ok(EXIT_OK)
        }
        Command::Catalog(cmd) => catalog::run(s, cmd).await,
        Command::Keys(cmd) => keys::run(s, cmd).await,
        Command::Issue(args) => issue::run(s, args).await,
        Command::Users(cmd) => users::run(s, cmd).await,
        Command::Passes(cmd) => passes::run(s, cmd).await,
        Command::Device(cmd) => devices::run(s, cmd).await,
        Command::Rates(cmd) => rates::run(s, cmd).await,
        Command::ApiKeys(cmd) => api_keys::run(s, cmd).await,
        Command::Token(token::TokenCommand::Inspect(args)) => token::inspect(s, args).await,
        Command::Settle(args) => settle::run(s, args).await,
        Command::Payouts(args) => payouts::run(s, args).await,
    }
}

/// "2026-11-21 09:30" in UTC.
pub(crate) fn date_time(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map_or_else(
        |_| unix.to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M").to_string(),
    )
}

/// Writes a file whole or not at all (a temporary file beside it, synced, then renamed).
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_on_the_command_line_never_reach_debug_output() {
        let serve = Cli::try_parse_from([
            "townpass",
            "serve",
            "--smtp-url",
            "smtp://mailer:hunter2-smtp@mail.example.org:587",
        ])
        .expect("parses");
        let users = Cli::try_parse_from([
            "townpass",
            "--database-url",
            "postgres://tp:hunter2-db@db.example.org/townpass",
            "users",
            "add",
            "--email",
            "a@example.org",
            "--role",
            "admin",
            "--password",
            "hunter2-password",
        ])
        .expect("parses");
        for debug in [format!("{serve:?}"), format!("{users:?}")] {
            assert!(!debug.contains("hunter2"), "{debug}");
        }
        let row = crate::store::UserRow {
            id: 1,
            email: "a@example.org".into(),
            name: "A".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$hunter2-hash".into(),
            role: "admin".into(),
            sales_point_id: None,
            partner_id: None,
            disabled_at: None,
        };
        assert!(!format!("{row:?}").contains("hunter2"));
    }
}
