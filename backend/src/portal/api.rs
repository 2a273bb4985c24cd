//! The partner API: a partner's own systems read its statements and visits with a partner API key
//! (`townpass api-keys add --partner CODE`). A statement that is not the key's partner's answers
//! 404, like one that does not exist. Documented in /api/v1/openapi.json.
//!
//!   GET /api/v1/statements                              every statement of the partner
//!   GET /api/v1/statements/{period}/{currency}          one statement with its lines
//!   GET /api/v1/statements/{period}/{currency}/items    every visit (or pass) behind it
//!   GET /api/v1/visits?from=&to=&venue=&page=           the partner's visits, newest first

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::pages::line_key;
use crate::accounts::ApiCaller;
use crate::http::Shared;
use crate::http::api::{ApiError, any_caller};
use crate::store::VisitFilter;

const PAGE: i64 = 200;

/// The partner behind the key: "partner:CODE" and its id.
async fn partner(state: &Shared, headers: &HeaderMap) -> Result<(i64, String), ApiError> {
    match any_caller(state, headers).await? {
        ApiCaller::Partner(id) => Ok((
            id,
            format!("partner:{}", state.store.partner_code(id).await?),
        )),
        ApiCaller::SalesPoint(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "statements and visits are read with a partner's key",
        )),
    }
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such statement")
}

pub async fn statements(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, party) = partner(&state, &headers).await?;
    let rows = state.store.party_statements(&party).await?;
    Ok(Json(json!({ "party": party, "statements": rows })).into_response())
}

pub async fn statement(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((period, currency)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (_, party) = partner(&state, &headers).await?;
    let row = state.store.period(&period).await?.ok_or_else(not_found)?;
    let lines: Vec<_> = state
        .store
        .statement_lines(&period, Some(&party))
        .await?
        .into_iter()
        .filter(|l| l.currency == currency)
        .collect();
    if lines.is_empty() {
        return Err(not_found());
    }
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let lines: Vec<_> = lines
        .iter()
        .map(|l| {
            json!({
                "key": line_key(l), "kind": l.kind, "product_id": l.product_id, "offer_id": l.offer_id,
                "corrects": l.corrects, "items": l.items, "amount_minor": l.amount_minor,
            })
        })
        .collect();
    Ok(Json(json!({
        "period": period, "currency": currency, "party": party,
        "status": if row.status == "closed" { "issued" } else { "draft" },
        "total_minor": total, "lines": lines,
    }))
    .into_response())
}

pub async fn items(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((period, currency)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (_, party) = partner(&state, &headers).await?;
    state.store.period(&period).await?.ok_or_else(not_found)?;
    let items = state
        .store
        .statement_items(&period, &party, &currency)
        .await?;
    if items.is_empty() {
        return Err(not_found());
    }
    let items: Vec<_> = items
        .iter()
        .map(|i| {
            json!({
                "kind": i.kind, "pass_serial": i.serial, "product": i.product, "category_id": i.category_id,
                "offer": i.offer, "venue": i.venue, "device": i.device, "scanned_at_ms": i.scanned_at,
                "corrects": i.corrects, "amount_minor": i.amount_minor,
            })
        })
        .collect();
    Ok(Json(json!({ "period": period, "currency": currency, "items": items })).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct VisitsQuery {
    /// Unix ms, inclusive; default: 30 days before `to`.
    from: Option<i64>,
    /// Unix ms, exclusive; default: now.
    to: Option<i64>,
    venue: Option<String>,
    page: Option<i64>,
}

pub async fn visits(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<VisitsQuery>,
) -> Result<Response, ApiError> {
    let (id, _) = partner(&state, &headers).await?;
    let to = q.to.unwrap_or_else(crate::store::now_ms);
    let from = q.from.unwrap_or(to - 30 * 86_400_000);
    let page = q.page.unwrap_or(1).max(1);
    let filter = VisitFilter {
        from_ms: from,
        to_ms: to,
        venue: q.venue.filter(|v| !v.is_empty()),
        flagged: None,
    };
    if let Some(v) = &filter.venue
        && !state
            .store
            .partner_venues(id)
            .await?
            .iter()
            .any(|(code, _)| code == v)
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such venue",
        ));
    }
    let (rows, total) = state
        .store
        .partner_visits(id, &filter, (page - 1) * PAGE, PAGE)
        .await?;
    Ok(Json(json!({ "from": from, "to": to, "page": page, "per_page": PAGE, "total": total, "visits": rows }))
        .into_response())
}

/// The OpenAPI description of /api/v1.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
        .into_response()
}
