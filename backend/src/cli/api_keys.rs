//! `townpass api-keys`: keys for sales points' and partners' own systems (shown once, stored hashed).

use clap::Subcommand;

use super::{EXIT_OK, date_time};
use crate::config::StoreArgs;

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

pub async fn run(s: &StoreArgs, cmd: ApiKeysCommand) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    match cmd {
        ApiKeysCommand::Add {
            sales_point,
            partner,
            name,
        } => {
            let (key, prefix, hash) = crate::accounts::new_api_key()?;
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
