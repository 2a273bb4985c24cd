//! The CSV behind a statement: every item with its visit (pass serial, time, device), as a file.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use crate::store::{Store, StoreError};

/// Codes first (stable, for scripts), then the same items by name in the reader's language.
const HEADER: [&str; 19] = [
    "pass_serial",
    "local_time",
    "venue",
    "device",
    "offer",
    "category",
    "kind",
    "product",
    "corrects",
    "amount",
    "amount_minor",
    "currency",
    "rate",
    "rate_source",
    "line",
    "venue_name",
    "offer_name",
    "category_name",
    "product_name",
];

/// Names by code, in one language, for the CSV's name columns.
struct Names {
    venues: HashMap<String, String>,
    offers: HashMap<String, String>,
    categories: HashMap<i64, String>,
    products: HashMap<String, String>,
}

impl Names {
    async fn load(store: &Store, lang: &str) -> Result<Names, StoreError> {
        let name = |n: &townpass_core::catalog::Names| crate::i18n::present::name(n, lang);
        let cat = store.load_catalogue().await?;
        let (venues, offers, products) = match &cat {
            Some(c) => {
                let venues: HashMap<String, String> = c
                    .venues
                    .iter()
                    .map(|v| (v.code.clone(), name(&v.name)))
                    .collect();
                let offers = c
                    .offers
                    .iter()
                    .map(|o| {
                        let n = if o.name.is_empty() {
                            venues.get(&o.venue).cloned().unwrap_or_default()
                        } else {
                            name(&o.name)
                        };
                        (o.code.clone(), n)
                    })
                    .collect();
                let products = c
                    .products
                    .iter()
                    .map(|p| (p.code.clone(), name(&p.name)))
                    .collect();
                (venues, offers, products)
            }
            None => Default::default(),
        };
        let categories = store
            .categories()
            .await?
            .into_iter()
            .map(|c| (i64::from(c.id), name(&c.name)))
            .collect();
        Ok(Names {
            venues,
            offers,
            categories,
            products,
        })
    }
}

/// What an item is, in words (as the statement's line says it).
fn kind_name(lang: &str, kind: &str, corrects: Option<&str>) -> String {
    let line = crate::store::StatementLineRow {
        kind: kind.to_string(),
        corrects: corrects.map(str::to_string),
        ..Default::default()
    };
    super::labels::line_label(lang, &line, &HashMap::new(), &HashMap::new())
}

/// The CSV of every item behind one statement: one row per visit (or per pass, for commissions,
/// fees, shares and breakage), with the pass serial, the visit's local time in the venue's zone,
/// venue, device, offer, category and amount. The amounts add up to the statement's total. A
/// partner paid in another currency gets one more row, of kind `payout`: the total converted
/// into the payout currency (its own `currency` column) with the rate and its source.
pub async fn statement_csv(
    store: &Store,
    period: &str,
    party: &str,
    currency: &str,
    lang: &str,
) -> Result<String, StoreError> {
    let names = Names::load(store, lang).await?;
    let named = |map: &HashMap<String, String>, code: Option<&str>| {
        code.and_then(|c| map.get(c).cloned()).unwrap_or_default()
    };
    let categories: HashMap<i64, String> = store
        .categories()
        .await?
        .into_iter()
        .map(|c| (i64::from(c.id), c.code))
        .collect();
    // A statement that is not there (a mistyped party or currency in a link) is not found,
    // rather than an empty file.
    let missing = || StoreError::NotFound(format!("the statement of {party} in {currency:.3}"));
    let currency_code: townpass_core::money::Currency =
        currency.parse().map_err(|_: String| missing())?;
    if !store
        .statement_lines(period, Some(party))
        .await?
        .iter()
        .any(|l| l.currency == currency)
    {
        return Err(missing());
    }
    let mut zones: HashMap<String, TimeZone> = HashMap::new();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(csv_failed)?;
    let mut total = 0i64;
    for item in store.statement_items(period, party, currency).await? {
        total += item.amount_minor;
        let local = match (item.scanned_at, item.venue_zone.as_deref()) {
            (Some(ms), Some(zone)) => {
                let tz = match zones.get(zone) {
                    Some(tz) => tz.clone(),
                    None => {
                        let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
                        zones.insert(zone.to_string(), tz.clone());
                        tz
                    }
                };
                jiff::Timestamp::from_millisecond(ms)
                    .map(|t| t.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        let fields = [
            item.serial.as_str(),
            &local,
            item.venue.as_deref().unwrap_or(""),
            item.device.as_deref().unwrap_or(""),
            item.offer.as_deref().unwrap_or(""),
            item.category_id
                .and_then(|c| categories.get(&c))
                .map(String::as_str)
                .unwrap_or(""),
            &item.kind,
            item.product.as_deref().unwrap_or(""),
            item.corrects.as_deref().unwrap_or(""),
            &townpass_core::money::Money::new(item.amount_minor, currency_code).decimal(),
            &item.amount_minor.to_string(),
            currency,
            "",
            "",
            &kind_name(lang, &item.kind, item.corrects.as_deref()),
            &named(&names.venues, item.venue.as_deref()),
            &named(&names.offers, item.offer.as_deref()),
            &item
                .category_id
                .and_then(|c| names.categories.get(&c).cloned())
                .unwrap_or_default(),
            &named(&names.products, item.product.as_deref()),
        ];
        out.write_record(fields.iter().map(|f| no_formula(f).into_owned()))
            .map_err(csv_failed)?;
    }
    if let Some(period_row) = store.period(period).await?
        && let Some(payout) = crate::settlement::rates::payout(
            store,
            period,
            period_row.status == "closed",
            party,
            currency,
            total,
        )
        .await?
        && let (Some(minor), Some(pair), Some(rate)) =
            (payout.amount_minor, &payout.pair, &payout.rate)
    {
        let payout_currency: townpass_core::money::Currency = payout
            .currency
            .parse()
            .map_err(|e: String| StoreError::Corrupt(format!("payout currency: {e}")))?;
        let rate = format!("{pair} {rate}");
        let fields = [
            "",
            "",
            "",
            "",
            "",
            "",
            "payout",
            "",
            "",
            &townpass_core::money::Money::new(minor, payout_currency).decimal(),
            &minor.to_string(),
            &payout.currency,
            &rate,
            payout.source.as_deref().unwrap_or(""),
            &crate::i18n::t(lang, "csv_payout"),
            "",
            "",
            "",
            "",
        ];
        out.write_record(fields.iter().map(|f| no_formula(f).into_owned()))
            .map_err(csv_failed)?;
    }
    let bytes = out.into_inner().map_err(|e| csv_failed(e.into_error()))?;
    String::from_utf8(bytes).map_err(|e| StoreError::Corrupt(format!("statement CSV: {e}")))
}

fn csv_failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("statement CSV: {e}"))
}

/// A spreadsheet runs a cell that starts with `=`, `+` or `@` as a formula: a venue or device
/// name could carry one, so such a cell is prefixed with a quote. (`-` stays: amounts are negative.)
pub(crate) fn no_formula(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '@']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The file name of a statement's CSV: month, party and currency.
pub fn file_name(period: &str, party: &str, currency: &str) -> String {
    format!(
        "statement-{period}-{}-{currency}.csv",
        party.replace(':', "-")
    )
}
