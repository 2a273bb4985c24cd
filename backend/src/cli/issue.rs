//! `townpass issue`: paid passes in bulk for tour operators and printing, with progress.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::Args;

use super::{EXIT_OK, date_time};
use crate::config::StoreArgs;
use crate::sales;

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
    /// The currency of the order (ISO 4217), one the product is sold in; default: its main one.
    #[arg(long)]
    pub currency: Option<townpass_core::money::Currency>,
}

pub async fn run(s: &StoreArgs, args: IssueArgs) -> anyhow::Result<u8> {
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
        currency: args.currency,
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
