//! Paying partners for a closed month: one SEPA credit transfer (ISO 20022 `pain.001.001.09`,
//! built by the `sepa` crate) per partner statement paid in EUR with a positive balance, the
//! statement number as its end-to-end id and structured postal addresses; a list of every
//! statement's payout (a CSV) for the partners paid in other currencies and for the books. A
//! negative balance is not paid (`carried`). The files are recorded with the month, which is then
//! paid once: a second export is refused. The operator confirms when the bank has paid.

use std::collections::HashMap;

use townpass_core::catalog::{Address, Catalogue};
use townpass_core::money::Money;

use crate::store::{PayoutLineRow, PayoutRun, Said, Store, StoreError};

/// How a statement is paid.
pub const SEPA: &str = "sepa";
/// In another currency than EUR: paid by hand from the list.
pub const BY_HAND: &str = "by_hand";
/// A negative balance: nothing is paid, the partner owes it.
pub const CARRIED: &str = "carried";
/// A zero balance.
pub const NOTHING: &str = "nothing";

/// One partner statement's payout, as planned and as recorded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PayoutLine {
    /// The statement number, e.g. `TP-2026-11-0003-EUR`: the transfer's end-to-end id.
    pub number: String,
    pub party: String,
    pub partner: String,
    pub partner_name: String,
    /// The statement's currency and total.
    pub currency: String,
    pub statement_minor: i64,
    /// What is paid (in the partner's payout currency), and how.
    pub payout_currency: String,
    pub amount_minor: i64,
    pub method: String,
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// The partner's address on one line.
    pub address: Option<String>,
}

/// A month's payouts: planned (nothing recorded yet) or exported.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Payouts {
    pub period: String,
    pub lines: Vec<PayoutLine>,
    /// `None` until exported; then `exported` or `paid`.
    pub status: Option<String>,
    pub exported_at: Option<i64>,
    pub exported_by: Option<String>,
    pub paid_at: Option<i64>,
    pub paid_by: Option<String>,
    pub execution_date: Option<String>,
    pub message_id: Option<String>,
    /// Whether the month has a SEPA file (some EUR transfer).
    pub has_sepa_file: bool,
}

impl Payouts {
    /// The total of the transfers in the SEPA file, in euro cents.
    pub fn sepa_total_minor(&self) -> i64 {
        self.lines
            .iter()
            .filter(|l| l.method == SEPA)
            .map(|l| l.amount_minor)
            .sum()
    }
}

/// The statement number of a partner's statement in one currency for a month: stable (the
/// partner's id never changes) and short enough for a transfer's end-to-end id (35 characters).
pub fn statement_number(period: &str, partner_id: i64, currency: &str) -> String {
    format!("TP-{period}-{partner_id:04}-{currency}")
}

/// The month's payouts: as recorded once exported, else as they would be exported now. Refused
/// for a month that is not closed.
pub async fn payouts(store: &Store, period: &str) -> Result<Payouts, StoreError> {
    let row = closed_month(store, period).await?;
    if let Some(run) = store.payout_run(&row.period).await? {
        let lines = store.payout_lines(&row.period).await?;
        return Ok(recorded(run, lines, &load_catalogue(store).await?));
    }
    let cat = load_catalogue(store).await?;
    Ok(Payouts {
        period: row.period.clone(),
        lines: plan(store, &row, &cat).await?,
        status: None,
        exported_at: None,
        exported_by: None,
        paid_at: None,
        paid_by: None,
        execution_date: None,
        message_id: None,
        has_sepa_file: false,
    })
}

/// What an export made: the recorded payouts and the two files.
#[derive(Clone, Debug)]
pub struct Exported {
    pub payouts: Payouts,
    pub sepa_xml: Option<String>,
    pub list_csv: String,
}

/// Exports a closed month's payouts: checks every bank detail the transfers need (refusing, and
/// storing nothing, with each problem named), builds the SEPA file and the list, and records
/// them. A month already exported is refused.
pub async fn export(
    store: &Store,
    period: &str,
    execution_date: jiff::civil::Date,
    by: &str,
    now: i64,
) -> Result<Exported, StoreError> {
    let row = closed_month(store, period).await?;
    if let Some(run) = store.payout_run(&row.period).await? {
        return Err(twice(&run));
    }
    let cat = load_catalogue(store).await?;
    check_date(&cat, execution_date, now)?;
    let lines = plan(store, &row, &cat).await?;
    // Banks refuse a message id they have seen: a month exported again after a withdrawal gets
    // the next attempt's.
    let message_id = match store.payout_withdrawals(&row.period).await? {
        0 => format!("TP-PAYOUT-{}", row.period),
        n => format!("TP-PAYOUT-{}-{}", row.period, n + 1),
    };
    let sepa_xml = sepa_file(&cat, &lines, &message_id, execution_date, now)?;
    let list_csv = list_csv(&row.period, &lines)?;
    let run = PayoutRun {
        period: row.period.clone(),
        message_id: message_id.clone(),
        execution_date: execution_date.to_string(),
        sepa_xml: sepa_xml.clone(),
        list_csv: list_csv.clone(),
        exported_at: now,
        exported_by: by.to_string(),
        status: "exported".into(),
        paid_at: None,
        paid_by: None,
    };
    let rows: Vec<PayoutLineRow> = lines.iter().map(line_row).collect();
    let transfers: Vec<&PayoutLine> = lines.iter().filter(|l| l.method == SEPA).collect();
    let audit = format!(
        "{} transfer(s) of {} EUR in {}; {} statement(s) in the list",
        transfers.len(),
        Money::new(
            transfers.iter().map(|l| l.amount_minor).sum(),
            townpass_core::money::Currency::EUR
        )
        .decimal(),
        message_id,
        lines.len()
    );
    if !store.record_payout_run(&run, &rows, &audit).await? {
        // Another export of the same month committed first.
        let run = store
            .payout_run(&row.period)
            .await?
            .ok_or_else(|| StoreError::Conflict("payout run vanished".into()))?;
        return Err(twice(&run));
    }
    let payouts = recorded(run, rows, &cat);
    Ok(Exported {
        payouts,
        sepa_xml,
        list_csv,
    })
}

/// The operator's zone (settlement months are its calendar months).
fn zone(cat: &Catalogue) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(&cat.operator.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A payment date is a day from today (in the operator's zone) to a year ahead.
pub fn check_date(
    cat: &Catalogue,
    execution_date: jiff::civil::Date,
    now: i64,
) -> Result<(), StoreError> {
    let today = jiff::Timestamp::from_second(now)
        .map_err(|e| StoreError::Corrupt(format!("clock: {e}")))?
        .to_zoned(zone(cat))
        .date();
    if execution_date < today || execution_date > today.saturating_add(jiff::Span::new().days(365))
    {
        return Err(StoreError::Refused(Said::new(
            "refuse_payout_date",
            &[("date", &execution_date.to_string())],
        )));
    }
    Ok(())
}

/// Records that the bank has paid an exported month. Refused before the export and once paid.
pub async fn mark_paid(store: &Store, period: &str, by: &str, now: i64) -> Result<(), StoreError> {
    let row = closed_month(store, period).await?;
    let Some(run) = store.payout_run(&row.period).await? else {
        return Err(StoreError::Refused(Said::new(
            "refuse_payout_not_exported",
            &[("period", &row.period)],
        )));
    };
    if run.status == "paid" || !store.mark_payout_paid(&row.period, by, now).await? {
        return Err(StoreError::Refused(Said::new(
            "refuse_payout_paid_already",
            &[("period", &row.period)],
        )));
    }
    Ok(())
}

/// Withdraws an exported month's files that the bank rejected (or that were never sent), with
/// why; the month can then be exported again. Refused once the month is confirmed paid, and
/// before it is exported.
pub async fn withdraw(
    store: &Store,
    period: &str,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<(), StoreError> {
    let row = closed_month(store, period).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Refused(Said::new(
            "refuse_payout_withdraw_reason",
            &[],
        )));
    }
    let reason: String = reason.chars().take(500).collect();
    match store.payout_run(&row.period).await? {
        None => Err(StoreError::Refused(Said::new(
            "refuse_payout_not_exported",
            &[("period", &row.period)],
        ))),
        Some(run) if run.status == "paid" => Err(StoreError::Refused(Said::new(
            "refuse_payout_withdraw_paid",
            &[("period", &row.period)],
        ))),
        Some(_) => {
            if store
                .withdraw_payout_run(&row.period, &reason, by, now)
                .await?
            {
                Ok(())
            } else {
                Err(StoreError::Refused(Said::new(
                    "refuse_payout_withdraw_paid",
                    &[("period", &row.period)],
                )))
            }
        }
    }
}

/// The SEPA file and the list as exported (`None` before the export).
pub async fn files(
    store: &Store,
    period: &str,
) -> Result<Option<(Option<String>, String)>, StoreError> {
    Ok(store
        .payout_run(period)
        .await?
        .map(|run| (run.sepa_xml, run.list_csv)))
}

/// The file names a download gets.
pub fn file_names(period: &str) -> (String, String) {
    (
        format!("townpass-payouts-{period}.xml"),
        format!("townpass-payouts-{period}.csv"),
    )
}

async fn closed_month(store: &Store, period: &str) -> Result<crate::store::PeriodRow, StoreError> {
    let cat = load_catalogue(store).await?;
    let month = super::Month::parse(period, &cat.operator.time_zone)?;
    match store.period(&month.label).await? {
        Some(row) if row.status == "closed" => Ok(row),
        _ => Err(StoreError::Refused(Said::new(
            "refuse_payout_not_closed",
            &[("period", &month.label)],
        ))),
    }
}

/// The catalogue the payouts are made from (refused before any was applied).
pub async fn load_catalogue(store: &Store) -> Result<Catalogue, StoreError> {
    store
        .load_catalogue()
        .await?
        .ok_or_else(|| StoreError::NotFound("no catalogue applied yet".into()))
}

fn twice(run: &PayoutRun) -> StoreError {
    StoreError::Refused(Said::new(
        "refuse_payout_twice",
        &[
            ("period", &run.period),
            ("when", &crate::cli::date_time(run.exported_at)),
            (
                "by",
                run.exported_by
                    .strip_prefix("admin:")
                    .unwrap_or(&run.exported_by),
            ),
        ],
    ))
}

/// Every partner statement of the closed month, with what is paid and how.
async fn plan(
    store: &Store,
    row: &crate::store::PeriodRow,
    cat: &Catalogue,
) -> Result<Vec<PayoutLine>, StoreError> {
    let report = super::report(store, row).await?;
    let ids = store.partner_ids().await?;
    let mut lines = Vec::new();
    for st in &report.statements {
        let Some(code) = st.party.strip_prefix("partner:") else {
            continue;
        };
        let partner = cat.partners.iter().find(|p| p.code == code);
        let (payout_currency, amount_minor) = match &st.payout {
            Some(p) => (
                p.currency.clone(),
                p.amount_minor.ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "closed month {} has no conversion for {} in {}",
                        row.period, st.party, st.currency
                    ))
                })?,
            ),
            None => (st.currency.clone(), st.amount_minor),
        };
        let method = if amount_minor < 0 {
            CARRIED
        } else if amount_minor == 0 {
            NOTHING
        } else if payout_currency == "EUR" {
            SEPA
        } else {
            BY_HAND
        };
        lines.push(PayoutLine {
            number: statement_number(
                &row.period,
                ids.get(code).copied().unwrap_or_default(),
                &st.currency,
            ),
            party: st.party.clone(),
            partner: code.to_string(),
            partner_name: partner.map_or_else(|| code.to_string(), |p| p.name.clone()),
            currency: st.currency.clone(),
            statement_minor: st.amount_minor,
            payout_currency,
            amount_minor,
            method: method.to_string(),
            iban: partner.and_then(|p| p.iban.as_deref()).map(|i| {
                sepa::validate_iban(i).map_or_else(|_| i.to_string(), |v| v.as_str().to_string())
            }),
            bic: partner.and_then(|p| p.bic.as_deref()).map(|b| {
                sepa::validate_bic(b).map_or_else(|_| b.to_string(), |v| v.as_str().to_string())
            }),
            address: partner.and_then(|p| p.address.as_ref().map(Address::one_line)),
        });
    }
    Ok(lines)
}

/// The transfer file, or `None` when no statement is paid by transfer. Refused with every missing
/// or wrong bank detail named.
fn sepa_file(
    cat: &Catalogue,
    lines: &[PayoutLine],
    message_id: &str,
    execution_date: jiff::civil::Date,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let transfers: Vec<&PayoutLine> = lines.iter().filter(|l| l.method == SEPA).collect();
    if transfers.is_empty() {
        return Ok(None);
    }
    let mut problems: Vec<String> = Vec::new();
    let op = &cat.operator;
    let debtor_iban = match op.iban.as_deref().map(sepa::validate_iban) {
        Some(Ok(iban)) => Some(iban),
        Some(Err(e)) => {
            problems.push(format!("the operator's IBAN: {e}"));
            None
        }
        None => {
            problems.push("the operator has no IBAN (operator.iban in the catalogue)".into());
            None
        }
    };
    let debtor_address = postal("the operator", op.address.as_ref(), &mut problems);
    let debtor_bic = op.bic.as_deref().and_then(|b| {
        sepa::validate_bic(b)
            .map_err(|e| problems.push(format!("the operator's BIC: {e}")))
            .ok()
    });
    let mut entries = Vec::new();
    for line in &transfers {
        let partner = cat.partners.iter().find(|p| p.code == line.partner);
        let who = format!("partner '{}' ({})", line.partner_name, line.partner);
        let iban = match partner
            .and_then(|p| p.iban.as_deref())
            .map(sepa::validate_iban)
        {
            Some(Ok(iban)) => Some(iban),
            Some(Err(e)) => {
                problems.push(format!("{who}: IBAN: {e}"));
                None
            }
            None => {
                problems.push(format!("{who}: no IBAN"));
                None
            }
        };
        let bic = match partner
            .and_then(|p| p.bic.as_deref())
            .map(sepa::validate_bic)
        {
            Some(Ok(bic)) => Some(bic),
            Some(Err(e)) => {
                problems.push(format!("{who}: BIC: {e}"));
                None
            }
            None => None,
        };
        if latin(&line.partner_name) > MAX_NAME {
            problems.push(format!(
                "{who}: the name is longer than the {MAX_NAME} characters of a transfer (in Latin letters)"
            ));
        }
        let address = postal(
            &who,
            partner.and_then(|p| p.address.as_ref()),
            &mut problems,
        );
        if let (Some(iban), Some(address)) = (iban, address) {
            let mut entry = sepa::CreditTransferEntry::new(
                line.partner_name.clone(),
                iban,
                line.amount_minor,
                line.number.clone(),
            )
            .with_creditor_address(address)
            .with_description(format!("townpass statement {}", line.number));
            if let Some(bic) = bic {
                entry = entry.with_bic(bic);
            }
            entries.push(entry);
        }
    }
    let (Some(debtor_iban), Some(debtor_address), true) =
        (debtor_iban, debtor_address, problems.is_empty())
    else {
        return Err(StoreError::Refused(Said::new(
            "refuse_payout_bank_details",
            &[("problems", &problems.join("; "))],
        )));
    };
    let date = |d: jiff::civil::Date| {
        sepa::IsoDate::new(
            u16::try_from(d.year()).unwrap_or_default(),
            u8::try_from(d.month()).unwrap_or_default(),
            u8::try_from(d.day()).unwrap_or_default(),
        )
        .map_err(|e| StoreError::Conflict(format!("date {d}: {e}")))
    };
    // ISO 20022 reads a time without a zone as local time: the operator's.
    let created = jiff::Timestamp::from_second(now)
        .map_err(|e| StoreError::Corrupt(format!("clock: {e}")))?
        .to_zoned(zone(cat))
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
        .parse::<sepa::IsoDateTime>()
        .map_err(|e| StoreError::Conflict(format!("time: {e}")))?;
    let mut group =
        sepa::CreditTransferGroup::new(op.name.clone(), &debtor_iban, date(execution_date)?)
            .debtor_address(debtor_address)
            .add_entries(entries);
    if let Some(bic) = debtor_bic {
        group = group.debtor_bic(bic);
    }
    sepa::Pain001Builder::new(op.name.clone(), message_id)
        .created_at(created)
        .add_group(group)
        .build()
        .map(Some)
        .map_err(|e| {
            StoreError::Refused(Said::new(
                "refuse_payout_bank_details",
                &[("problems", &e.to_string())],
            ))
        })
}

/// Characters of `text` once written in the SEPA alphabet, as banks count them (Cyrillic letters
/// become one to three Latin ones).
pub fn latin(text: &str) -> usize {
    sepa::transliterate(text, sepa::Transliteration::default())
        .chars()
        .count()
}

/// The most characters a transfer takes in a creditor's name.
pub const MAX_NAME: usize = 70;

/// Each field of a structured address with its text and the most characters ISO 20022 takes.
pub fn address_fields(a: &Address) -> [(&'static str, Option<&str>, usize); 4] {
    [
        ("street", a.street.as_deref(), 70),
        ("building", a.building.as_deref(), 16),
        ("post_code", a.post_code.as_deref(), 16),
        ("town", Some(a.town.as_str()), 35),
    ]
}

/// Why a field of an address is too long for a transfer, if one is.
pub fn too_long(who: &str, a: &Address) -> Vec<String> {
    address_fields(a)
        .into_iter()
        .filter(|(_, value, max)| value.is_some_and(|v| latin(v) > *max))
        .map(|(field, _, max)| {
            format!(
                "{who}: address {field} is longer than the {max} characters banks accept \
                 (counted in Latin letters)"
            )
        })
        .collect()
}

/// A structured address for the file, or the problem with it.
fn postal(
    who: &str,
    address: Option<&Address>,
    problems: &mut Vec<String>,
) -> Option<sepa::PostalAddress> {
    let Some(a) = address else {
        problems.push(format!(
            "{who}: no postal address (banks take only structured addresses: street, building, \
             post_code, town, country)"
        ));
        return None;
    };
    problems.extend(too_long(who, a));
    let mut postal = match sepa::PostalAddress::new(a.town.clone(), &a.country) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("{who}: address: {e}"));
            return None;
        }
    };
    if let Some(street) = &a.street {
        postal = postal.street(street.clone());
    }
    if let Some(building) = &a.building {
        postal = postal.building_number(building.clone());
    }
    if let Some(code) = &a.post_code {
        postal = postal.post_code(code.clone());
    }
    Some(postal)
}

/// The list of every partner statement's payout, for the partners paid by hand and the books.
fn list_csv(period: &str, lines: &[PayoutLine]) -> Result<String, StoreError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| StoreError::Conflict(format!("payout list: {e}"));
    w.write_record([
        "statement",
        "period",
        "partner",
        "partner_code",
        "statement_currency",
        "statement_total",
        "payout_currency",
        "payout",
        "how",
        "iban",
        "bic",
        "address",
    ])
    .map_err(failed)?;
    for l in lines {
        let how = match l.method.as_str() {
            SEPA => "SEPA transfer (in the XML file)",
            BY_HAND => "pay by hand",
            CARRIED => "negative balance: not paid, owed by the partner",
            _ => "nothing to pay",
        };
        w.write_record([
            l.number.as_str(),
            period,
            super::csv::no_formula(&l.partner_name).as_ref(),
            l.partner.as_str(),
            l.currency.as_str(),
            &Money::new(l.statement_minor, currency(&l.currency)).decimal(),
            l.payout_currency.as_str(),
            &Money::new(l.amount_minor, currency(&l.payout_currency)).decimal(),
            how,
            l.iban.as_deref().unwrap_or(""),
            l.bic.as_deref().unwrap_or(""),
            super::csv::no_formula(l.address.as_deref().unwrap_or("")).as_ref(),
        ])
        .map_err(failed)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| StoreError::Conflict(format!("payout list: {e}")))?;
    String::from_utf8(bytes).map_err(|e| StoreError::Conflict(format!("payout list: {e}")))
}

fn currency(code: &str) -> townpass_core::money::Currency {
    code.parse().unwrap_or(townpass_core::money::Currency::EUR)
}

fn line_row(l: &PayoutLine) -> PayoutLineRow {
    PayoutLineRow {
        party: l.party.clone(),
        currency: l.currency.clone(),
        number: l.number.clone(),
        method: l.method.clone(),
        payout_currency: l.payout_currency.clone(),
        amount_minor: l.amount_minor,
        statement_minor: l.statement_minor,
        iban: l.iban.clone(),
        bic: l.bic.clone(),
    }
}

/// The payouts as recorded, named from today's catalogue.
fn recorded(run: PayoutRun, rows: Vec<PayoutLineRow>, cat: &Catalogue) -> Payouts {
    let partners: HashMap<&str, &townpass_core::catalog::Partner> =
        cat.partners.iter().map(|p| (p.code.as_str(), p)).collect();
    let lines = rows
        .into_iter()
        .map(|r| {
            let code = r
                .party
                .strip_prefix("partner:")
                .unwrap_or(&r.party)
                .to_string();
            let partner = partners.get(code.as_str());
            PayoutLine {
                number: r.number,
                partner_name: partner.map_or_else(|| code.clone(), |p| p.name.clone()),
                address: partner.and_then(|p| p.address.as_ref().map(Address::one_line)),
                party: r.party,
                partner: code,
                currency: r.currency,
                statement_minor: r.statement_minor,
                payout_currency: r.payout_currency,
                amount_minor: r.amount_minor,
                method: r.method,
                iban: r.iban,
                bic: r.bic,
            }
        })
        .collect();
    Payouts {
        period: run.period,
        lines,
        status: Some(run.status),
        exported_at: Some(run.exported_at),
        exported_by: Some(run.exported_by),
        paid_at: run.paid_at,
        paid_by: run.paid_by,
        execution_date: Some(run.execution_date),
        message_id: Some(run.message_id),
        has_sepa_file: run.sepa_xml.is_some(),
    }
}
