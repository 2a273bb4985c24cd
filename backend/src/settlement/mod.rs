//! Settlement: who is paid what for a calendar month, pass by pass and visit by visit.
//!
//! A pass is settled once, in the month its use ends: when its validity from first use runs out,
//! at its hard expiry if it is never used, when it is refunded, or (fixed_share, which does not
//! depend on visits) when it is sold. All of its money lands in that month: gross, commission,
//! operator fee, what each partner earns, breakage. `core::money::settle_pass` balances each pass,
//! so each month and currency balances. Statement lines are sums of stored items, each naming its
//! pass and visit, so every cent can be traced.
//!
//! A draft month is recomputed from scratch at will; closing issues it and the store refuses any
//! change to it afterwards. What changes later for a pass a closed month settled (a visit uploaded
//! late, a reviewed flag, a refund) lands in the next open month as adjustment items that name the
//! month they correct: the difference between what the pass should pay now and what was booked.

pub mod consortium;
pub mod csv;
pub mod disputes;
pub mod flags;
pub mod jobs;
pub mod labels;
pub mod pages;
pub mod payout_pages;
pub mod payouts;
pub mod pdf;
pub mod rates;

use std::collections::{BTreeMap, HashMap};

use futures_util::StreamExt;
use jiff::tz::TimeZone;
use townpass_core::catalog::{Product, RevenueModel, Validity};
use townpass_core::money::{self, Model, Sale, Visit};

use crate::store::{
    Item, JobRow, PeriodRow, PublishRun, Said, SettledPass, SettlementCatalogue, SourceRow,
    StatementLineRow, Store, StoreError, Totals,
};

/// Passes' items are written in chunks of this many.
const FLUSH_AT: usize = 10_000;

/// A calendar month in the operator's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    pub label: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

impl Month {
    /// `YYYY-MM` in `zone`: from the first local midnight of the month to the next month's.
    pub fn parse(label: &str, zone: &str) -> Result<Month, StoreError> {
        let bad = || {
            let text: String = label.chars().take(20).collect();
            StoreError::Refused(Said::new("refuse_not_month", &[("text", &text)]))
        };
        let (y, m) = label.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        let first = jiff::civil::Date::new(year, month, 1).map_err(|_| bad())?;
        let next = first
            .checked_add(jiff::Span::new().months(1))
            .map_err(|_| bad())?;
        let tz = TimeZone::get(zone)
            .map_err(|e| StoreError::Corrupt(format!("operator time zone '{zone}': {e}")))?;
        let at = |d: jiff::civil::Date| {
            d.to_zoned(tz.clone())
                .map(|z| z.timestamp().as_second())
                .map_err(|_| bad())
        };
        Ok(Month {
            label: format!("{year:04}-{month:02}"),
            starts_at: at(first)?,
            ends_at: at(next)?,
        })
    }
}

/// One statement: what one party is owed in one currency for a month.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    pub party: String,
    pub currency: String,
    pub amount_minor: i64,
    pub lines: Vec<StatementLineRow>,
    /// For a partner paid in another currency: the payout at the month's rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<rates::Payout>,
}

/// What `settle` did and the month's figures, as stored.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub period: String,
    pub status: String,
    pub passes_settled: u64,
    pub passes_corrected: u64,
    pub totals: BTreeMap<String, Totals>,
    pub statements: Vec<Statement>,
}

/// Computes (and with `close_by`, closes) a month's statements, here and now: the caller's own
/// settlement job (the CLI, tests), run exactly as a server's worker runs a queued one (`jobs`).
/// `now` is unix seconds: passes whose use has not ended by then wait for a later month.
/// `progress` hears the passes read. A month closed already is not touched: its issued statements
/// come back as they are.
pub async fn settle(
    store: &Store,
    label: &str,
    now: i64,
    close_by: Option<&str>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, StoreError> {
    let cat = store.settlement_catalogue().await?;
    let month = Month::parse(label, &cat.operator_zone)?;
    let owner = jobs::owner("inline");
    let job = store
        .start_own_job(
            &month.label,
            close_by,
            close_by.unwrap_or("townpass settle"),
            now,
            &owner,
            crate::store::now() + jobs::LEASE_SECS,
        )
        .await?;
    jobs::run(store, &job, &owner, now, progress).await
}

/// One attempt of a settlement job (see `jobs::run`, which holds the lease around it). Passes are
/// read and judged as a stream and their items written in chunks, each chunk its own short
/// transaction under the attempt's run number, unseen; one short transaction then makes the run the
/// month's statements (and closes the month). So no write lasts as long as the computation.
#[tracing::instrument(name = "settlement", skip_all, fields(period = %job.period, job = job.id, close = job.close_by.is_some()))]
async fn compute(
    store: &Store,
    job: &JobRow,
    owner: &str,
    now: i64,
    progress: &(dyn Fn(u64) + Sync),
    lost: &std::sync::atomic::AtomicBool,
) -> Result<Report, StoreError> {
    let cat = store.settlement_catalogue().await?;
    let month = Month::parse(&job.period, &cat.operator_zone)?;
    let label = month.label.as_str();
    let close_by = job.close_by.as_deref();
    // A closed month is never recomputed: its issued statements are what it is.
    if let Some(row) = store.period(label).await?
        && row.status == "closed"
    {
        store.finish_job(job.id, owner, now).await?;
        return report(store, &row).await;
    }
    refuse_settling(store, &month).await?;
    let earlier_open = store.earlier_open_period(label).await?;
    if close_by.is_some() {
        refuse_close(store, &cat.operator_zone, &month, now).await?;
    }
    // The earliest open month also takes passes whose use ended before it and were never settled.
    let lower = earlier_open.as_ref().map(|_| month.starts_at);
    let cutoff = month.ends_at.min(now);
    let mut engine = Engine::new(&cat);
    let run = job.run();

    // What this run can see: every visit and pass change up to these marks (ids are handed out in
    // commit order). What commits after them is corrected by a later month.
    let marks = store.read_watermark().await?;
    store
        .open_period(label, month.starts_at, month.ends_at, now)
        .await?;
    store.drop_stale_runs(label, Some(run)).await?;

    // Writing runs in its own task, so reading and judging the next passes overlaps storing the
    // last ones; the channel holds at most two chunks, so memory stays bounded.
    let (chunks, mut pending) = tokio::sync::mpsc::channel::<(Vec<Item>, Vec<SettledPass>)>(2);
    let writer = {
        let store = store.clone();
        let label = label.to_string();
        tokio::spawn(async move {
            while let Some((items, settled)) = pending.recv().await {
                store.write_run_chunk(&label, run, &items, &settled).await?;
            }
            Ok::<_, StoreError>(())
        })
    };
    let mut items: Vec<Item> = Vec::new();
    let mut settled: Vec<SettledPass> = Vec::new();
    let mut passes_settled = 0u64;
    let mut read = 0u64;
    {
        let mut rows = store.unsettled_passes(label, month.ends_at);
        let mut current: Vec<SourceRow> = Vec::new();
        loop {
            let next = rows.next().await.transpose()?;
            let boundary = match (&next, current.first()) {
                (Some(row), Some(first)) => row.serial != first.serial,
                (None, Some(_)) => true,
                _ => false,
            };
            if boundary {
                read += 1;
                if read.is_multiple_of(1000) {
                    progress(read);
                    if lost.load(std::sync::atomic::Ordering::Relaxed) {
                        return Err(lease_lost(job));
                    }
                }
                let pass = engine.pass(&current)?;
                if pass.settles_at < cutoff && lower.is_none_or(|l| pass.settles_at >= l) {
                    passes_settled += 1;
                    items.extend(pass.items);
                    settled.push(pass.settled);
                }
                current.clear();
                if items.len() >= FLUSH_AT {
                    let chunk = (std::mem::take(&mut items), std::mem::take(&mut settled));
                    if chunks.send(chunk).await.is_err() {
                        return Err(writer_failed(writer.await));
                    }
                }
            }
            match next {
                Some(row) => current.push(row),
                None => break,
            }
        }
    }
    progress(read);

    let passes_corrected = corrections(store, &mut engine, label, &mut items, &mut settled).await?;
    if lower.is_none() {
        items.extend(dispute_credits(store, label).await?);
        items.extend(carried_balances(store, label).await?);
    }
    let last = chunks.send((items, settled)).await;
    drop(chunks);
    match (last, writer.await) {
        (Ok(()), Ok(Ok(()))) => {}
        (_, done) => return Err(writer_failed(done)),
    }
    store
        .publish_run(&PublishRun {
            job: job.id,
            owner,
            period: label,
            run,
            marks,
            now,
            close_by,
        })
        .await?;
    // The month's earlier runs are garbage now; a failure here only leaves them for next time.
    if let Err(e) = store.drop_stale_runs(label, None).await {
        tracing::warn!(error = %e, "could not delete the month's earlier settlement runs yet");
    }

    let row = store
        .period(label)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("period {label}")))?;
    let mut report = report(store, &row).await?;
    report.passes_settled = passes_settled;
    report.passes_corrected = passes_corrected;
    Ok(report)
}

/// Why `month` cannot be settled (again) at all, if it cannot: it is closed (its statements never
/// change), or it lies before the latest closed month (whose close took everything before it).
pub async fn refuse_settling(store: &Store, month: &Month) -> Result<(), StoreError> {
    if let Some(row) = store.period(&month.label).await?
        && row.status == "closed"
    {
        return Err(StoreError::Refused(Said::new(
            "refuse_closed",
            &[("month", &month.label)],
        )));
    }
    if let Some(latest) = store.latest_closed_period().await?
        && latest > month.label
    {
        return Err(StoreError::Refused(Said::new(
            "refuse_before_closed",
            &[("month", &month.label), ("latest", &latest)],
        )));
    }
    Ok(())
}

/// Why `month` cannot be closed at `now`, if it cannot: it is not over, or an earlier month is
/// still open (months close in order).
pub async fn refuse_close(
    store: &Store,
    zone: &str,
    month: &Month,
    now: i64,
) -> Result<(), StoreError> {
    if now < month.ends_at {
        return Err(StoreError::Refused(Said::new(
            "refuse_not_over",
            &[
                ("month", &month.label),
                (
                    "time",
                    &crate::i18n::present::local_time(month.ends_at, zone),
                ),
            ],
        )));
    }
    if let Some(earlier) = store.earlier_open_period(&month.label).await? {
        return Err(StoreError::Refused(Said::new(
            "refuse_in_order",
            &[("earlier", &earlier)],
        )));
    }
    Ok(())
}

fn lease_lost(job: &JobRow) -> StoreError {
    StoreError::Conflict(format!(
        "settlement job {} lost its lease to another server; that server finishes it",
        job.id
    ))
}

/// Why the writer task stopped: its own error (the database's), or how it died.
fn writer_failed(done: Result<Result<(), StoreError>, tokio::task::JoinError>) -> StoreError {
    match done {
        Ok(Err(e)) => e,
        Ok(Ok(())) => StoreError::Conflict("the settlement writer stopped early".into()),
        Err(e) => StoreError::Conflict(format!("the settlement writer failed: {e}")),
    }
}

/// Passes a closed month settled that changed since (late visit, reviewed flag, refund): the
/// difference between what they pay now and what was booked, as adjustment items naming the month
/// they correct. Returns how many passes needed one.
async fn corrections(
    store: &Store,
    engine: &mut Engine<'_>,
    label: &str,
    items: &mut Vec<Item>,
    settled: &mut Vec<SettledPass>,
) -> Result<u64, StoreError> {
    let mut corrected = 0u64;
    for (serial, corrects, closed_at) in store.changed_after_close().await? {
        let rows = store.pass_source(&serial).await?;
        let reason = reason(&rows, closed_at);
        let now_due = engine.pass(&rows)?;
        let (booked, gross, refund) = store.booked_for_pass(&serial, label).await?;
        let mut diff: BTreeMap<ItemKey, i64> = BTreeMap::new();
        for item in now_due.items {
            *diff.entry(ItemKey::of(&item)).or_default() += item.amount_minor;
        }
        for (item, amount) in booked {
            *diff.entry(ItemKey::of(&item)).or_default() -= amount;
        }
        let before = items.len();
        for (key, amount) in diff.into_iter().filter(|(_, a)| *a != 0) {
            items.push(key.item(&serial, amount, &corrects, &reason));
        }
        let gross_diff = now_due.settled.gross_minor - gross;
        let refund_diff = now_due.settled.refund_minor - refund;
        if gross_diff != 0 || refund_diff != 0 {
            settled.push(SettledPass {
                serial: serial.clone(),
                currency: now_due.settled.currency.clone(),
                gross_minor: gross_diff,
                refund_minor: refund_diff,
            });
        }
        if items.len() > before || gross_diff != 0 || refund_diff != 0 {
            corrected += 1;
        }
    }
    Ok(corrected)
}

/// Accepted disputes not credited in another month: the partner's credit and the operator's debit.
/// Booked only by the earliest open month, so each is paid once.
async fn dispute_credits(store: &Store, label: &str) -> Result<Vec<Item>, StoreError> {
    let credited = store.credited_disputes(label).await?;
    let mut items = Vec::new();
    for d in store.accepted_credits().await? {
        let key = format!("dispute-{}", d.id);
        if credited.contains(&key) {
            continue;
        }
        let credit = d.credit_minor.unwrap_or(0);
        for (party, kind, amount) in [
            (d.party.clone(), "dispute_credit", credit),
            ("operator".to_string(), "dispute_debit", -credit),
        ] {
            items.push(Item {
                party,
                currency: d.currency.clone(),
                kind,
                product_id: 0,
                offer_id: None,
                serial: key.clone(),
                redemption_id: None,
                amount_minor: amount,
                corrects: Some(d.period.clone()),
                reason: Some(format!("dispute {}: {}", d.id, d.comment)),
            });
        }
    }
    Ok(items)
}

/// Negative partner balances of the latest closed month, carried into this one: they were not
/// paid (see `payouts`), so the partner's statement opens with the balance it owes and the
/// operator's with the same amount recovered. The pair sums to zero, so the month still balances;
/// a balance still negative is carried again the month after.
async fn carried_balances(store: &Store, label: &str) -> Result<Vec<Item>, StoreError> {
    let Some(previous) = store.latest_closed_period().await? else {
        return Ok(Vec::new());
    };
    if previous.as_str() >= label {
        return Ok(Vec::new());
    }
    let Some(row) = store.period(&previous).await? else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for st in report(store, &row).await?.statements {
        if !st.party.starts_with("partner:") || st.amount_minor >= 0 {
            continue;
        }
        let key = format!("carried-{previous}-{}-{}", st.party, st.currency);
        for (party, kind, amount) in [
            (st.party.clone(), "balance_carried", st.amount_minor),
            (
                "operator".to_string(),
                "balance_recovered",
                -st.amount_minor,
            ),
        ] {
            items.push(Item {
                party,
                currency: st.currency.clone(),
                kind,
                product_id: 0,
                offer_id: None,
                serial: key.clone(),
                redemption_id: None,
                amount_minor: amount,
                corrects: Some(previous.clone()),
                reason: Some(format!("negative balance of {previous}, not paid")),
            });
        }
    }
    Ok(items)
}

/// A stored month's statements and totals.
pub async fn report(store: &Store, row: &PeriodRow) -> Result<Report, StoreError> {
    let totals = store
        .period_totals(&row.period)
        .await?
        .into_iter()
        .collect();
    let mut statements: Vec<Statement> = Vec::new();
    for line in store.statement_lines(&row.period, None).await? {
        match statements.last_mut() {
            Some(s) if s.party == line.party && s.currency == line.currency => {
                s.amount_minor += line.amount_minor;
                s.lines.push(line);
            }
            _ => statements.push(Statement {
                party: line.party.clone(),
                currency: line.currency.clone(),
                amount_minor: line.amount_minor,
                lines: vec![line],
                payout: None,
            }),
        }
    }
    let closed = row.status == "closed";
    for s in &mut statements {
        s.payout = rates::payout(
            store,
            &row.period,
            closed,
            &s.party,
            &s.currency,
            s.amount_minor,
        )
        .await?;
    }
    Ok(Report {
        period: row.period.clone(),
        status: row.status.clone(),
        passes_settled: 0,
        passes_corrected: 0,
        totals,
        statements,
    })
}

/// What an adjustment corrects, from what changed after the month closed.
fn reason(rows: &[SourceRow], closed_at: i64) -> String {
    let mut why = Vec::new();
    if rows
        .first()
        .and_then(|r| r.refunded_at)
        .is_some_and(|t| t >= closed_at)
    {
        why.push("refund");
    }
    if rows
        .iter()
        .any(|r| r.received_at.is_some_and(|t| t >= closed_at))
    {
        why.push("visit uploaded late");
    }
    if rows
        .iter()
        .any(|r| r.reviewed_at.is_some_and(|t| t >= closed_at))
    {
        why.push("flag reviewed");
    }
    if why.is_empty() {
        why.push("recomputed");
    }
    why.join(", ")
}

/// What an item pays for, without its amount: adjustments compare these.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ItemKey {
    party: String,
    currency: String,
    kind: &'static str,
    product_id: i64,
    offer_id: Option<i64>,
    redemption_id: Option<i64>,
}

impl ItemKey {
    fn of(item: &Item) -> ItemKey {
        ItemKey {
            party: item.party.clone(),
            currency: item.currency.clone(),
            kind: item.kind,
            product_id: item.product_id,
            offer_id: item.offer_id,
            redemption_id: item.redemption_id,
        }
    }

    fn item(self, serial: &str, amount: i64, corrects: &str, reason: &str) -> Item {
        Item {
            party: self.party,
            currency: self.currency,
            kind: self.kind,
            product_id: self.product_id,
            offer_id: self.offer_id,
            serial: serial.to_string(),
            redemption_id: self.redemption_id,
            amount_minor: amount,
            corrects: Some(corrects.to_string()),
            reason: Some(reason.to_string()),
        }
    }
}

/// One pass, settled.
struct SettledOne {
    /// When its use ended (unix s).
    settles_at: i64,
    items: Vec<Item>,
    settled: SettledPass,
}

struct Engine<'a> {
    cat: &'a SettlementCatalogue,
    zones: HashMap<String, TimeZone>,
}

impl<'a> Engine<'a> {
    fn new(cat: &'a SettlementCatalogue) -> Engine<'a> {
        Engine {
            cat,
            zones: HashMap::new(),
        }
    }

    fn zone(&mut self, name: &str) -> Result<TimeZone, StoreError> {
        if let Some(tz) = self.zones.get(name) {
            return Ok(tz.clone());
        }
        let tz = TimeZone::get(name)
            .map_err(|e| StoreError::Corrupt(format!("time zone '{name}': {e}")))?;
        self.zones.insert(name.to_string(), tz.clone());
        Ok(tz)
    }

    /// Settles one pass from its rows (the pass repeated with each use, in time order).
    fn pass(&mut self, rows: &[SourceRow]) -> Result<SettledOne, StoreError> {
        let first = rows
            .first()
            .ok_or_else(|| StoreError::Corrupt("a pass without rows".into()))?;
        let product: &Product = self.cat.products.get(&first.product_id).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "pass {} names product {} which is not in the catalogue",
                first.serial, first.product_id
            ))
        })?;
        let category = self
            .cat
            .categories
            .get(&first.category_id)
            .map(String::as_str)
            .unwrap_or("");
        let currency = first.currency.clone();

        // Which uses count: accepted (or reviewed and accepted), one per offer and local day.
        let uses: Vec<&SourceRow> = rows.iter().filter(|r| r.redemption_id.is_some()).collect();
        let mut keyed = Vec::with_capacity(uses.len());
        for r in &uses {
            let eligible = r.review.as_deref() != Some("rejected")
                && (r.flag.is_none() || r.review.as_deref() == Some("accepted"));
            let known = r.offer_id.and_then(|o| self.cat.offers.get(&o));
            let day = match (known, r.scanned_at) {
                (Some((_, _, zone)), Some(at)) => {
                    let tz = self.zone(zone)?;
                    jiff::Timestamp::from_millisecond(at)
                        .map(|t| t.to_zoned(tz).date())
                        .ok()
                }
                _ => None,
            };
            keyed.push((
                r.offer_id,
                day,
                eligible && known.is_some() && day.is_some(),
            ));
        }
        let paid = money::paid_visits(&keyed);
        // The offers' amounts in the currency the pass was sold in (a product sold in several
        // currencies states each offer's amounts in each).
        let sold_in: townpass_core::money::Currency = currency
            .parse()
            .map_err(|e: String| StoreError::Corrupt(format!("pass {}: {e}", first.serial)))?;
        let visits: Vec<Visit> = uses
            .iter()
            .zip(&paid)
            .map(|(r, paid)| {
                let offer = r.offer_id.and_then(|o| self.cat.offers.get(&o));
                let rate = |m: Option<&BTreeMap<String, i64>>| {
                    m.and_then(|m| m.get(category)).copied().unwrap_or(0)
                };
                Visit {
                    paid: *paid,
                    reimbursement: rate(
                        offer.map(|o| o.0.reimbursement_in(sold_in, product.currency)),
                    ),
                    rack_rate: rate(offer.map(|o| o.0.rack_rate_in(sold_in, product.currency))),
                }
            })
            .collect();

        let share_holders: Vec<(&String, &u32)> = product.revenue.shares.iter().collect();
        let model = match product.revenue.model {
            RevenueModel::PerVisit => Model::PerVisit,
            RevenueModel::Pool => Model::Pool,
            RevenueModel::FixedShare => {
                Model::FixedShare(share_holders.iter().map(|(_, w)| u64::from(**w)).collect())
            }
        };
        let sale = Sale {
            price: first.price_minor,
            commission_bp: if first.sales_point_id.is_some() {
                u32::try_from(first.commission_bp).unwrap_or(0)
            } else {
                0
            },
            operator_fee_bp: product.revenue.operator_fee_bp,
            refunded: first.refunded_at.is_some(),
        };
        let split = money::settle_pass(&sale, &model, &visits);

        // When its use ended.
        let settles_at = if let Some(refunded) = first.refunded_at {
            refunded
        } else if product.revenue.model == RevenueModel::FixedShare {
            first.paid_at.unwrap_or(first.issued_at)
        } else {
            let first_use = uses
                .iter()
                .zip(&keyed)
                .find(|(_, k)| k.2)
                .and_then(|(r, _)| r.scanned_at);
            let tz = self.zone(&product.time_zone)?;
            let end = match (&product.validity, first_use) {
                (Validity::Dates { .. }, _) | (_, None) => None,
                (validity, Some(first_ms)) => {
                    townpass_core::rules::validity_end(validity, first_ms, &tz)
                }
            };
            end.map_or(first.expires_at, |ms| {
                first.expires_at.min(ms.div_euclid(1000))
            })
        };

        let mut items = Vec::new();
        let mut add = |party: String,
                       kind: &'static str,
                       offer: Option<i64>,
                       visit: Option<i64>,
                       amount: i64| {
            if amount != 0 {
                items.push(Item {
                    party,
                    currency: currency.clone(),
                    kind,
                    product_id: first.product_id,
                    offer_id: offer,
                    serial: first.serial.clone(),
                    redemption_id: visit,
                    amount_minor: amount,
                    corrects: None,
                    reason: None,
                });
            }
        };
        if let Some(sp) = first
            .sales_point_id
            .and_then(|id| self.cat.sales_points.get(&id))
        {
            add(
                format!("sales_point:{sp}"),
                "commission",
                None,
                None,
                split.commission,
            );
        }
        add(
            "operator".into(),
            "operator_fee",
            None,
            None,
            split.operator_fee,
        );
        let visit_kind = match product.revenue.model {
            RevenueModel::PerVisit => "visit",
            _ => "pool_share",
        };
        for (r, amount) in uses.iter().zip(&split.visits) {
            if let Some((_, partner, _)) = r.offer_id.and_then(|o| self.cat.offers.get(&o)) {
                add(
                    format!("partner:{partner}"),
                    visit_kind,
                    r.offer_id,
                    r.redemption_id,
                    *amount,
                );
            }
        }
        for ((partner, _), amount) in share_holders.iter().zip(&split.shares) {
            add(
                format!("partner:{partner}"),
                "fixed_share",
                None,
                None,
                *amount,
            );
        }
        let breakage_party = match product.revenue.breakage.as_deref() {
            None | Some("operator") => "operator".to_string(),
            Some(partner) => format!("partner:{partner}"),
        };
        add(breakage_party, "breakage", None, None, split.breakage);

        Ok(SettledOne {
            settles_at,
            items,
            settled: SettledPass {
                serial: first.serial.clone(),
                currency,
                gross_minor: split.gross,
                refund_minor: split.refund,
            },
        })
    }
}
