//! `townpass token inspect`: what a support desk needs to know about a code a tourist shows.

use std::io::BufRead;

use townpass_core::{KeyStatus, PublicKey};

use clap::{Args, Subcommand};

use super::{EXIT_OK, EXIT_REFUSED};
use crate::config::StoreArgs;
use crate::issuer_keys::{self as keys, inspect};

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

pub async fn inspect(s: &StoreArgs, args: InspectArgs) -> anyhow::Result<u8> {
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
