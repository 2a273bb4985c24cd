//! The operator's payout pages: each closed month's payouts, exporting them (after a page that
//! says what will happen and asks again, without script) and confirming that the bank has paid,
//! and the two recorded files to download.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::payouts::{self, BY_HAND, CARRIED, Payouts, SEPA};
use crate::http::Shared;
use crate::http::forms::CsrfForm;
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::{local_time_in, money_in};
use crate::store::StoreError;

/// Every closed month, newest first, with its payout status.
pub async fn index(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let mut months: Vec<_> = state
        .store
        .periods()
        .await?
        .into_iter()
        .filter(|p| p.status == "closed")
        .collect();
    months.sort_by(|a, b| b.period.cmp(&a.period));
    let mut rows = Vec::new();
    for m in &months {
        rows.push((m.period.clone(), state.store.payout_run(&m.period).await?));
    }
    let body = html! {
        p { (ctx.t("adm_payouts_intro")) }
        @if rows.is_empty() { p { (ctx.t("adm_payouts_none")) } }
        @else {
            div.scroll { table #payout-months {
                thead { tr { th { (ctx.t("col_month")) } th { (ctx.t("col_status")) } } }
                tbody {
                    @for (period, run) in &rows {
                        tr {
                            td { a href={ "/admin/payouts/" (period) } { (period) } }
                            td { (status(&ctx, run.as_ref().map(|r| Shown { status: &r.status, exported_at: r.exported_at, exported_by: &r.exported_by, paid_at: r.paid_at, paid_by: r.paid_by.as_deref() }))) }
                        }
                    }
                }
            } }
        }
    };
    Ok(ctx.page(&ctx.t("adm_payouts_title"), body))
}

fn who(by: &str) -> &str {
    by.strip_prefix("admin:").unwrap_or(by)
}

/// A month's payout status as recorded.
struct Shown<'a> {
    status: &'a str,
    exported_at: i64,
    exported_by: &'a str,
    paid_at: Option<i64>,
    paid_by: Option<&'a str>,
}

/// "not exported", "exported … by …", "paid …".
fn status(ctx: &Ctx, run: Option<Shown<'_>>) -> String {
    match run {
        None => ctx.t("adm_payouts_status_none"),
        Some(Shown {
            status: "paid",
            paid_at: Some(at),
            paid_by,
            ..
        }) => ctx.tf(
            "adm_payouts_status_paid",
            &[
                ("when", &local_time_in(ctx.lang, at, "UTC")),
                ("by", who(paid_by.unwrap_or("?"))),
            ],
        ),
        Some(r) => ctx.tf(
            "adm_payouts_status_exported",
            &[
                ("when", &local_time_in(ctx.lang, r.exported_at, "UTC")),
                ("by", who(r.exported_by)),
            ],
        ),
    }
}

/// The payouts of a month as a table.
fn lines(ctx: &Ctx, p: &Payouts) -> Markup {
    html! {
        div.scroll { table #payouts {
            thead { tr { th { (ctx.t("adm_payouts_number")) } th { (ctx.t("adm_payouts_partner")) } th.num { (ctx.t("adm_payouts_statement")) } th.num { (ctx.t("adm_payouts_payout")) } th { (ctx.t("adm_payouts_how")) } } }
            tbody {
                @for l in &p.lines {
                    tr {
                        td { (l.number) }
                        td { (l.partner_name) }
                        td.num { (money_in(ctx.lang, l.statement_minor, &l.currency)) }
                        td.num { (money_in(ctx.lang, l.amount_minor, &l.payout_currency)) }
                        td { @match l.method.as_str() {
                            SEPA => (ctx.tf("adm_payouts_how_sepa", &[("iban", l.iban.as_deref().unwrap_or("?"))])),
                            BY_HAND => (ctx.tf("adm_payouts_how_by_hand", &[("currency", &l.payout_currency)])),
                            CARRIED => (ctx.t("adm_payouts_how_carried")),
                            _ => (ctx.t("adm_payouts_how_nothing")),
                        } }
                    }
                }
            }
        } }
        p { (ctx.tf("adm_payouts_total", &[
            ("n", &p.lines.iter().filter(|l| l.method == SEPA).count().to_string()),
            ("amount", &money_in(ctx.lang, p.sepa_total_minor(), "EUR")),
        ])) }
    }
}

/// One month's payouts: the plan and the export button, or the files and the paid button.
pub async fn month(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_month(&state, &ctx, &period, None).await
}

async fn render_month(
    state: &Shared,
    ctx: &Ctx,
    period: &str,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let p = match payouts::payouts(&state.store, period).await {
        Ok(p) => p,
        Err(e @ StoreError::Refused(_)) => {
            let m = e.refusal(ctx.lang).unwrap_or_default();
            return Ok(ctx.answer_page(
                &ctx.t("adm_payouts_title"),
                html! { p.error role="alert" { (m) } p { a href="/admin/payouts" { (ctx.t("adm_payouts_title")) } } },
                true,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let failed = matches!(message, Some(Err(_)));
    let cat = payouts::load_catalogue(&state.store).await?;
    let today = jiff::Zoned::now()
        .with_time_zone(
            jiff::tz::TimeZone::get(&cat.operator.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .date();
    let day = |days: i64| {
        today
            .checked_add(jiff::Span::new().days(days))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let (xml_name, csv_name) = payouts::file_names(&p.period);
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("statement_status")) " " strong #payout-status { (status(ctx, p.status.as_deref().map(|s| Shown { status: s, exported_at: p.exported_at.unwrap_or_default(), exported_by: p.exported_by.as_deref().unwrap_or("?"), paid_at: p.paid_at, paid_by: p.paid_by.as_deref() }))) } }
        (lines(ctx, &p))
        @match p.status.as_deref() {
            None => {
                form method="get" action={ "/admin/payouts/" (p.period) "/confirm" } {
                    input type="hidden" name="action" value="export";
                    label for="p-date" { (ctx.t("adm_payouts_date")) }
                    input #p-date type="date" name="date" required value=(day(1)) min=(day(0)) max=(day(365));
                    button type="submit" { (ctx.t("adm_payouts_export")) }
                }
            }
            Some(status) => {
                p {
                    @if p.has_sepa_file {
                        a.button href={ "/admin/payouts/" (p.period) "/xml" } download=(xml_name) { (ctx.t("adm_payouts_download_xml")) } " "
                    }
                    a.button.secondary href={ "/admin/payouts/" (p.period) "/csv" } download=(csv_name) { (ctx.t("adm_payouts_download_csv")) }
                }
                @if status == "exported" {
                    form method="get" action={ "/admin/payouts/" (p.period) "/confirm" } {
                        input type="hidden" name="action" value="paid";
                        button.secondary type="submit" { (ctx.t("adm_payouts_mark_paid")) }
                    }
                    form method="get" action={ "/admin/payouts/" (p.period) "/confirm" } {
                        input type="hidden" name="action" value="withdraw";
                        button.secondary type="submit" { (ctx.t("adm_payouts_withdraw")) }
                    }
                }
            }
        }
        p { a href={ "/admin/settlement/" (p.period) } { (ctx.tf("adm_settlement_month", &[("period", &p.period)])) } " · " a href="/admin/payouts" { (ctx.t("adm_payouts_title")) } }
    };
    Ok(ctx.answer_page(
        &ctx.tf("adm_payouts_month_title", &[("period", &p.period)]),
        body,
        failed,
    ))
}

#[derive(Debug, serde::Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    date: String,
}

/// Says what exporting (or confirming payment) will do, and asks again: a form without script.
pub async fn confirm(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
    Query(q): Query<ConfirmQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let p = match payouts::payouts(&state.store, &period).await {
        Ok(p) => p,
        Err(e @ StoreError::Refused(_)) => {
            let m = e.refusal(ctx.lang).unwrap_or_default();
            return render_month(&state, &ctx, &period, Some(Err(m))).await;
        }
        Err(e) => return Err(e.into()),
    };
    let export = q.action == "export";
    // Whatever the final press would refuse is refused here, before the red button.
    let refused = if export {
        match (&p.status, q.date.parse::<jiff::civil::Date>()) {
            (Some(_), _) => Some(ctx.tf("adm_payouts_exported_already", &[("period", &p.period)])),
            (None, Ok(date)) => {
                let cat = payouts::load_catalogue(&state.store).await?;
                payouts::check_date(&cat, date, crate::store::now())
                    .err()
                    .and_then(|e| e.refusal(ctx.lang))
            }
            (None, Err(_)) => Some(ctx.tf(
                "refuse_payout_date",
                &[("date", &q.date.chars().take(20).collect::<String>())],
            )),
        }
    } else {
        match p.status.as_deref() {
            Some("exported") => None,
            Some(_) if q.action == "withdraw" => {
                Some(ctx.tf("refuse_payout_withdraw_paid", &[("period", &p.period)]))
            }
            Some(_) => Some(ctx.tf("refuse_payout_paid_already", &[("period", &p.period)])),
            None => Some(ctx.tf("refuse_payout_not_exported", &[("period", &p.period)])),
        }
    };
    if let Some(message) = refused {
        return render_month(&state, &ctx, &period, Some(Err(message))).await;
    }
    let shown_date = q
        .date
        .parse::<jiff::civil::Date>()
        .map(|d| townpass_i18n::numbers::date(ctx.lang, d.year(), d.month(), d.day()))
        .unwrap_or_default();
    let n = p.lines.iter().filter(|l| l.method == SEPA).count();
    let amount = money_in(ctx.lang, p.sepa_total_minor(), "EUR");
    let (title, what, button) = if export {
        (
            ctx.tf("adm_payouts_confirm_export_title", &[("period", &p.period)]),
            ctx.tf(
                "adm_payouts_confirm_export",
                &[
                    ("period", &p.period),
                    ("n", &n.to_string()),
                    ("amount", &amount),
                    ("date", &shown_date),
                ],
            ),
            ctx.t("adm_payouts_confirm_export_button"),
        )
    } else if q.action == "withdraw" {
        (
            ctx.tf(
                "adm_payouts_confirm_withdraw_title",
                &[("period", &p.period)],
            ),
            ctx.tf("adm_payouts_confirm_withdraw", &[("period", &p.period)]),
            ctx.t("adm_payouts_confirm_withdraw_button"),
        )
    } else {
        (
            ctx.tf("adm_payouts_confirm_paid_title", &[("period", &p.period)]),
            ctx.tf(
                "adm_payouts_confirm_paid",
                &[
                    ("period", &p.period),
                    ("n", &n.to_string()),
                    ("amount", &amount),
                ],
            ),
            ctx.t("adm_payouts_confirm_paid_button"),
        )
    };
    let body = html! {
        div.irreversible role="alert" {
            p { strong { (what) } }
            form method="post" action={ "/admin/payouts/" (p.period) } {
                (ctx.csrf_field())
                input type="hidden" name="action" value=(match q.action.as_str() { "export" => "export", "withdraw" => "withdraw", _ => "paid" });
                input type="hidden" name="date" value=(q.date);
                @if q.action == "withdraw" {
                    label for="w-reason" { (ctx.t("adm_payouts_withdraw_reason")) }
                    input #w-reason name="reason" required maxlength="500";
                }
                button.danger type="submit" { (button) }
                " "
                a.button.secondary href={ "/admin/payouts/" (p.period) } { (ctx.t("adm_cancel")) }
            }
        }
        (lines(&ctx, &p))
    };
    Ok(ctx.page(&title, body))
}

#[derive(Debug, serde::Deserialize)]
pub struct PayoutForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
}

/// Exports the month, or records that it is paid, as confirmed.
pub async fn post(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
    CsrfForm(form): CsrfForm<PayoutForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let by = format!("admin:{}", user.email);
    let now = crate::store::now();
    let done = match form.action.as_str() {
        "export" => match form.date.parse::<jiff::civil::Date>() {
            Ok(date) => payouts::export(&state.store, &period, date, &by, now)
                .await
                .map(|x| ctx.tf("adm_payouts_exported_ok", &[("period", &x.payouts.period)])),
            Err(_) => Err(StoreError::Refused(crate::store::Said::new(
                "refuse_payout_date",
                &[("date", &form.date.chars().take(20).collect::<String>())],
            ))),
        },
        "paid" => payouts::mark_paid(&state.store, &period, &by, now)
            .await
            .map(|()| ctx.tf("adm_payouts_paid_ok", &[("period", &period)])),
        "withdraw" => payouts::withdraw(&state.store, &period, &form.reason, &by, now)
            .await
            .map(|()| ctx.tf("adm_payouts_withdrawn_ok", &[("period", &period)])),
        _ => return Err(WebError::NotFound),
    };
    let outcome = match done {
        Ok(m) => {
            tracing::info!(period = %period, action = %form.action, "payouts");
            Ok(m)
        }
        Err(e @ (StoreError::Refused(_) | StoreError::Conflict(_))) => {
            Err(e.refusal(ctx.lang).unwrap_or_else(|| e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    render_month(&state, &ctx, &period, Some(outcome)).await
}

/// The recorded SEPA file of an exported month.
pub async fn xml(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let Some((Some(xml), _)) = payouts::files(&state.store, &period).await? else {
        return Err(WebError::NotFound);
    };
    let (name, _) = payouts::file_names(&period);
    Ok(
        crate::http::web::file("application/xml; charset=utf-8", "attachment", &name, xml)
            .into_response(),
    )
}

/// The recorded payout list of an exported month.
pub async fn csv(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(period): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let Some((_, csv)) = payouts::files(&state.store, &period).await? else {
        return Err(WebError::NotFound);
    };
    let (_, name) = payouts::file_names(&period);
    Ok(crate::http::web::file("text/csv; charset=utf-8", "attachment", &name, csv).into_response())
}
