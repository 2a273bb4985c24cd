//! `townpass settle`: a month's statements (draft, or closed with --close), with progress.

use std::io::IsTerminal;

use clap::Args;

use super::{EXIT_OK, EXIT_REFUSED};
use crate::config::StoreArgs;

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
    /// Queue the settlement for the running servers instead of computing it here: one of them
    /// takes it, and /admin/settlement shows its progress. Prints the job number (with --json,
    /// the job as JSON) and returns at once.
    #[arg(long)]
    pub background: bool,
}

pub async fn run(s: &StoreArgs, args: SettleArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    if args.background {
        return queue(&store, &args).await;
    }
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
        Err(e @ (crate::store::StoreError::Conflict(_) | crate::store::StoreError::Refused(_))) => {
            let message = e.to_string();
            eprintln!("townpass settle: {message}");
            return Ok(EXIT_REFUSED);
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(EXIT_OK);
    }
    use crate::i18n::present::money;
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
        if let Some(p) = &st.payout {
            match (p.amount_minor, &p.pair, &p.rate) {
                (Some(minor), Some(pair), Some(rate)) => println!(
                    "  {:<32} {:>18}  paid in {} at {pair} {rate} ({}){}",
                    "",
                    money(minor, &p.currency),
                    p.currency,
                    p.source.as_deref().unwrap_or(""),
                    if p.fixed {
                        ""
                    } else {
                        ", provisional until the month closes"
                    }
                ),
                _ => println!(
                    "  {:<32} {:>18}  paid in {}: no {}/{} rate recorded for {} yet (townpass rates set)",
                    "", "?", p.currency, st.currency, p.currency, report.period
                ),
            }
        }
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

/// `--background`: the job goes to the servers' workers.
async fn queue(store: &crate::store::Store, args: &SettleArgs) -> anyhow::Result<u8> {
    let now = crate::store::now();
    let queued = async {
        let cat = store.settlement_catalogue().await?;
        let month = crate::settlement::Month::parse(&args.period, &cat.operator_zone)?;
        crate::settlement::refuse_settling(store, &month).await?;
        if args.close {
            crate::settlement::refuse_close(store, &cat.operator_zone, &month, now).await?;
        }
        store
            .enqueue_settlement(&month.label, args.close.then_some("cli"), "cli", now)
            .await
    };
    match queued.await {
        Ok(job) if args.json => println!("{}", serde_json::to_string_pretty(&job)?),
        Ok(job) => println!(
            "settlement of {} queued as job {}: a running server takes it; follow it on /admin/settlement",
            job.period, job.id
        ),
        Err(e @ (crate::store::StoreError::Conflict(_) | crate::store::StoreError::Refused(_))) => {
            let message = e.to_string();
            eprintln!("townpass settle: {message}");
            return Ok(EXIT_REFUSED);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(EXIT_OK)
}
