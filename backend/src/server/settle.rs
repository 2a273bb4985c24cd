//! The operator's settlement pages: compute or close a month, read its statements line by line,
//! download the CSV behind any statement, and review flagged redemptions (every decision, with its
//! reason, goes to the audit log).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::Shared;
use super::web::{Ctx, WebError, form_text};
use crate::present::money;
use crate::settlement::{self, Report};
use crate::store::{StatementLineRow, StoreError};

/// What a statement line is, in words, in `lang`.
pub fn line_label(
    lang: &str,
    line: &StatementLineRow,
    products: &HashMap<i64, String>,
    offers: &HashMap<i64, String>,
) -> String {
    let mut label = match line.kind.as_str() {
        kind @ ("visit" | "pool_share" | "fixed_share" | "commission" | "operator_fee"
        | "breakage" | "dispute_credit" | "dispute_debit") => {
            crate::i18n::t(lang, &format!("line_{kind}"))
        }
        other => other.to_string(),
    };
    if let Some(p) = products.get(&line.product_id) {
        label.push_str(" · ");
        label.push_str(p);
    }
    if let Some(o) = line.offer_id.and_then(|o| offers.get(&o)) {
        label.push_str(" · ");
        label.push_str(o);
    }
    if let Some(c) = &line.corrects {
        label.push_str(" · ");
        label.push_str(&crate::i18n::tf(lang, "line_adjustment", &[("month", c)]));
    }
    label
}

/// Product and offer codes by id, for line labels.
pub async fn names(
    state: &Shared,
) -> Result<(HashMap<i64, String>, HashMap<i64, String>), WebError> {
    let cat = state.store.settlement_catalogue().await?;
    Ok((
        cat.products
            .into_iter()
            .map(|(id, p)| (id, p.code))
            .collect(),
        cat.offers
            .into_iter()
            .map(|(id, o)| (id, o.0.code))
            .collect(),
    ))
}

pub async fn index(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_index(&state, &ctx, None).await
}

async fn render_index(
    state: &Shared,
    ctx: &Ctx,
    message: Option<String>,
) -> Result<Response, WebError> {
    let periods = state.store.periods().await?;
    let flagged = state.store.flagged_waiting().await?;
    let body = html! {
        @if let Some(m) = &message { p.error role="alert" { (m) } }
        p { "A month's statements are drafts until the month is closed; a draft can be recomputed at any time. "
            "Closing issues them: from then on the month never changes, and late uploads, reviewed flags, "
            "refunds and accepted disputes land in the next open month as adjustment lines." }
        p { a href="/admin/flags" { "Flagged redemptions waiting for review: " (flagged) } }
        form method="post" action="/admin/settlement" {
            (ctx.csrf_field())
            label for="period" { "Month (YYYY-MM)" }
            input id="period" name="period" required pattern="[0-9]{4}-[0-9]{2}" placeholder="2026-10";
            button type="submit" name="action" value="draft" { "Compute draft" }
            button type="submit" name="action" value="close" { "Close and issue" }
        }
        h2 { "Months" }
        @if periods.is_empty() { p { "No month settled yet." } }
        @else {
            table {
                thead { tr { th { "Month" } th { "Status" } th { "Closed by" } } }
                tbody {
                    @for p in &periods {
                        tr {
                            td { a href={ "/admin/settlement/" (p.period) } { (p.period) } }
                            td { (p.status) }
                            td { (p.closed_by.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.answer_page("Settlement", body, message.is_some()))
}

pub async fn run(
    State(state): State<Shared>,
    ctx: Ctx,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    ctx.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let period = form_text(&form, "period");
    let close = form.get("action").is_some_and(|a| a == "close");
    let by = format!("admin:{}", user.email);
    match settlement::settle(
        &state.store,
        &period,
        crate::store::now(),
        close.then_some(by.as_str()),
        &|_| {},
    )
    .await
    {
        Ok(report) => Ok(axum::response::Redirect::to(&format!(
            "/admin/settlement/{}",
            report.period
        ))
        .into_response()),
        Err(StoreError::Conflict(m)) => render_index(&state, &ctx, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn month(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let row = state
        .store
        .period(&period)
        .await?
        .ok_or(WebError::NotFound)?;
    let report = settlement::report(&state.store, &row).await?;
    let (products, offers) = names(&state).await?;
    Ok(ctx.page(
        &format!("Settlement {period}"),
        month_body(ctx.lang, &report, &products, &offers, |party, currency| {
            format!("/admin/settlement/{period}/csv?party={party}&currency={currency}")
        }),
    ))
}

/// A month's totals and statements; `csv` makes each statement's CSV link.
pub fn month_body(
    lang: &str,
    report: &Report,
    products: &HashMap<i64, String>,
    offers: &HashMap<i64, String>,
    csv: impl Fn(&str, &str) -> String,
) -> Markup {
    html! {
        p { "Status: " strong { (report.status) } }
        h2 { "Totals" }
        table {
            thead { tr { th { "Currency" } th { "Gross" } th { "Refunds" } th { "Partners" } th { "Commissions" } th { "Operator fees" } th { "Breakage" } th { "Balanced" } } }
            tbody {
                @for (c, t) in &report.totals {
                    tr {
                        td { (c) }
                        td.num { (money(t.gross_minor, c)) }
                        td.num { (money(t.refunds_minor, c)) }
                        td.num { (money(t.partner_payables_minor, c)) }
                        td.num { (money(t.commissions_minor, c)) }
                        td.num { (money(t.operator_fees_minor, c)) }
                        td.num { (money(t.breakage_minor, c)) }
                        td { @if t.balances() { "yes" } @else { strong { "NO" } } }
                    }
                }
            }
        }
        h2 { "Statements" }
        @for s in &report.statements {
            section.statement {
                h3 { (s.party) " · " (money(s.amount_minor, &s.currency)) }
                table {
                    thead { tr { th { "Line" } th { "Items" } th { "Amount" } } }
                    tbody {
                        @for line in &s.lines {
                            tr {
                                td { (line_label(lang, line, products, offers)) }
                                td.num { (line.items) }
                                td.num { (money(line.amount_minor, &line.currency)) }
                            }
                        }
                    }
                }
                p { a href=(csv(&s.party, &s.currency)) download { "CSV of every visit behind this statement" } }
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CsvQuery {
    party: String,
    currency: String,
}

pub async fn csv(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
    Query(q): Query<CsvQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    state
        .store
        .period(&period)
        .await?
        .ok_or(WebError::NotFound)?;
    csv_response(&state, &period, &q.party, &q.currency).await
}

/// The statement CSV as a download named after the month, party and currency.
pub async fn csv_response(
    state: &Shared,
    period: &str,
    party: &str,
    currency: &str,
) -> Result<Response, WebError> {
    let body = settlement::statement_csv(&state.store, period, party, currency).await?;
    let file = format!(
        "statement-{period}-{}-{currency}.csv",
        party.replace(':', "-")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn flags(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_flags(&state, &ctx, None).await
}

async fn render_flags(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let flagged = state.store.flagged_redemptions(200).await?;
    let log = state.store.audit_log(50).await?;
    let zone = state
        .store
        .operator_zone()
        .await
        .unwrap_or_else(|_| "UTC".into());
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (super::web::outcome(&message))
        p { "Redemptions the server flagged (used twice, used after validity, revoked before the scan) are left out "
            "of payouts until you accept or reject them. Say why: the reason goes to the audit log." }
        @if flagged.is_empty() { p { "Nothing waits for review." } }
        @for f in &flagged {
            form.review method="post" action={ "/admin/flags/" (f.id) } {
                (ctx.csrf_field())
                p {
                    strong { (f.flag) } " · pass " code { (f.serial) } " · " (f.venue) " (" (f.device) ") · "
                    (crate::present::local_time(f.scanned_at / 1000, &zone))
                    @if let Some(o) = &f.offer { " · " (o) }
                    @if let Some(d) = &f.flag_detail { br; small { (d) } }
                }
                label for={ "reason-" (f.id) } { "Reason" }
                input id={ "reason-" (f.id) } name="reason" required;
                button type="submit" name="decision" value="accept" { "Accept for payout" }
                button type="submit" name="decision" value="reject" { "Reject" }
            }
        }
        h2 { "Audit log" }
        table {
            thead { tr { th { "When" } th { "Who" } th { "What" } th { "Subject" } th { "Why" } } }
            tbody {
                @for a in &log {
                    tr {
                        td { (crate::present::local_time(a.at, &zone)) }
                        td { (a.actor) } td { (a.action) } td { (a.subject) } td { (a.detail) }
                    }
                }
            }
        }
    };
    Ok(ctx.answer_page("Flagged redemptions", body, failed))
}

pub async fn review(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    ctx.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let (accept, reason) =
        match decision(&form, "reason", "say why: the reason goes to the audit log") {
            Ok(d) => d,
            Err(m) => return render_flags(&state, &ctx, Some(Err(m))).await,
        };
    let by = format!("admin:{}", user.email);
    let outcome = match state
        .store
        .review_redemption(id, accept, &reason, &by, crate::store::now())
        .await
    {
        Ok(()) => Ok(format!(
            "Redemption {id} {}. It counts in the next settlement (an adjustment if its month is closed).",
            if accept {
                "accepted for payout"
            } else {
                "rejected"
            }
        )),
        Err(StoreError::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    render_flags(&state, &ctx, Some(outcome)).await
}

pub async fn disputes(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_disputes(&state, &ctx, None).await
}

async fn render_disputes(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let all = state.store.disputes().await?;
    let zone = state
        .store
        .operator_zone()
        .await
        .unwrap_or_else(|_| "UTC".into());
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (super::web::outcome(&message))
        p { "Partners dispute lines of issued statements. Accept with a credit (paid in the next open month, "
            "carried by the operator) or reject; either way, answer them. Every answer goes to the audit log." }
        @if all.is_empty() { p { "No dispute." } }
        @for d in &all {
            section.statement {
                p {
                    strong { "Dispute " (d.id) } " · " (d.party) " · " (d.period) " " (d.currency) " · " (d.status)
                    br; small { "Line " code { (d.line_key) } " · opened by " (d.opened_by) " on " (crate::present::local_time(d.opened_at, &zone)) }
                }
                blockquote { (d.comment) }
                @if d.status == "open" {
                    form method="post" action={ "/admin/disputes/" (d.id) } {
                        (ctx.csrf_field())
                        label for={ "credit-" (d.id) } { "Credit if accepted (" (d.currency) ", e.g. 12.50)" }
                        input id={ "credit-" (d.id) } name="credit" inputmode="decimal";
                        label for={ "answer-" (d.id) } { "Answer to the partner" }
                        input id={ "answer-" (d.id) } name="answer" required;
                        button type="submit" name="decision" value="accept" { "Accept" }
                        button type="submit" name="decision" value="reject" { "Reject" }
                    }
                } @else {
                    p { "Answer: " (d.answer.as_deref().unwrap_or("")) @if let Some(c) = d.credit_minor { " · credit " (money(c, &d.currency)) } }
                }
            }
        }
    };
    Ok(ctx.answer_page("Disputes", body, failed))
}

/// An accept/reject form with a required text field: (accepted, text), or what the user must fix.
fn decision(
    form: &HashMap<String, String>,
    field: &str,
    missing: &str,
) -> Result<(bool, String), String> {
    let accept = match form.get("decision").map(String::as_str) {
        Some("accept") => true,
        Some("reject") => false,
        _ => return Err("choose accept or reject".into()),
    };
    let text = form_text(form, field);
    if text.is_empty() {
        return Err(missing.to_string());
    }
    Ok((accept, text))
}

/// "12.50" in a currency's minor units (1250); "12" and "12.5" too. `None` if it is not an amount.
pub fn parse_amount(text: &str, exponent: u32) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > exponent as usize
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let unit = 10i64.checked_pow(exponent)?;
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_minor: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10i64.pow(exponent - frac.len() as u32)
    };
    whole.checked_mul(unit)?.checked_add(frac_minor)
}

pub async fn resolve_dispute(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    ctx.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let (accept, answer) = match decision(&form, "answer", "write an answer to the partner") {
        Ok(d) => d,
        Err(m) => return render_disputes(&state, &ctx, Some(Err(m))).await,
    };
    let currency = state
        .store
        .dispute(id)
        .await?
        .ok_or(WebError::NotFound)?
        .currency;
    let exponent = currency
        .parse::<townpass_core::money::Currency>()
        .map_or(2, |c| c.exponent());
    let credit_text = form_text(&form, "credit");
    let credit = match Some(credit_text.as_str()).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => match parse_amount(text, exponent) {
            Some(minor) => Some(minor),
            None => {
                return render_disputes(
                    &state,
                    &ctx,
                    Some(Err(format!(
                        "'{text}' is not an amount in {currency}, e.g. 12.50"
                    ))),
                )
                .await;
            }
        },
    };
    let by = format!("admin:{}", user.email);
    let outcome = match state
        .store
        .resolve_dispute(id, accept, credit, &answer, &by, crate::store::now())
        .await
    {
        Ok(()) => Ok(format!("Dispute {id} answered.")),
        Err(StoreError::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    render_disputes(&state, &ctx, Some(outcome)).await
}

#[derive(Debug, serde::Deserialize)]
pub struct MonthQuery {
    period: Option<String>,
}

pub async fn consortium(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let zone = state.store.operator_zone().await?;
    let label = match q.period.filter(|p| !p.trim().is_empty()) {
        Some(p) => p,
        None => {
            let tz =
                jiff::tz::TimeZone::get(&zone).map_err(|e| WebError::Internal(e.to_string()))?;
            jiff::Zoned::now()
                .with_time_zone(tz)
                .strftime("%Y-%m")
                .to_string()
        }
    };
    let month = match settlement::Month::parse(&label, &zone) {
        Ok(m) => m,
        Err(StoreError::Conflict(m)) => return Err(WebError::BadRequest(m)),
        Err(e) => return Err(e.into()),
    };
    let figures =
        crate::consortium::figures(&state.store, month.starts_at * 1000, month.ends_at * 1000)
            .await?;
    let sales = state
        .store
        .sales_by_town(month.starts_at, month.ends_at)
        .await?;
    let payouts = match state.store.period(&month.label).await? {
        Some(row) => Some(settlement::report(&state.store, &row).await?),
        None => None,
    };
    let towns: Vec<&String> = figures.visits_by_town.keys().collect();
    let body = html! {
        form.filters method="get" action="/admin/consortium" {
            label { "Month " input name="period" value=(month.label) pattern="[0-9]{4}-[0-9]{2}"; }
            button type="submit" { "Show" }
        }
        h2 { "Does the joint pass work?" }
        ul {
            li { "Passes used: " strong { (figures.passes_used) } }
            li { "Towns per pass (average): " strong { (format!("{:.2}", figures.average_towns_per_pass)) } }
            li { "Venues per pass (average): " strong { (format!("{:.2}", figures.average_venues_per_pass)) } }
            li { "Hours between first and last use (average): " strong { (format!("{:.1}", figures.average_hours_first_to_last)) } }
            @if let Some(b) = &figures.busiest_town {
                li { "Visits outside the busiest town (" (b) "): " strong { (format!("{:.1} %", figures.share_outside_busiest * 100.0)) } }
            }
        }
        h2 { "Town to town" }
        p { "Passes used in the row's town that were also used in the column's town (the diagonal: passes used there)." }
        div.scroll { table {
            thead { tr { th { "" } @for t in &towns { th.num { (t) } } } }
            tbody {
                @for a in &towns {
                    tr {
                        th { (a) }
                        @for b in &towns {
                            @let key = if a <= b { ((*a).clone(), (*b).clone()) } else { ((*b).clone(), (*a).clone()) };
                            td.num { (figures.town_pairs.get(&key).copied().unwrap_or(0)) }
                        }
                    }
                }
            }
        } }
        h2 { "Sales by town" }
        div.scroll { table {
            thead { tr { th { "Sold at" } th.num { "Passes" } th.num { "Gross" } } }
            tbody { @for (town, currency, n, gross) in &sales { tr { td { (town) } td.num { (n) } td.num { (money(*gross, currency)) } } } }
        } }
        h2 { "Visits by town and partner" }
        div.scroll { table {
            thead { tr { th { "Town" } th.num { "Visits" } } }
            tbody { @for (t, n) in &figures.visits_by_town { tr { td { (t) } td.num { (n) } } } }
        } }
        div.scroll { table {
            thead { tr { th { "Partner" } th.num { "Visits" } } }
            tbody { @for (p, n) in &figures.visits_by_partner { tr { td { (p) } td.num { (n) } } } }
        } }
        h2 { "Payouts" }
        @match &payouts {
            None => p { "This month is not settled yet: " a href="/admin/settlement" { "compute it" } "." },
            Some(r) => {
                p { "Statements " (r.status) ": " a href={ "/admin/settlement/" (r.period) } { "details" } }
                div.scroll { table {
                    thead { tr { th { "Party" } th.num { "Amount" } } }
                    tbody { @for s in &r.statements { tr { td { (s.party) } td.num { (money(s.amount_minor, &s.currency)) } } } }
                } }
            }
        }
    };
    Ok(ctx.page(&format!("Consortium · {}", month.label), body))
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn amounts_are_read_exactly_into_minor_units() {
        assert_eq!(parse_amount("12.50", 2), Some(1250));
        assert_eq!(parse_amount("12,5", 2), Some(1250));
        assert_eq!(parse_amount("12", 2), Some(1200));
        assert_eq!(parse_amount(".05", 2), Some(5));
        assert_eq!(parse_amount("1200", 0), Some(1200));
        assert_eq!(parse_amount("1.234", 2), None);
        assert_eq!(parse_amount("-3", 2), None);
        assert_eq!(parse_amount("abc", 2), None);
        assert_eq!(parse_amount("", 2), None);
    }
}
