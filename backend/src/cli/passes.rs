//! `townpass passes`: passes already sold (revoke for a refund, loss or fraud).

use clap::Subcommand;

use super::EXIT_OK;
use crate::config::StoreArgs;

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

pub async fn run(s: &StoreArgs, cmd: PassesCommand) -> anyhow::Result<u8> {
    match cmd {
        PassesCommand::Revoke {
            serial,
            reason,
            refund,
        } => {
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
    }
}
