//! Finding an order or a pass (by order code, pass number or its start, e-mail, holder name), and
//! one pass's history: sold, paid, e-mailed, each visit, flags, revocation and refund, with the
//! revoke form (which asks again before acting).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;

use crate::http::Shared;
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::{local_time_in, money_in, name, order_code};
use crate::store::StoreError;

/// Rows a search shows at most.
const LIMIT: i64 = 100;

#[derive(Debug, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Product names by id, in `lang`.
fn product_names(cat: &crate::store::SettlementCatalogue, lang: &str) -> HashMap<i64, String> {
    cat.products
        .iter()
        .map(|(id, p)| (*id, name(&p.name, lang)))
        .collect()
}

pub async fn search(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(SearchQuery { q }): Query<SearchQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let q: String = q.trim().chars().take(200).collect();
    let rows = if q.is_empty() {
        Vec::new()
    } else {
        state.store.search(&q, LIMIT + 1).await?
    };
    let more = rows.len() as i64 > LIMIT;
    let settled = state.store.settlement_catalogue().await?;
    let products = product_names(&settled, ctx.lang);
    // Times in the operator's zone, as the desk and settlement pages show them.
    let zone = &settled.operator_zone;
    let body = html! {
        form method="get" action="/admin/search" role="search" {
            label for="q" { (ctx.t("adm_search_label")) }
            input #q type="search" name="q" value=(q) required maxlength="200" autofocus
                placeholder=(ctx.t("adm_search_placeholder"));
            button type="submit" { (ctx.t("adm_search_submit")) }
        }
        @if !q.is_empty() {
            @if rows.is_empty() { p { (ctx.tf("adm_search_none", &[("q", &q)])) } }
            @else {
                div.scroll { table #found {
                    thead { tr {
                        th { (ctx.t("adm_revoke_order")) } th { (ctx.t("col_status")) } th { (ctx.t("adm_search_email")) }
                        th { (ctx.t("adm_pass_number")) } th { (ctx.t("adm_revoke_holder")) } th { (ctx.t("adm_revoke_product")) } th { (ctx.t("adm_search_when")) }
                    } }
                    tbody {
                        @for r in rows.iter().take(LIMIT as usize) {
                            tr {
                                td.code { a href={ "/o/" (r.public_id) } { (order_code(&r.public_id)) } }
                                td { (order_status(&ctx, &r.status, r.revoked_at.is_some())) }
                                td { (r.email.as_deref().unwrap_or("—")) }
                                td.code { @match &r.serial { Some(s) => a href={ "/admin/passes/" (s) } { (s) }, None => "—" } }
                                td { (r.holder.as_deref().unwrap_or("—")) }
                                td { (r.product_id.and_then(|p| products.get(&p)).map(String::as_str).unwrap_or("—")) }
                                td { (local_time_in(ctx.lang, r.created_at, zone)) }
                            }
                        }
                    }
                } }
                @if more { p.note { (ctx.tf("adm_search_more", &[("n", &LIMIT.to_string())])) } }
            }
        }
    };
    Ok(ctx.page(&ctx.t("adm_search_title"), body))
}

/// An order's (or its pass's) status in words.
fn order_status(ctx: &Ctx, status: &str, revoked: bool) -> String {
    if revoked {
        return ctx.t("adm_status_revoked");
    }
    match status {
        "paid" => ctx.t("adm_status_paid"),
        "pending" => ctx.t("adm_status_pending"),
        _ => ctx.t("adm_status_cancelled"),
    }
}

/// One event in a pass's history.
struct Event {
    at: i64,
    what: String,
    alert: bool,
}

pub async fn pass(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(serial): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let serial = serial.to_lowercase();
    let pass = match state.store.pass(&serial).await {
        Ok(p) => p,
        Err(StoreError::NotFound(_)) => return Err(WebError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let order = state.store.order_by_id(pass.order_id).await?;
    let settled = state.store.settlement_catalogue().await?;
    let products = product_names(&settled, ctx.lang);
    let zone = &settled.operator_zone;
    let cat = state.store.load_catalogue().await?;
    let category = state
        .store
        .categories()
        .await?
        .into_iter()
        .find(|c| i64::from(c.id) == pass.category_id)
        .map(|c| name(&c.name, ctx.lang))
        .unwrap_or_default();
    let sales_point = order
        .sales_point_id
        .and_then(|id| settled.sales_points.get(&id))
        .map(|code| {
            cat.as_ref()
                .and_then(|c| c.sales_points.iter().find(|s| &s.code == code))
                .map_or_else(|| code.clone(), |s| s.name.clone())
        });
    let mut events = vec![Event {
        at: order.created_at,
        what: {
            let channel = ctx.t(&format!("adm_channel_{}", order.channel));
            match &sales_point {
                Some(at) => ctx.tf("adm_event_sold_at", &[("channel", &channel), ("where", at)]),
                None => ctx.tf("adm_event_sold", &[("channel", &channel)]),
            }
        },
        alert: false,
    }];
    if let Some(at) = order.paid_at {
        events.push(Event {
            at,
            what: ctx.tf(
                "adm_event_paid",
                &[
                    (
                        "amount",
                        &money_in(ctx.lang, order.total_minor, &order.currency),
                    ),
                    ("how", &order.payment_provider),
                ],
            ),
            alert: false,
        });
    }
    for m in state.store.order_mails(order.id).await? {
        let what = match (m.sent_at, &m.last_error) {
            (Some(_), _) => ctx.tf(
                &format!("adm_event_mail_{}", m.kind),
                &[("to", &m.recipient)],
            ),
            (None, Some(e)) => ctx.tf(
                "adm_event_mail_failing",
                &[
                    ("to", &m.recipient),
                    ("n", &m.attempts.to_string()),
                    ("error", e),
                ],
            ),
            (None, None) => ctx.tf("adm_event_mail_waiting", &[("to", &m.recipient)]),
        };
        events.push(Event {
            at: m.sent_at.unwrap_or(m.created_at),
            what,
            alert: m.sent_at.is_none() && m.last_error.is_some(),
        });
    }
    for u in state.store.uses_of_pass(&serial).await? {
        let venue = name(&u.venue.name, ctx.lang);
        let what = match &u.flag {
            Some(flag) => ctx.tf(
                "adm_event_visit_flagged",
                &[("venue", &venue), ("flag", flag)],
            ),
            None => ctx.tf("adm_event_visit", &[("venue", &venue)]),
        };
        events.push(Event {
            at: u.scanned_at_ms.div_euclid(1000),
            what,
            alert: u.flag.is_some(),
        });
    }
    if let Some(r) = state.store.revocation(&serial).await? {
        events.push(Event {
            at: r.revoked_at,
            what: ctx.tf(
                "adm_event_revoked",
                &[
                    ("reason", &r.reason),
                    ("by", r.revoked_by.as_deref().unwrap_or("?")),
                ],
            ),
            alert: true,
        });
    }
    let refund = state.store.pass_refund(&serial).await?;
    if let Some(refund) = &refund {
        let what = match &refund.card {
            Some((id, minor)) => ctx.tf(
                "adm_event_refunded_card",
                &[
                    ("amount", &money_in(ctx.lang, *minor, &pass.currency)),
                    ("id", id),
                ],
            ),
            None => ctx.t("adm_event_refunded"),
        };
        events.push(Event {
            at: refund.at,
            what,
            alert: true,
        });
    }
    events.sort_by_key(|e| e.at);
    let product = products.get(&pass.product_id).cloned().unwrap_or_default();
    let body = html! {
        div.scroll { table #pass-facts {
            tr { th { (ctx.t("adm_pass_number")) } td.code { (pass.serial) } }
            tr { th { (ctx.t("col_status")) } td { strong { (order_status(&ctx, &order.status, pass.revoked_at.is_some())) } } }
            tr { th { (ctx.t("adm_revoke_product")) } td { (product) " · " (category) } }
            tr { th { (ctx.t("adm_revoke_holder")) } td { (pass.holder.as_deref().unwrap_or("—")) } }
            tr { th { (ctx.t("adm_revoke_order")) } td.code { a href={ "/o/" (order.public_id) } { (order_code(&order.public_id)) } } }
            tr { th { (ctx.t("adm_search_email")) } td { (order.email.as_deref().unwrap_or("—")) } }
            tr { th { (ctx.t("adm_revoke_price")) } td { (money_in(ctx.lang, pass.price_minor, &pass.currency)) } }
            tr { th { (ctx.t("adm_pass_valid_until")) } td { (local_time_in(ctx.lang, pass.expires_at, zone)) } }
        } }
        h2 { (ctx.t("adm_pass_history")) }
        ol #history {
            @for e in &events {
                li class=[e.alert.then_some("alert")] { time { (local_time_in(ctx.lang, e.at, zone)) } " — " (e.what) }
            }
        }
        @if pass.revoked_at.is_none() || refund.is_none() {
            h2 { (ctx.t("adm_revoke_title")) }
            form method="post" action="/admin/revoke" {
                (ctx.csrf_field())
                input type="hidden" name="serial" value=(pass.serial);
                label for="reason" { (ctx.t("adm_reason")) }
                input id="reason" name="reason" required maxlength="200";
                label { input type="checkbox" name="refund" value="on"; " " (ctx.t("adm_refund_check")) }
                button.danger type="submit" { (ctx.t("adm_revoke_submit")) }
            }
        }
        p { a href="/admin/search" { (ctx.t("adm_search_title")) } }
    };
    Ok(ctx.page(&ctx.tf("adm_pass_title", &[("serial", &pass.serial)]), body))
}
