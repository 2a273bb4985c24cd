//! `townpass keys`: the issuer keys (list, rotate, revoke a compromised one).

use clap::Subcommand;

use super::{EXIT_OK, date_time};
use crate::config::StoreArgs;
use crate::issuer_keys as keys;

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

pub async fn run(s: &StoreArgs, cmd: KeysCommand) -> anyhow::Result<u8> {
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
