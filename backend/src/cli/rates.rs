//! `townpass rates`: exchange rates per month and currency pair, for partners paid in another
//! currency than the passes were sold in.

use clap::{Args, Subcommand};

use super::{EXIT_OK, EXIT_REFUSED, EXIT_USAGE};
use crate::config::StoreArgs;
use crate::settlement::rates::{RateInput, parse_pair, parse_period};
use crate::store::StoreError;

#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Record the rate of a currency pair for a month (replaces an earlier one of that month;
    /// refused once the month is closed). Closing the month converts each statement in BASE paid
    /// to a partner in QUOTE at this rate, and stores it with the statement.
    Set(SetArgs),
    /// The recorded rates (of one month, or all).
    List(ListArgs),
    /// Record every rate of a CSV file (header: period,pair,rate,source), all or none.
    Import(ImportArgs),
    /// Forget a month's rate of a pair (e.g. a typo), before the month is closed.
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The month, YYYY-MM.
    #[arg(long)]
    pub period: String,
    /// BASE/QUOTE, e.g. EUR/MKD: 1 BASE buys RATE QUOTE.
    #[arg(long)]
    pub pair: String,
    /// A positive decimal with at most 8 decimals, e.g. 61.5000.
    #[arg(long)]
    pub rate: String,
    /// Where the rate is from, for the accountant, e.g. "NBRM 2026-10-31".
    #[arg(long)]
    pub source: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this month (YYYY-MM).
    #[arg(long)]
    pub period: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file: period,pair,rate,source (e.g. 2026-10,EUR/MKD,61.5000,NBRM 2026-10-31).
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[arg(long)]
    pub period: String,
    #[arg(long)]
    pub pair: String,
}

pub async fn run(s: &StoreArgs, cmd: RatesCommand) -> anyhow::Result<u8> {
    let now = crate::store::now();
    match cmd {
        RatesCommand::Set(a) => {
            let input = match RateInput::parse(&a.period, &a.pair, &a.rate, &a.source) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("townpass rates set: {e}");
                    return Ok(EXIT_USAGE);
                }
            };
            let store = s.open_store().await?;
            match store.set_rates(&[input.as_new()], "cli", now).await {
                Ok(()) => {
                    println!(
                        "{}: 1 {} = {} {} ({})",
                        input.period, input.base, input.rate, input.quote, input.source
                    );
                    Ok(EXIT_OK)
                }
                Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                    let m = e.to_string();
                    eprintln!("townpass rates set: {m}");
                    Ok(EXIT_REFUSED)
                }
                Err(e) => Err(e.into()),
            }
        }
        RatesCommand::Import(a) => {
            let text = match std::fs::read_to_string(&a.file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "townpass rates import: cannot read {}: {e}",
                        a.file.display()
                    );
                    return Ok(EXIT_USAGE);
                }
            };
            let rates = match crate::settlement::rates::parse_file(&text, "en") {
                Ok(r) => r,
                Err(errors) => {
                    eprintln!(
                        "townpass rates import: {} problem(s), nothing was recorded:\n  - {}",
                        errors.len(),
                        errors.join("\n  - ")
                    );
                    return Ok(EXIT_USAGE);
                }
            };
            let store = s.open_store().await?;
            let new: Vec<_> = rates.iter().map(RateInput::as_new).collect();
            match store.set_rates(&new, "cli", now).await {
                Ok(()) => {
                    println!("{} rate(s) recorded", rates.len());
                    Ok(EXIT_OK)
                }
                Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                    let m = e.to_string();
                    eprintln!("townpass rates import: {m}; nothing was recorded");
                    Ok(EXIT_REFUSED)
                }
                Err(e) => Err(e.into()),
            }
        }
        RatesCommand::List(a) => {
            let period = match a.period.as_deref().map(parse_period).transpose() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("townpass rates list: {e}");
                    return Ok(EXIT_USAGE);
                }
            };
            let store = s.open_store().await?;
            let rates = store.rates(period.as_deref()).await?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&rates)?);
            } else if rates.is_empty() {
                println!(
                    "no exchange rates recorded yet: townpass rates set --period YYYY-MM --pair EUR/MKD --rate 61.5000 --source \"NBRM 2026-10-31\""
                );
            } else {
                for r in &rates {
                    println!(
                        "{}  {:<8} {:>16}  {}  (set by {} {})",
                        r.period,
                        r.pair(),
                        r.rate,
                        r.source,
                        r.set_by,
                        crate::i18n::present::local_time(r.set_at, "UTC")
                    );
                }
            }
            Ok(EXIT_OK)
        }
        RatesCommand::Delete(a) => {
            let parsed = parse_period(&a.period).and_then(|p| Ok((p, parse_pair(&a.pair)?)));
            let (period, (base, quote)) = match parsed {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("townpass rates delete: {e}");
                    return Ok(EXIT_USAGE);
                }
            };
            let store = s.open_store().await?;
            match store.delete_rate(&period, base, quote, "cli", now).await {
                Ok(true) => {
                    println!("{period}: {base}/{quote} forgotten");
                    Ok(EXIT_OK)
                }
                Ok(false) => {
                    eprintln!(
                        "townpass rates delete: no {base}/{quote} rate recorded for {period}"
                    );
                    Ok(EXIT_REFUSED)
                }
                Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                    let m = e.to_string();
                    eprintln!("townpass rates delete: {m}");
                    Ok(EXIT_REFUSED)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}
