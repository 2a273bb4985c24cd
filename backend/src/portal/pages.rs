//! The partner portal: a partner's dashboard (visits per day as an SVG chart, by venue, by
//! category), its visits (filters, paging), its statements with their lines, the CSV of every
//! visit behind a statement, a PDF statement, and disputes. A partner only ever sees its own
//! rows: every query is filtered by the partner's id, and anything else answers 404.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::{Markup, html};

use crate::http::Shared;
use crate::http::forms::{CsrfForm, trimmed};
use crate::http::web::{Ctx, WebError};
use crate::i18n::Arg;
use crate::i18n::present::money_in;
use crate::settlement::csv;
use crate::settlement::labels::{line_label, names};
use crate::store::{StatementLineRow, StoreError, VisitFilter};

/// Visits per page.
const PAGE: i64 = 50;

/// The logged-in partner: (id, "partner:CODE").
async fn whoami(state: &Shared, ctx: &Ctx) -> Result<(i64, String), WebError> {
    let user = ctx.require(&["partner"])?;
    let id = user.partner_id.ok_or(WebError::Forbidden)?;
    let code = state.store.partner_code(id).await?;
    Ok((id, format!("partner:{code}")))
}

/// The key of a statement line, as a dispute names it.
pub fn line_key(line: &StatementLineRow) -> String {
    format!(
        "{}|{}|{}|{}",
        line.kind,
        line.product_id,
        line.offer_id.map(|o| o.to_string()).unwrap_or_default(),
        line.corrects.as_deref().unwrap_or("")
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    venue: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

/// The local date range asked for (default: the last 30 days up to today), as a filter in unix ms.
fn range(
    q: &RangeQuery,
    zone: &TimeZone,
    lang: &str,
) -> Result<(Date, Date, VisitFilter), WebError> {
    let today = jiff::Zoned::now().with_time_zone(zone.clone()).date();
    let parse = |s: &Option<String>, default: Date| -> Result<Date, WebError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| {
                WebError::BadRequest(crate::i18n::tf(lang, "range_not_a_date", &[("text", text)]))
            }),
        }
    };
    let to = parse(&q.to, today)?;
    let default_from = to
        .checked_sub(jiff::Span::new().days(29))
        .unwrap_or(to)
        .max(super::EARLIEST);
    let from = parse(&q.from, default_from)?;
    super::check_range(from, to, today, lang).map_err(WebError::BadRequest)?;
    let ms = |d: Date| {
        d.to_zoned(zone.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| WebError::Internal(e.to_string()))
    };
    let end = to
        .checked_add(jiff::Span::new().days(1))
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok((
        from,
        to,
        VisitFilter {
            from_ms: ms(from)?,
            to_ms: ms(end)?,
            venue: q.venue.clone().filter(|v| !v.is_empty()),
            flagged: match q.status.as_deref() {
                Some("flagged") => Some(true),
                Some("clean") => Some(false),
                _ => None,
            },
        },
    ))
}

async fn zone(state: &Shared) -> Result<TimeZone, WebError> {
    let name = state.store.operator_zone().await?;
    TimeZone::get(&name).map_err(|e| WebError::Internal(e.to_string()))
}

async fn category_names(state: &Shared, lang: &str) -> Result<HashMap<i64, String>, WebError> {
    Ok(state
        .store
        .categories()
        .await?
        .into_iter()
        .map(|c| {
            (
                i64::from(c.id),
                townpass_core::catalog::pick(&c.name, lang).to_string(),
            )
        })
        .collect())
}

pub async fn dashboard(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let (id, party) = whoami(&state, &ctx).await?;
    let tz = zone(&state).await?;
    let (from, to, filter) = range(&q, &tz, ctx.lang)?;
    let counts = state.store.partner_visit_counts(id, &filter).await?;
    let categories = category_names(&state, ctx.lang).await?;
    let mut per_day: BTreeMap<Date, i64> = BTreeMap::new();
    // At most MAX_RANGE_DAYS days: `range` refused anything longer.
    for day in from
        .series(jiff::Span::new().days(1))
        .take_while(|d| *d <= to)
    {
        per_day.insert(day, 0);
    }
    let mut per_venue: BTreeMap<String, i64> = BTreeMap::new();
    let mut per_category: BTreeMap<String, i64> = BTreeMap::new();
    for (venue, quarter, category, n) in &counts {
        if let Ok(t) = jiff::Timestamp::from_millisecond(quarter * 900_000) {
            *per_day.entry(t.to_zoned(tz.clone()).date()).or_default() += n;
        }
        *per_venue.entry(venue.clone()).or_default() += n;
        let name = category
            .and_then(|c| categories.get(&c).cloned())
            .unwrap_or_else(|| "unknown pass".into());
        *per_category.entry(name).or_default() += n;
    }
    let total: i64 = per_venue.values().sum();
    let statements = state.store.party_statements(&party).await?;
    let body = html! {
        form.filters method="get" action="/partner" {
            label { (ctx.t("range_from")) " " input type="date" name="from" value=(from); }
            label { (ctx.t("range_to")) " " input type="date" name="to" value=(to); }
            button type="submit" { (ctx.t("range_show")) }
        }
        h2 { (ctx.t("portal_per_day")) }
        p { (ctx.tn("portal_range", &[("n", Arg::from(total)), ("from", Arg::from(&from.to_string())), ("to", Arg::from(&to.to_string()))])) }
        (chart(&per_day))
        h2 { (ctx.t("portal_by_venue")) }
        div.scroll { table {
            thead { tr { th { (ctx.t("col_venue")) } th.num { (ctx.t("col_visits")) } } }
            tbody { @for (v, n) in &per_venue { tr { td { a href={ "/partner/visits?venue=" (v) "&from=" (from) "&to=" (to) } { (v) } } td.num { (n) } } } }
        } }
        h2 { (ctx.t("portal_by_category")) }
        div.scroll { table {
            thead { tr { th { (ctx.t("col_category")) } th.num { (ctx.t("col_visits")) } } }
            tbody { @for (c, n) in &per_category { tr { td { (c) } td.num { (n) } } } }
        } }
        h2 { (ctx.t("portal_statements")) }
        @if statements.is_empty() { p { (ctx.t("portal_no_statement")) } }
        @else {
            div.scroll { table {
                thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("col_status")) } th.num { (ctx.t("col_amount")) } } }
                tbody {
                    @for s in &statements {
                        tr {
                            td { a href={ "/partner/statements/" (s.period) "/" (s.currency) } { (s.period) } }
                            td { (status_word(ctx.lang, &s.status)) }
                            td.num { (money_in(ctx.lang, s.amount_minor, &s.currency)) }
                        }
                    }
                }
            } }
        }
        p { a href="/partner/visits" { (ctx.t("portal_all_visits")) } }
    };
    Ok(ctx.page(&ctx.t("portal_title"), body))
}

/// "Issued" or "draft (may change)", in `lang`.
pub(crate) fn status_word(lang: &str, status: &str) -> String {
    crate::i18n::t(
        lang,
        match status {
            "closed" => "status_issued",
            _ => "status_draft",
        },
    )
}

/// Bars per day, scaled to the busiest day; each bar carries its date and count as a tooltip.
fn chart(per_day: &BTreeMap<Date, i64>) -> Markup {
    let max = per_day.values().copied().max().unwrap_or(0).max(1);
    let n = per_day.len().max(1) as i64;
    let (bar, gap, height) = (10i64, 2i64, 100i64);
    let width = n * (bar + gap);
    let days: Vec<(&Date, &i64)> = per_day.iter().collect();
    html! {
        div.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height + 14) } role="img" aria-label="Visits per day" {
                @for (i, (day, count)) in days.iter().enumerate() {
                    @let h = **count * height / max;
                    rect x=(i as i64 * (bar + gap)) y=(height - h) width=(bar) height=(h) {
                        title { (day) ": " (count) }
                    }
                }
                @if let Some((first, _)) = days.first() { text x="0" y=(height + 11) { (first) } }
                @if let Some((last, _)) = days.last() { text x=(width) y=(height + 11) text-anchor="end" { (last) } }
            }
        }
    }
}

pub async fn visits(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let (id, _) = whoami(&state, &ctx).await?;
    let tz = zone(&state).await?;
    let (from, to, filter) = range(&q, &tz, ctx.lang)?;
    let page = q.page.unwrap_or(1).clamp(1, super::MAX_PAGE);
    let venues = state.store.partner_venues(id).await?;
    if let Some(v) = &filter.venue
        && !venues.iter().any(|(code, _)| code == v)
    {
        return Err(WebError::NotFound);
    }
    let (rows, total) = state
        .store
        .partner_visits(id, &filter, (page - 1) * PAGE, PAGE)
        .await?;
    let categories = category_names(&state, ctx.lang).await?;
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let link = |p: i64| {
        format!(
            "/partner/visits?from={from}&to={to}&venue={}&status={}&page={p}",
            filter.venue.as_deref().unwrap_or(""),
            q.status.as_deref().unwrap_or("")
        )
    };
    let body = html! {
        form.filters method="get" action="/partner/visits" {
            label { (ctx.t("range_from")) " " input type="date" name="from" value=(from); }
            label { (ctx.t("range_to")) " " input type="date" name="to" value=(to); }
            label { (ctx.t("col_venue")) " "
                select name="venue" {
                    option value="" { (ctx.t("filter_all")) }
                    @for (v, _) in &venues {
                        option value=(v) selected[filter.venue.as_deref() == Some(v.as_str())] { (v) }
                    }
                }
            }
            label { (ctx.t("col_status")) " "
                select name="status" {
                    option value="" { (ctx.t("filter_all")) }
                    option value="clean" selected[q.status.as_deref() == Some("clean")] { (ctx.t("filter_accepted")) }
                    option value="flagged" selected[q.status.as_deref() == Some("flagged")] { (ctx.t("filter_flagged")) }
                }
            }
            button type="submit" { (ctx.t("filter_button")) }
        }
        p { (ctx.tn("visits_count", &[("total", Arg::from(total)), ("page", Arg::from(page)), ("pages", Arg::from(pages))])) }
        div.scroll { table {
            thead { tr { th { (ctx.t("col_time")) } th { (ctx.t("col_venue")) } th { (ctx.t("col_device")) } th { (ctx.t("col_pass")) } th { (ctx.t("col_offer")) } th { (ctx.t("col_category")) } th { (ctx.t("col_status")) } } }
            tbody {
                @for v in &rows {
                    tr {
                        td { (crate::i18n::present::local_time_in(ctx.lang, v.scanned_at.div_euclid(1000), &v.venue_zone)) }
                        td { (v.venue) }
                        td { (v.device) }
                        td { code { (v.serial) } }
                        td { (v.offer.as_deref().unwrap_or("")) }
                        td { (v.category_id.and_then(|c| categories.get(&c)).map(String::as_str).unwrap_or("")) }
                        td { @match (&v.flag, v.review.as_deref()) {
                            (None, _) => (ctx.t("visit_accepted")),
                            (Some(f), Some("accepted")) => (ctx.tf("visit_review_accepted", &[("flag", f)])),
                            (Some(f), Some("rejected")) => (ctx.tf("visit_review_rejected", &[("flag", f)])),
                            (Some(f), _) => (ctx.tf("visit_review_waiting", &[("flag", f)])),
                        } }
                    }
                }
            }
        } }
        p {
            @if page > 1 { a href=(link(page - 1)) rel="prev" { (ctx.t("page_newer")) } " " }
            @if page < pages { a href=(link(page + 1)) rel="next" { (ctx.t("page_older")) } }
        }
    };
    Ok(ctx.page(&ctx.t("visits_title"), body))
}

pub async fn statements(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    let (_, party) = whoami(&state, &ctx).await?;
    let rows = state.store.party_statements(&party).await?;
    let body = html! {
        @if rows.is_empty() { p { (ctx.t("portal_no_statement")) } }
        div.scroll { table {
            thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("col_currency")) } th { (ctx.t("col_status")) } th.num { (ctx.t("col_amount")) } } }
            tbody {
                @for s in &rows {
                    tr {
                        td { a href={ "/partner/statements/" (s.period) "/" (s.currency) } { (s.period) } }
                        td { (s.currency) }
                        td { (status_word(ctx.lang, &s.status)) }
                        td.num { (money_in(ctx.lang, s.amount_minor, &s.currency)) }
                    }
                }
            }
        } }
    };
    Ok(ctx.page(&ctx.t("portal_statements"), body))
}

/// The lines of this partner's statement, or 404 when it has none (not its statement).
async fn own_lines(
    state: &Shared,
    party: &str,
    period: &str,
    currency: &str,
) -> Result<(String, Vec<StatementLineRow>), WebError> {
    let row = state
        .store
        .period(period)
        .await?
        .ok_or(WebError::NotFound)?;
    let lines: Vec<StatementLineRow> = state
        .store
        .statement_lines(period, Some(party))
        .await?
        .into_iter()
        .filter(|l| l.currency == currency)
        .collect();
    if lines.is_empty() {
        return Err(WebError::NotFound);
    }
    Ok((row.status, lines))
}

pub async fn statement(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((period, currency)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (_, party) = whoami(&state, &ctx).await?;
    statement_page(&state, &ctx, &party, &period, &currency, None).await
}

async fn statement_page(
    state: &Shared,
    ctx: &Ctx,
    party: &str,
    period: &str,
    currency: &str,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let (status, lines) = own_lines(state, party, period, currency).await?;
    let (products, offers) = names(&state.store, ctx.lang).await?;
    let disputes = state.store.disputes_of(party, Some(period)).await?;
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let payout = crate::settlement::rates::payout(
        &state.store,
        period,
        status == "closed",
        party,
        currency,
        total,
    )
    .await?;
    let base = format!("/partner/statements/{period}/{currency}");
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("statement_status")) " " strong { (status_word(ctx.lang, &status)) } }
        p.total { (ctx.t("statement_total")) " " strong id="statement-total" data-minor=(total) { (money_in(ctx.lang, total, currency)) } }
        @if let Some(p) = &payout {
            div #payout data-currency=(p.currency) data-minor=[p.amount_minor] data-rate=[p.rate.as_deref()] {
                @for line in crate::settlement::rates::sentences(ctx.lang, period, currency, p) { p { (line) } }
            }
        }
        p {
            a id="csv" href={ (base) "/csv" } download { (ctx.t("statement_csv")) }
            " · " a href={ (base) "/pdf" } { (ctx.t("statement_pdf")) }
        }
        div.scroll { table {
            thead { tr { th { (ctx.t("col_line")) } th.num { (ctx.t("col_items")) } th.num { (ctx.t("col_amount")) } @if status == "closed" { th { "" } } } }
            tbody {
                @for line in &lines {
                    tr {
                        td { (line_label(ctx.lang, line, &products, &offers)) }
                        td.num { (line.items) }
                        td.num { (money_in(ctx.lang, line.amount_minor, currency)) }
                        @if status == "closed" {
                            td {
                                details.dispute {
                                    summary { (ctx.t("dispute")) }
                                    form method="post" action={ (base) "/disputes" } {
                                        (ctx.csrf_field())
                                        input type="hidden" name="line" value=(line_key(line));
                                        label { (ctx.t("dispute_what")) textarea name="comment" required maxlength="2000" {} }
                                        button type="submit" { (ctx.t("dispute_send")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
        @if status != "closed" { p.note { (ctx.t("dispute_draft_note")) } }
        @if !disputes.is_empty() {
            h2 { (ctx.t("disputes_title")) }
            div.scroll { table {
                thead { tr { th { (ctx.t("col_line")) } th { (ctx.t("col_comment")) } th { (ctx.t("col_status")) } th { (ctx.t("col_answer")) } } }
                tbody {
                    @for d in &disputes {
                        tr {
                            td { (d.line_key) }
                            td { (d.comment) }
                            td { (d.status) @if let Some(c) = d.credit_minor { " (credit " (money_in(ctx.lang, c, &d.currency)) ")" } }
                            td { (d.answer.as_deref().unwrap_or("")) }
                        }
                    }
                }
            } }
        }
    };
    let title = ctx.tf(
        "statement_title",
        &[("period", period), ("currency", currency)],
    );
    Ok(ctx.answer_page(&title, body, failed))
}

pub async fn csv(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((period, currency)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (_, party) = whoami(&state, &ctx).await?;
    own_lines(&state, &party, &period, &currency).await?;
    let body = csv::statement_csv(&state.store, &period, &party, &currency, ctx.lang).await?;
    let name = csv::file_name(&period, &party, &currency);
    Ok(crate::http::web::file(
        "text/csv; charset=utf-8",
        "attachment",
        &name,
        body,
    ))
}

pub async fn pdf(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((period, currency)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (_, party) = whoami(&state, &ctx).await?;
    let (status, lines) = own_lines(&state, &party, &period, &currency).await?;
    let (products, offers) = names(&state.store, ctx.lang).await?;
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let payout = crate::settlement::rates::payout(
        &state.store,
        &period,
        status == "closed",
        &party,
        &currency,
        total,
    )
    .await?;
    let rows: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            (
                ctx.tf(
                    "statement_pdf_line",
                    &[
                        ("line", &line_label(ctx.lang, l, &products, &offers)),
                        ("items", &l.items.to_string()),
                    ],
                ),
                money_in(ctx.lang, l.amount_minor, &currency),
            )
        })
        .collect();
    let cat = state
        .store
        .load_catalogue()
        .await?
        .ok_or(WebError::NotFound)?;
    let code = party.strip_prefix("partner:").unwrap_or(&party);
    let partner = cat.partners.iter().find(|p| p.code == code);
    let vat = |v: &Option<String>| {
        v.as_ref()
            .map(|v| ctx.tf("pdf_vat", &[("vat", v)]))
            .into_iter()
    };
    let address = |a: &Option<townpass_core::catalog::Address>| {
        a.as_ref()
            .map(townpass_core::catalog::Address::one_line)
            .into_iter()
    };
    let op = &cat.operator;
    let from = crate::settlement::pdf::PartyBlock {
        role: ctx.t("pdf_issued_by"),
        name: op.name.clone(),
        lines: address(&op.address)
            .chain(vat(&op.vat_id))
            .chain(std::iter::once(op.email.clone()))
            .collect(),
    };
    let to = crate::settlement::pdf::PartyBlock {
        role: ctx.t("pdf_statement_for"),
        name: crate::settlement::labels::party_name(&cat, &party),
        lines: partner
            .map(|p| {
                address(&p.address)
                    .chain(vat(&p.vat_id))
                    .chain(std::iter::once(p.email.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let ids = state.store.partner_ids().await?;
    let number = crate::settlement::payouts::statement_number(
        &period,
        ids.get(code).copied().unwrap_or_default(),
        &currency,
    );
    let month = crate::settlement::Month::parse(&period, &op.time_zone)?;
    let row = state.store.period(&month.label).await?;
    let day = |unix: i64| {
        let zone = jiff::tz::TimeZone::get(&op.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        jiff::Timestamp::from_second(unix)
            .map(|t| {
                let z = t.to_zoned(zone);
                townpass_i18n::numbers::date(ctx.lang, z.year(), z.month(), z.day())
            })
            .unwrap_or_default()
    };
    let issued = match row.as_ref().and_then(|r| r.closed_at) {
        Some(at) if status == "closed" => day(at),
        _ => ctx.t("pdf_draft"),
    };
    let facts = vec![
        (ctx.t("pdf_number"), number),
        (
            ctx.t("pdf_period"),
            ctx.tf(
                "pdf_period_dates",
                &[
                    ("from", &day(month.starts_at)),
                    ("to", &day(month.ends_at - 1)),
                ],
            ),
        ),
        (ctx.t("pdf_issued_on"), issued),
        (ctx.t("col_currency"), currency.clone()),
    ];
    let mut payout_lines = match &payout {
        Some(p) => crate::settlement::rates::sentences(ctx.lang, &period, &currency, p),
        None => vec![ctx.tf(
            "pdf_payout",
            &[("amount", &money_in(ctx.lang, total, &currency))],
        )],
    };
    if total < 0 {
        payout_lines.push(ctx.t("pdf_negative"));
    }
    // Once the month is exported, the account it was paid to as recorded then (the partner may
    // have changed bank since), and where the payment stands.
    let run = state.store.payout_run(&month.label).await?;
    let recorded = match &run {
        Some(_) => state
            .store
            .payout_lines(&month.label)
            .await?
            .into_iter()
            .find(|l| l.party == party && l.currency == currency),
        None => None,
    };
    let account = match &recorded {
        Some(l) => l.iban.clone().map(|iban| (iban, l.bic.clone())),
        None => partner.and_then(|p| p.iban.clone().map(|iban| (iban, p.bic.clone()))),
    };
    let bank = match (account, partner) {
        (Some((iban, bic)), Some(p)) => vec![ctx.tf(
            "pdf_paid_to",
            &[
                ("name", &p.name),
                ("iban", &iban),
                ("bic", bic.as_deref().unwrap_or("—")),
            ],
        )],
        _ => vec![ctx.t("pdf_no_account")],
    };
    if let (Some(run), Some(line)) = (&run, &recorded)
        && line.method == crate::settlement::payouts::SEPA
    {
        payout_lines.push(match (run.status.as_str(), run.paid_at) {
            ("paid", Some(at)) => ctx.tf("pdf_payout_paid", &[("date", &day(at))]),
            _ => ctx.tf("pdf_payout_exported", &[("date", &run.execution_date)]),
        });
    }
    let doc = crate::settlement::pdf::StatementDoc {
        title: ctx.tf(
            "statement_title",
            &[("period", &period), ("currency", &currency)],
        ),
        from,
        to,
        facts,
        heads: (ctx.t("col_line"), ctx.t("col_amount")),
        rows,
        total: (
            ctx.t("statement_pdf_total"),
            money_in(ctx.lang, total, &currency),
        ),
        payout: payout_lines,
        bank,
        footer: vec![ctx.t("statement_pdf_traceable")],
    };
    let bytes = crate::settlement::pdf::statement_pdf(&doc)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!("statement-{period}-{currency}.pdf");
    Ok(crate::http::web::file(
        "application/pdf",
        "inline",
        &name,
        bytes,
    ))
}

/// A partner's objection to one line of a closed statement.
#[derive(Debug, serde::Deserialize)]
pub struct DisputeForm {
    #[serde(default)]
    line: String,
    #[serde(default, deserialize_with = "trimmed")]
    comment: String,
}

pub async fn dispute(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((period, currency)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DisputeForm>,
) -> Result<Response, WebError> {
    let (_, party) = whoami(&state, &ctx).await?;
    let (status, lines) = own_lines(&state, &party, &period, &currency).await?;
    let key = form.line.as_str();
    if !lines.iter().any(|l| line_key(l) == key) {
        return Err(WebError::NotFound);
    }
    let comment = form.comment.as_str();
    let outcome = if status != "closed" {
        Err(ctx.t("dispute_still_draft"))
    } else if comment.is_empty() || comment.chars().count() > 2000 {
        Err(ctx.t("dispute_say_what"))
    } else {
        let by = ctx
            .user
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default();
        match state
            .store
            .open_dispute(
                &crate::store::NewDispute {
                    period: &period,
                    party: &party,
                    currency: &currency,
                    line_key: key,
                    comment,
                    by: &by,
                },
                crate::store::now(),
            )
            .await
        {
            Ok(id) => Ok(ctx.tf("dispute_sent", &[("id", &id.to_string())])),
            Err(StoreError::Conflict(m)) => Err(m),
            Err(e) => return Err(e.into()),
        }
    };
    statement_page(&state, &ctx, &party, &period, &currency, Some(outcome)).await
}
