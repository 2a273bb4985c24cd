//! `townpass passes`: passes already sold (revoke for a refund, loss or fraud).

use clap::Subcommand;

use super::EXIT_OK;
use crate::config::{Secret, StoreArgs};
use crate::sales::card::{Card, CardConfig};

#[derive(Debug, Subcommand)]
pub enum PassesCommand {
    /// Revoke a pass (refund, loss, fraud): scanners refuse it after their next sync.
    Revoke {
        /// The pass number (16 hex digits).
        serial: String,
        #[arg(long)]
        reason: String,
        /// Give the buyer the price back: a pass paid by card is refunded to the card through
        /// the provider first (if that fails, the pass stays valid). Settlement then pays nobody
        /// for this pass (the refund lands in the month it is settled, or as an adjustment if
        /// that month is closed). A pass revoked earlier without a refund is refunded now (once).
        #[arg(long)]
        refund: bool,
        /// The Stripe secret key, for refunding passes paid by card.
        #[arg(long, env = "TOWNPASS_STRIPE_SECRET_KEY", hide_env_values = true)]
        stripe_secret_key: Option<Secret>,
        /// The Stripe API (another Stripe-compatible server for tests, e.g. localstripe).
        #[arg(
            long,
            env = "TOWNPASS_STRIPE_API_BASE",
            default_value = "https://api.stripe.com"
        )]
        stripe_api_base: String,
        /// Print the outcome as JSON: {"serial", "revoked", "already_revoked", "refund": {"id", "amount_minor", "currency"} | null}.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(s: &StoreArgs, cmd: PassesCommand) -> anyhow::Result<u8> {
    match cmd {
        PassesCommand::Revoke {
            serial,
            reason,
            refund,
            stripe_secret_key,
            stripe_api_base,
            json,
        } => {
            let serial: townpass_core::Serial =
                serial.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            if reason.trim().is_empty() {
                anyhow::bail!("--reason must say why (refund, loss, fraud, ...)");
            }
            let store = s.open_store().await?;
            // Refunds only need the secret key; the card form's keys belong to `serve`.
            let card = stripe_secret_key.map(|secret_key| {
                Card::new(CardConfig {
                    secret_key,
                    publishable_key: String::new(),
                    webhook_secret: Secret::default(),
                    api_base: stripe_api_base,
                    js_url: String::new(),
                })
            });
            let done = crate::sales::refund::revoke(
                &store,
                card.as_ref(),
                &serial,
                reason.trim(),
                refund,
                "cli",
                crate::store::now(),
            )
            .await;
            let done = match done {
                Ok(done) => done,
                // Refused (unknown pass, revoked before, the card refund failed): exit 1.
                Err(
                    e @ (crate::sales::refund::RevokeError::NotFound(_)
                    | crate::sales::refund::RevokeError::AlreadyRevoked(_)
                    | crate::sales::refund::RevokeError::RefundFailed(_)),
                ) => {
                    eprintln!("error: {e}");
                    return Ok(crate::cli::EXIT_REFUSED);
                }
                Err(e) => return Err(anyhow::anyhow!(e)),
            };
            if json {
                let refund = done.card_refund.as_ref().map(|(id, amount, currency)| {
                    serde_json::json!({"id": id, "amount_minor": amount, "currency": currency})
                });
                println!(
                    "{}",
                    serde_json::json!({"serial": done.serial, "revoked": true, "already_revoked": done.refunded_only, "refund": refund})
                );
            } else {
                println!("{}", done.describe());
            }
            Ok(EXIT_OK)
        }
    }
}
