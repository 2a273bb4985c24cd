//! `townpass payouts`: pay partners for a closed month (a SEPA transfer file for EUR, a list for
//! the rest), and confirm when the bank has paid.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_OK, EXIT_REFUSED, EXIT_USAGE};
use crate::config::StoreArgs;
use crate::i18n::present::money;
use crate::settlement::payouts::{self, Payouts};
use crate::store::StoreError;

#[derive(Debug, Args)]
#[command(
    after_help = "Without --export or --mark-paid, shows what each partner statement of \
the month is paid and how (or, once exported, what was exported and its status).

Examples:
  townpass payouts --period 2026-11                       what would be paid
  townpass payouts --period 2026-11 --export --out pay/   write and record the files (once)
  townpass payouts --period 2026-11 --out pay/            the recorded files again
  townpass payouts --period 2026-11 --mark-paid           the bank has paid
  townpass payouts --period 2026-11 --withdraw --reason \"bank: wrong BIC\"
                                                          the bank rejected the file"
)]
pub struct PayoutsArgs {
    /// The closed month, YYYY-MM.
    #[arg(long)]
    pub period: String,
    /// Write the SEPA credit transfer file (pain.001.001.09, for partners paid in EUR) and the
    /// payout list (CSV, every partner statement), and record the month as exported. A month is
    /// exported once: a second export is refused.
    #[arg(long, conflicts_with = "mark_paid")]
    pub export: bool,
    /// The day the bank is asked to pay (YYYY-MM-DD; default: tomorrow).
    #[arg(long, value_name = "DATE", requires = "export")]
    pub execute_on: Option<String>,
    /// Where the files go (a folder; default: the current folder). With an exported month and
    /// no --export, writes its recorded files again.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Record that the bank has paid the exported month.
    #[arg(long, conflicts_with = "withdraw")]
    pub mark_paid: bool,
    /// Withdraw the exported month's files because the bank rejected them (or they were never
    /// sent), so that the month can be exported again; needs --reason. Not once it is paid.
    #[arg(long, requires = "reason", conflicts_with = "export")]
    pub withdraw: bool,
    /// Why the files are withdrawn (kept with them, and in the audit log).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Print the payouts as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(s: &StoreArgs, args: PayoutsArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await?;
    let now = crate::store::now();
    let refused = |e: StoreError| -> anyhow::Result<u8> {
        match e {
            StoreError::Refused(_) | StoreError::Conflict(_) | StoreError::NotFound(_) => {
                eprintln!("townpass payouts: {e}");
                Ok(EXIT_REFUSED)
            }
            e => Err(e.into()),
        }
    };
    if args.mark_paid {
        if let Err(e) = payouts::mark_paid(&store, &args.period, "cli", now).await {
            return refused(e);
        }
        println!("{}: marked paid", args.period);
        return Ok(EXIT_OK);
    }
    if args.withdraw {
        let reason = args.reason.as_deref().unwrap_or_default();
        if let Err(e) = payouts::withdraw(&store, &args.period, reason, "cli", now).await {
            return refused(e);
        }
        println!(
            "{}: files withdrawn (kept, with the reason); export it again with --export",
            args.period
        );
        return Ok(EXIT_OK);
    }
    let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    if args.export {
        let date = match &args.execute_on {
            Some(text) => match text.parse::<jiff::civil::Date>() {
                Ok(d) => d,
                Err(_) => {
                    eprintln!(
                        "townpass payouts: --execute-on '{text}' is not a date: write it as YYYY-MM-DD"
                    );
                    return Ok(EXIT_USAGE);
                }
            },
            None => jiff::Zoned::now()
                .date()
                .tomorrow()
                .map_err(|e| anyhow::anyhow!("tomorrow: {e}"))?,
        };
        // Checked before anything is recorded: a month is exported once, so its files must land.
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        let exported = match payouts::export(&store, &args.period, date, "cli", now).await {
            Ok(x) => x,
            Err(e) => return refused(e),
        };
        let written = write_files(
            &dir,
            &exported.payouts.period,
            exported.sepa_xml.as_deref(),
            &exported.list_csv,
        )?;
        show(&exported.payouts, args.json)?;
        if !args.json {
            for path in written {
                println!("wrote {}", path.display());
            }
        }
        return Ok(EXIT_OK);
    }
    let p = match payouts::payouts(&store, &args.period).await {
        Ok(p) => p,
        Err(e) => return refused(e),
    };
    show(&p, args.json)?;
    if args.out.is_some() {
        match payouts::files(&store, &p.period).await? {
            Some((xml, csv)) => {
                for path in write_files(&dir, &p.period, xml.as_deref(), &csv)? {
                    println!("wrote {}", path.display());
                }
            }
            None => {
                eprintln!(
                    "townpass payouts: {} is not exported yet: add --export to write and record its files",
                    p.period
                );
                return Ok(EXIT_REFUSED);
            }
        }
    } else if p.status.is_none() && !args.json {
        println!(
            "\nNothing recorded yet. To pay: townpass payouts --period {} --export --out DIR",
            p.period
        );
    }
    Ok(EXIT_OK)
}

fn write_files(
    dir: &std::path::Path,
    period: &str,
    xml: Option<&str>,
    csv: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let (xml_name, csv_name) = payouts::file_names(period);
    let mut written = Vec::new();
    if let Some(xml) = xml {
        let path = dir.join(xml_name);
        std::fs::write(&path, xml).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        written.push(path);
    }
    let path = dir.join(csv_name);
    std::fs::write(&path, csv).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    written.push(path);
    Ok(written)
}

fn show(p: &Payouts, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(p)?);
        return Ok(());
    }
    match (&p.status, p.exported_at) {
        (Some(status), Some(at)) => println!(
            "{}: {status} (exported {} UTC by {}{})",
            p.period,
            super::date_time(at),
            p.exported_by.as_deref().unwrap_or("?"),
            p.paid_at
                .map(|t| format!(", paid {} UTC", super::date_time(t)))
                .unwrap_or_default()
        ),
        _ => println!("{}: not paid yet", p.period),
    }
    for l in &p.lines {
        let how = match l.method.as_str() {
            payouts::SEPA => format!("SEPA transfer to {}", l.iban.as_deref().unwrap_or("?")),
            payouts::BY_HAND => "pay by hand (not EUR)".to_string(),
            payouts::CARRIED => "negative balance: not paid".to_string(),
            _ => "nothing to pay".to_string(),
        };
        println!(
            "  {:<22} {:<40} {:>16}  {how}",
            l.number,
            l.partner_name,
            money(l.amount_minor, &l.payout_currency)
        );
    }
    println!("  SEPA transfers: {}", money(p.sepa_total_minor(), "EUR"));
    Ok(())
}
