//! The operator's settlement pages: compute or close a month, read its statements line by line,
//! download the CSV behind any statement, and the consortium figures. Flags and disputes have
//! their own pages (`flags`, `disputes`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::http::Shared;
use crate::http::forms::{CsrfForm, trimmed};
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::money_in;
use crate::i18n::{t, tf};
use crate::settlement::{self, Report};
use crate::store::StoreError;

use super::labels::{line_label, names};

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
    let jobs = state.store.recent_jobs(8).await?;
    let busy = jobs
        .iter()
        .any(|j| j.status == "queued" || j.status == "running");
    let body = html! {
        @if let Some(m) = &message { p.error role="alert" { (m) } }
        p { (ctx.t("adm_settle_intro")) }
        p { a href="/admin/flags" { (ctx.tf("adm_flagged_waiting", &[("n", &flagged.to_string())])) } }
        p { a href="/admin/rates" { (ctx.t("adm_rates_link")) } " " (ctx.t("adm_rates_link_note")) }
        form method="post" action="/admin/settlement" {
            (ctx.csrf_field())
            label for="period" { (ctx.t("adm_month_label")) }
            input id="period" name="period" required pattern="[0-9]{4}-[0-9]{2}" placeholder="2026-10";
            button type="submit" name="action" value="draft" { (ctx.t("adm_compute_draft")) }
            button.danger type="submit" name="action" value="close" { (ctx.t("adm_close_issue")) }
        }
        @if !jobs.is_empty() {
            h2 { (ctx.t("adm_runs")) }
            p { (ctx.t(if busy { "adm_runs_note_busy" } else { "adm_runs_note" })) }
            table {
                thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("adm_col_what")) } th { (ctx.t("adm_col_asked_by")) } th { (ctx.t("adm_col_progress")) } } }
                tbody {
                    @for j in &jobs {
                        tr {
                            td { a href={ "/admin/settlement/" (j.period) } { (j.period) } }
                            td { (ctx.t(if j.close_by.is_some() { "adm_what_close" } else { "adm_what_draft" })) }
                            td { (j.requested_by.strip_prefix("admin:").unwrap_or(&j.requested_by)) }
                            td { (job_progress(ctx.lang, j)) }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("adm_months")) }
        @if periods.is_empty() { p { (ctx.t("adm_no_month")) } }
        @else {
            table {
                thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("col_status")) } th { (ctx.t("adm_col_closed_by")) } } }
                tbody {
                    @for p in &periods {
                        tr {
                            td { a href={ "/admin/settlement/" (p.period) } { (p.period) } }
                            td { (crate::portal::pages::status_word(ctx.lang, &p.status)) }
                            td { (p.closed_by.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    };
    let mut page = ctx.answer_page(&ctx.t("adm_settlement_title"), body, message.is_some());
    if busy {
        // Browsers reload the page by themselves while a run is queued or running.
        page.headers_mut().insert(
            axum::http::header::REFRESH,
            axum::http::HeaderValue::from_static("2"),
        );
    }
    Ok(page)
}

/// A figure with `places` decimals, with the language's decimal separator.
fn decimal(lang: &str, value: f64, places: usize) -> String {
    super::rates::local_rate(lang, &format!("{value:.places$}"))
}

/// What a settlement run has done, in words, with a progress bar while it runs.
fn job_progress(lang: &str, j: &crate::store::JobRow) -> Markup {
    html! {
        @match j.status.as_str() {
            "queued" => { (t(lang, "adm_job_queued")) }
            "running" => {
                @if let Some(total) = j.passes_total.filter(|t| *t > 0) {
                    progress max=(total) value=(j.passes_read.min(total)) { (j.passes_read) " / " (total) }
                    " " (tf(lang, "adm_job_progress", &[("read", &j.passes_read.min(total).to_string()), ("total", &total.to_string())]))
                } @else {
                    (tf(lang, "adm_job_running", &[("read", &j.passes_read.to_string())]))
                }
                @if j.attempts > 1 { " " (tf(lang, "adm_job_attempt", &[("n", &j.attempts.to_string())])) }
            }
            "done" => { (t(lang, "adm_job_done")) }
            _ => { span.error { (tf(lang, "adm_job_failed", &[("error", j.error.as_deref().unwrap_or("?"))])) } }
        }
    }
}

/// Compute a month (a draft), or close it (`action=close`).
#[derive(Debug, serde::Deserialize)]
pub struct RunForm {
    #[serde(default, deserialize_with = "trimmed")]
    period: String,
    #[serde(default)]
    action: String,
    /// `yes` once the operator has read what closing does and asked again.
    #[serde(default)]
    confirmed: String,
}

pub async fn run(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(RunForm {
        period,
        action,
        confirmed,
    }): CsrfForm<RunForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let close = action == "close";
    if close && confirmed != "yes" {
        return confirm_close(&state, &ctx, &period).await;
    }
    let by = format!("admin:{}", user.email);
    let queued = async {
        let cat = state.store.settlement_catalogue().await?;
        let month = settlement::Month::parse(&period, &cat.operator_zone)?;
        settlement::refuse_settling(&state.store, &month).await?;
        if close {
            settlement::refuse_close(
                &state.store,
                &cat.operator_zone,
                &month,
                crate::store::now(),
            )
            .await?;
        }
        state
            .store
            .enqueue_settlement(
                &month.label,
                close.then_some(by.as_str()),
                &by,
                crate::store::now(),
            )
            .await
    };
    match queued.await {
        Ok(job) => {
            tracing::info!(job = job.id, period = %job.period, close, "settlement queued");
            Ok(axum::response::Redirect::to("/admin/settlement").into_response())
        }
        Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
            let m = e.refusal(ctx.lang).unwrap_or_default();
            render_index(&state, &ctx, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Closing a month can never be undone: this page says what it does and asks again (a form, no
/// script), after the same checks as the close itself.
async fn confirm_close(state: &Shared, ctx: &Ctx, period: &str) -> Result<Response, WebError> {
    let checked = async {
        let cat = state.store.settlement_catalogue().await?;
        let month = settlement::Month::parse(period, &cat.operator_zone)?;
        settlement::refuse_settling(&state.store, &month).await?;
        settlement::refuse_close(
            &state.store,
            &cat.operator_zone,
            &month,
            crate::store::now(),
        )
        .await?;
        Ok::<_, StoreError>(month)
    };
    let month = match checked.await {
        Ok(m) => m,
        Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
            let m = e.refusal(ctx.lang).unwrap_or_default();
            return render_index(state, ctx, Some(m)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let draft = match state.store.period(&month.label).await? {
        Some(row) => Some(settlement::report(&state.store, &row).await?),
        None => None,
    };
    let body = html! {
        div.irreversible role="alert" {
            p { strong { (ctx.tf("adm_close_confirm", &[("period", &month.label)])) } }
            @if let Some(d) = &draft {
                p { (ctx.tf("adm_close_confirm_draft", &[("n", &d.statements.len().to_string())])) }
            }
            form method="post" action="/admin/settlement" {
                (ctx.csrf_field())
                input type="hidden" name="period" value=(month.label);
                input type="hidden" name="action" value="close";
                input type="hidden" name="confirmed" value="yes";
                button.danger type="submit" { (ctx.t("adm_close_confirm_button")) }
                " "
                a.button.secondary href="/admin/settlement" { (ctx.t("adm_cancel")) }
            }
        }
        @if draft.is_some() {
            p { a href={ "/admin/settlement/" (month.label) } { (ctx.tf("adm_settlement_month", &[("period", &month.label)])) } }
        }
    };
    Ok(ctx.page(
        &ctx.tf("adm_close_confirm_title", &[("period", &month.label)]),
        body,
    ))
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
    let (products, offers) = names(&state.store, ctx.lang).await?;
    let cat = state.store.load_catalogue().await?;
    let party_name = |party: &str| {
        cat.as_ref().map_or_else(
            || party.to_string(),
            |c| super::labels::party_name(c, party),
        )
    };
    Ok(ctx.page(
        &ctx.tf("adm_settlement_month", &[("period", &period)]),
        month_body(
            ctx.lang,
            &report,
            &products,
            &offers,
            &party_name,
            |party, currency| {
                format!("/admin/settlement/{period}/csv?party={party}&currency={currency}")
            },
        ),
    ))
}

/// A month's totals and statements; `csv` makes each statement's CSV link.
pub fn month_body(
    lang: &str,
    report: &Report,
    products: &HashMap<i64, String>,
    offers: &HashMap<i64, String>,
    party_name: &dyn Fn(&str) -> String,
    csv: impl Fn(&str, &str) -> String,
) -> Markup {
    html! {
        p { (t(lang, "statement_status")) " " strong { (crate::portal::pages::status_word(lang, &report.status)) } }
        h2 { (t(lang, "adm_totals")) }
        div.scroll { table {
            thead { tr { th { (t(lang, "col_currency")) } th { (t(lang, "adm_gross")) } th { (t(lang, "adm_refunds")) } th { (t(lang, "adm_partners")) } th { (t(lang, "adm_commissions")) } th { (t(lang, "adm_operator_fees")) } th { (t(lang, "adm_breakage")) } th { (t(lang, "adm_balanced")) } } }
            tbody {
                @for (c, t) in &report.totals {
                    tr {
                        td { (c) }
                        td.num { (money_in(lang, t.gross_minor, c)) }
                        td.num { (money_in(lang, t.refunds_minor, c)) }
                        td.num { (money_in(lang, t.partner_payables_minor, c)) }
                        td.num { (money_in(lang, t.commissions_minor, c)) }
                        td.num { (money_in(lang, t.operator_fees_minor, c)) }
                        td.num { (money_in(lang, t.breakage_minor, c)) }
                        td { @if t.balances() { (crate::i18n::t(lang, "adm_yes")) } @else { strong { (crate::i18n::t(lang, "adm_no")) } } }
                    }
                }
            }
        } }
        h2 { (t(lang, "adm_statements")) }
        @for s in &report.statements {
            section.statement {
                h3 { (party_name(&s.party)) " · " (money_in(lang, s.amount_minor, &s.currency)) " " small.code { (s.party) } }
                @if let Some(p) = &s.payout {
                    @match (p.amount_minor, &p.pair, &p.rate) {
                        (Some(minor), Some(pair), Some(rate)) => {
                            p.payout { (tf(lang, "adm_payout_at", &[("currency", &p.currency), ("amount", &money_in(lang, minor, &p.currency)), ("pair", pair), ("rate", &super::rates::local_rate(lang, rate)), ("source", p.source.as_deref().unwrap_or(""))]))
                                @if !p.fixed { " " (t(lang, "adm_payout_provisional")) } }
                        }
                        _ => {
                            p.payout.error { (tf(lang, "adm_payout_missing", &[("currency", &p.currency), ("pair", &format!("{}/{}", s.currency, p.currency)), ("period", &report.period)]))
                                " " a href="/admin/rates" { (t(lang, "adm_payout_record")) } }
                        }
                    }
                }
                div.scroll { table {
                    thead { tr { th { (t(lang, "col_line")) } th.num { (t(lang, "col_items")) } th.num { (t(lang, "col_amount")) } } }
                    tbody {
                        @for line in &s.lines {
                            tr {
                                td { (line_label(lang, line, products, offers)) }
                                td.num { (line.items) }
                                td.num { (money_in(lang, line.amount_minor, &line.currency)) }
                            }
                        }
                    }
                } }
                p { a href=(csv(&s.party, &s.currency)) download { (t(lang, "statement_csv")) } }
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
    let body =
        super::csv::statement_csv(&state.store, &period, &q.party, &q.currency, ctx.lang).await?;
    let name = super::csv::file_name(&period, &q.party, &q.currency);
    Ok(crate::http::web::file(
        "text/csv; charset=utf-8",
        "attachment",
        &name,
        body,
    ))
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
        Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
            let m = e.refusal(ctx.lang).unwrap_or_default();
            return Err(WebError::BadRequest(m));
        }
        Err(e) => return Err(e.into()),
    };
    let figures = crate::settlement::consortium::figures(
        &state.store,
        month.starts_at * 1000,
        month.ends_at * 1000,
    )
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
            label { (ctx.t("adm_cons_month")) " " input name="period" value=(month.label) pattern="[0-9]{4}-[0-9]{2}"; }
            button type="submit" { (ctx.t("adm_cons_show")) }
        }
        h2 { (ctx.t("adm_cons_works")) }
        ul {
            li { (ctx.tf("adm_cons_used", &[("n", &figures.passes_used.to_string())])) }
            li { (ctx.tf("adm_cons_towns", &[("n", &decimal(ctx.lang, figures.average_towns_per_pass, 2))])) }
            li { (ctx.tf("adm_cons_venues", &[("n", &decimal(ctx.lang, figures.average_venues_per_pass, 2))])) }
            li { (ctx.tf("adm_cons_hours", &[("n", &decimal(ctx.lang, figures.average_hours_first_to_last, 1))])) }
            @if let Some(b) = &figures.busiest_town {
                li { (ctx.tf("adm_cons_outside", &[("town", b), ("share", &format!("{} %", decimal(ctx.lang, figures.share_outside_busiest * 100.0, 1)))])) }
            }
        }
        h2 { (ctx.t("adm_cons_pairs")) }
        p { (ctx.t("adm_cons_pairs_intro")) }
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
        h2 { (ctx.t("adm_cons_sales")) }
        div.scroll { table {
            thead { tr { th { (ctx.t("adm_cons_sold_at")) } th.num { (ctx.t("adm_cons_passes")) } th.num { (ctx.t("adm_gross")) } } }
            tbody { @for (town, currency, n, gross) in &sales { tr { td { (town) } td.num { (n) } td.num { (money_in(ctx.lang, *gross, currency)) } } } }
        } }
        h2 { (ctx.t("adm_cons_visits_title")) }
        div.scroll { table {
            thead { tr { th { (ctx.t("adm_cons_town")) } th.num { (ctx.t("adm_cons_visits")) } } }
            tbody { @for (t, n) in &figures.visits_by_town { tr { td { (t) } td.num { (n) } } } }
        } }
        div.scroll { table {
            thead { tr { th { (ctx.t("adm_cons_partner")) } th.num { (ctx.t("adm_cons_visits")) } } }
            tbody { @for (p, n) in &figures.visits_by_partner { tr { td { (p) } td.num { (n) } } } }
        } }
        h2 { (ctx.t("adm_cons_payouts")) }
        @match &payouts {
            None => p { (ctx.t("adm_cons_not_settled")) " " a href="/admin/settlement" { (ctx.t("adm_cons_compute")) } },
            Some(r) => {
                p { (ctx.tf("adm_cons_statements", &[("status", &crate::portal::pages::status_word(ctx.lang, &r.status))])) " " a href={ "/admin/settlement/" (r.period) } { (ctx.t("adm_cons_details")) } }
                div.scroll { table {
                    thead { tr { th { (ctx.t("adm_cons_party")) } th.num { (ctx.t("col_amount")) } } }
                    tbody { @for s in &r.statements { tr { td { (s.party) } td.num { (money_in(ctx.lang, s.amount_minor, &s.currency)) } } } }
                } }
            }
        }
    };
    Ok(ctx.page(&ctx.tf("adm_cons_title", &[("period", &month.label)]), body))
}

/// Exchange rates per month and pair: the list, a form to record one, a box to paste a rates file.
pub async fn rates(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_rates(&state, &ctx, None).await
}

async fn render_rates(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let rates = state.store.rates(None).await?;
    let closed: std::collections::HashSet<String> = state
        .store
        .periods()
        .await?
        .into_iter()
        .filter(|p| p.status == "closed")
        .map(|p| p.period)
        .collect();
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_rates_intro")) }
        p { (ctx.t("adm_rounding")) }
        h2 { (ctx.t("adm_rates_record")) }
        form method="post" action="/admin/rates" {
            (ctx.csrf_field())
            input type="hidden" name="action" value="set";
            label for="r-period" { (ctx.t("adm_month_label")) }
            input #r-period name="period" required pattern="[0-9]{4}-[0-9]{2}" placeholder="2026-10";
            label for="r-pair" { (ctx.t("adm_rates_pair")) }
            input #r-pair name="pair" required placeholder="EUR/MKD" maxlength="7";
            label for="r-rate" { (ctx.t("adm_rates_rate")) }
            input #r-rate name="rate" required inputmode="decimal" placeholder="61.5000" maxlength="20";
            label for="r-source" { (ctx.t("adm_rates_source")) }
            input #r-source name="source" required placeholder="NBRM 2026-10-31" maxlength="200";
            button type="submit" { (ctx.t("adm_rates_submit")) }
        }
        h2 { (ctx.t("adm_rates_import")) }
        form method="post" action="/admin/rates" {
            (ctx.csrf_field())
            input type="hidden" name="action" value="import";
            label for="r-file" { (ctx.t("adm_rates_file")) }
            textarea #r-file name="file" rows="6" required maxlength="100000"
                placeholder="period,pair,rate,source\n2026-10,EUR/MKD,61.5000,NBRM 2026-10-31" {}
            button type="submit" { (ctx.t("adm_rates_import_submit")) }
        }
        h2 { (ctx.t("adm_rates_recorded")) }
        @if rates.is_empty() { p { (ctx.t("adm_rates_none")) } }
        @else {
            div.scroll { table #rates {
                thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("adm_rates_pair")) } th.num { (ctx.t("adm_rates_rate")) } th { (ctx.t("adm_rates_source")) } th { (ctx.t("adm_rates_by")) } th { "" } } }
                tbody {
                    @for r in &rates {
                        tr {
                            td { (r.period) }
                            td { (r.pair()) }
                            td.num { (r.rate) }
                            td { (r.source) }
                            td { (r.set_by.strip_prefix("admin:").unwrap_or(&r.set_by)) " · " (crate::i18n::present::local_time(r.set_at, "UTC")) }
                            td {
                                @if closed.contains(&r.period) { (ctx.t("adm_rates_closed")) }
                                @else {
                                    form method="post" action="/admin/rates" {
                                        (ctx.csrf_field())
                                        input type="hidden" name="action" value="delete";
                                        input type="hidden" name="period" value=(r.period);
                                        input type="hidden" name="pair" value=(r.pair());
                                        button.secondary type="submit" { (ctx.t("adm_rates_delete")) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    };
    Ok(ctx.answer_page(&ctx.t("adm_rates_title"), body, failed))
}

#[derive(Debug, serde::Deserialize)]
pub struct RateForm {
    #[serde(default)]
    action: String,
    #[serde(default, deserialize_with = "trimmed")]
    period: String,
    #[serde(default, deserialize_with = "trimmed")]
    pair: String,
    #[serde(default, deserialize_with = "trimmed")]
    rate: String,
    #[serde(default, deserialize_with = "trimmed")]
    source: String,
    #[serde(default)]
    file: String,
}

pub async fn rates_post(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<RateForm>,
) -> Result<Response, WebError> {
    use super::rates::{RateInput, parse_file, parse_pair, parse_period};
    let user = ctx.require(&["admin"])?;
    let by = format!("admin:{}", user.email);
    let now = crate::store::now();
    let lang = ctx.lang;
    let refused = |e: StoreError| e.refusal(lang).ok_or(e);
    let outcome: Result<String, String> = match form.action.as_str() {
        "set" => match RateInput::parse(&form.period, &form.pair, &form.rate, &form.source) {
            Ok(r) => match state.store.set_rates(&[r.as_new()], &by, now).await {
                Ok(()) => Ok(ctx.tf(
                    "rates_recorded_one",
                    &[
                        ("month", &r.period),
                        ("base", r.base.as_str()),
                        ("rate", &super::rates::local_rate(lang, &r.rate.to_string())),
                        ("quote", r.quote.as_str()),
                    ],
                )),
                Err(e) => Err(refused(e)?),
            },
            Err(said) => Err(said.in_lang(lang)),
        },
        "import" => match parse_file(&form.file, lang) {
            Ok(rates) => {
                let new: Vec<_> = rates.iter().map(RateInput::as_new).collect();
                match state.store.set_rates(&new, &by, now).await {
                    Ok(()) => Ok(ctx.tf("rates_recorded_n", &[("n", &rates.len().to_string())])),
                    Err(e) => Err(ctx.tf("rates_nothing_recorded", &[("problems", &refused(e)?)])),
                }
            }
            Err(errors) => Err(ctx.tf(
                "rates_nothing_recorded",
                &[("problems", &errors.join("; "))],
            )),
        },
        "delete" => match parse_period(&form.period).and_then(|p| Ok((p, parse_pair(&form.pair)?)))
        {
            Ok((period, (base, quote))) => {
                let pair = format!("{base}/{quote}");
                match state
                    .store
                    .delete_rate(&period, base, quote, &by, now)
                    .await
                {
                    Ok(true) => Ok(ctx.tf("rates_deleted", &[("month", &period), ("pair", &pair)])),
                    Ok(false) => Err(ctx.tf(
                        "rates_none_to_delete",
                        &[("month", &period), ("pair", &pair)],
                    )),
                    Err(e) => Err(refused(e)?),
                }
            }
            Err(said) => Err(said.in_lang(lang)),
        },
        _ => Err("?".into()),
    };
    render_rates(&state, &ctx, Some(outcome)).await
}
