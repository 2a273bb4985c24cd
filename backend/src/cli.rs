//! The `townpass` command line: one table of commands, each a thin call into a module.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use townpass_core::PublicKey;

use crate::inspect;

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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with pass tokens (the text inside a pass's QR code).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Decode a pass token and check its signature: "what is this pass?".
    ///
    /// Prints the serial, product, category, holder and dates (in UTC and in local time) and whether
    /// the signature is valid for one of the given public keys. Exit 0 when valid, 1 when not.
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

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Token(TokenCommand::Inspect(args)) => inspect_command(args),
    }
}

fn inspect_command(args: InspectArgs) -> anyhow::Result<u8> {
    let keys = args
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
    let report = inspect::inspect(&token, &keys);
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
