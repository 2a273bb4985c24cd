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
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pages::line_key;
use crate::accounts::ApiCaller;
use crate::http::Shared;
use crate::http::api::{ApiError, ErrorBody, any_caller};
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

/// A statement is a draft while its month is open, and issued (never to change) once closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementStatus {
    Draft,
    Issued,
}

impl StatementStatus {
    fn of(period_status: &str) -> StatementStatus {
        if period_status == "closed" {
            StatementStatus::Issued
        } else {
            StatementStatus::Draft
        }
    }
}

/// Every statement of the key's partner.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"party": "partner:nim", "statements": [{"period": "2026-10", "currency": "EUR", "status": "issued", "amount_minor": 128450}]}))]
#[serde(deny_unknown_fields)]
pub struct StatementList {
    /// `partner:CODE`.
    pub party: String,
    pub statements: Vec<StatementSummary>,
}

/// One month and currency of a partner's money.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementSummary {
    /// YYYY-MM, in the operator's time zone.
    pub period: String,
    pub currency: String,
    pub status: StatementStatus,
    /// What the partner is paid, in minor units.
    pub amount_minor: i64,
}

/// Every statement of the key's partner, newest month first.
#[utoipa::path(get, path = "/api/v1/statements", tag = "partners", security(("api_key" = [])),
    responses(
        (status = 200, description = "The partner's statements", body = StatementList),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A sales point's key: statements are read with a partner's key", body = ErrorBody),
    ))]
pub async fn statements(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, party) = partner(&state, &headers).await?;
    let statements = state
        .store
        .party_statements(&party)
        .await?
        .into_iter()
        .map(|r| StatementSummary {
            status: StatementStatus::of(&r.status),
            period: r.period,
            currency: r.currency,
            amount_minor: r.amount_minor,
        })
        .collect();
    Ok(Json(StatementList { party, statements }).into_response())
}

/// One statement with its lines.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"period": "2026-10", "currency": "EUR", "party": "partner:nim", "status": "issued", "total_minor": 4000,
    "lines": [{"key": "visit|2|5|", "kind": "visit", "product_id": 2, "offer_id": 5, "corrects": null, "items": 4, "amount_minor": 4000}]}))]
#[serde(deny_unknown_fields)]
pub struct StatementAnswer {
    pub period: String,
    pub currency: String,
    pub party: String,
    pub status: StatementStatus,
    /// The sum of the lines, in minor units.
    pub total_minor: i64,
    pub lines: Vec<StatementLine>,
    /// For a partner paid in another currency than the statement's: the total converted at the
    /// month's recorded rate (stored for good when the month closes; provisional, or without an
    /// amount while no rate is recorded, before). Absent when paid in the statement's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout: Option<crate::settlement::rates::Payout>,
}

/// A sum of items of one kind, product and offer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementLine {
    /// Names the line in a dispute.
    pub key: String,
    /// `visit`, `pool_share`, `fixed_share`, `commission`, `operator_fee`, `breakage`,
    /// `dispute_credit`, `dispute_debit`, `balance_carried` (a negative balance of the month
    /// `corrects`, not paid then) or `balance_recovered` (the operator's side of it).
    pub kind: String,
    pub product_id: i64,
    pub offer_id: Option<i64>,
    /// The closed month (YYYY-MM) an adjustment line corrects.
    pub corrects: Option<String>,
    /// How many items (visits or passes) the line sums.
    pub items: i64,
    pub amount_minor: i64,
}

/// Every item behind one statement.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"period": "2026-10", "currency": "EUR", "items": [{"kind": "visit", "pass_serial": "8e2f6a0c4b1d3e5f",
    "product": "sofia-24h", "category_id": 1, "offer": "nim-entry", "venue": "nim-boyana", "device": "Gate 2",
    "scanned_at_ms": 1790000000000_i64, "corrects": null, "amount_minor": 1000}]}))]
#[serde(deny_unknown_fields)]
pub struct StatementItems {
    pub period: String,
    pub currency: String,
    pub items: Vec<StatementItem>,
}

/// One visit (or, for shares, fees and breakage, one pass) and what it pays.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementItem {
    pub kind: String,
    pub pass_serial: String,
    pub product: Option<String>,
    pub category_id: Option<i64>,
    pub offer: Option<String>,
    pub venue: Option<String>,
    pub device: Option<String>,
    /// Unix milliseconds, as the device recorded the scan.
    pub scanned_at_ms: Option<i64>,
    pub corrects: Option<String>,
    pub amount_minor: i64,
}

/// A page of the partner's visits.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"from": 1787400000000_i64, "to": 1790000000000_i64, "page": 1, "per_page": 200, "total": 1,
    "visits": [{"id": 31, "serial": "8e2f6a0c4b1d3e5f", "venue": "nim-boyana", "device": "Gate 2", "offer": "nim-entry",
    "category_id": 1, "scanned_at": 1790000000000_i64, "venue_zone": "Europe/Sofia", "flag": null, "review": null}]}))]
#[serde(deny_unknown_fields)]
pub struct VisitsAnswer {
    /// Unix ms, inclusive.
    pub from: i64,
    /// Unix ms, exclusive.
    pub to: i64,
    pub page: i64,
    pub per_page: i64,
    /// Visits in the range, on every page.
    pub total: i64,
    pub visits: Vec<Visit>,
}

/// A visit at one of the partner's venues.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub id: i64,
    pub serial: String,
    pub venue: String,
    pub device: String,
    pub offer: Option<String>,
    pub category_id: Option<i64>,
    /// Unix milliseconds.
    pub scanned_at: i64,
    /// The venue's IANA time zone, for local times.
    pub venue_zone: String,
    /// Why the server flagged the visit (it is not paid until reviewed).
    pub flag: Option<String>,
    /// The operator's decision on a flag: `accepted` or `rejected`.
    pub review: Option<String>,
}

impl From<crate::store::VisitRow> for Visit {
    fn from(r: crate::store::VisitRow) -> Visit {
        Visit {
            id: r.id,
            serial: r.serial,
            venue: r.venue,
            device: r.device,
            offer: r.offer,
            category_id: r.category_id,
            scanned_at: r.scanned_at,
            venue_zone: r.venue_zone,
            flag: r.flag,
            review: r.review,
        }
    }
}

/// One statement of the key's partner, with its lines.
#[utoipa::path(get, path = "/api/v1/statements/{period}/{currency}", tag = "partners", security(("api_key" = [])),
    params(("period" = String, Path, description = "YYYY-MM"), ("currency" = String, Path, description = "ISO 4217")),
    responses(
        (status = 200, description = "The statement", body = StatementAnswer),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A sales point's key: statements are read with a partner's key", body = ErrorBody),
        (status = 404, description = "No such statement of this partner", body = ErrorBody),
    ))]
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
    let lines = lines
        .into_iter()
        .map(|l| StatementLine {
            key: line_key(&l),
            kind: l.kind,
            product_id: l.product_id,
            offer_id: l.offer_id,
            corrects: l.corrects,
            items: l.items,
            amount_minor: l.amount_minor,
        })
        .collect();
    let payout = crate::settlement::rates::payout(
        &state.store,
        &period,
        row.status == "closed",
        &party,
        &currency,
        total,
    )
    .await?;
    Ok(Json(StatementAnswer {
        period,
        currency,
        party,
        payout,
        status: StatementStatus::of(&row.status),
        total_minor: total,
        lines,
    })
    .into_response())
}

/// Every visit (or pass) behind one statement; the amounts add up to its total.
#[utoipa::path(get, path = "/api/v1/statements/{period}/{currency}/items", tag = "partners", security(("api_key" = [])),
    params(("period" = String, Path, description = "YYYY-MM"), ("currency" = String, Path, description = "ISO 4217")),
    responses(
        (status = 200, description = "The items", body = StatementItems),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A sales point's key: statements are read with a partner's key", body = ErrorBody),
        (status = 404, description = "No such statement of this partner", body = ErrorBody),
    ))]
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
    let items = items
        .into_iter()
        .map(|i| StatementItem {
            kind: i.kind,
            pass_serial: i.serial,
            product: i.product,
            category_id: i.category_id,
            offer: i.offer,
            venue: i.venue,
            device: i.device,
            scanned_at_ms: i.scanned_at,
            corrects: i.corrects,
            amount_minor: i.amount_minor,
        })
        .collect();
    Ok(Json(StatementItems {
        period,
        currency,
        items,
    })
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitsQuery {
    /// Unix ms, inclusive; default: 30 days before `to`.
    from: Option<i64>,
    /// Unix ms, exclusive; default: now.
    to: Option<i64>,
    /// One of the partner's venue codes.
    venue: Option<String>,
    /// From 1; 200 visits a page.
    page: Option<i64>,
}

/// The partner's visits, newest first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "partners", security(("api_key" = [])),
    params(VisitsQuery),
    responses(
        (status = 200, description = "A page of visits", body = VisitsAnswer),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A sales point's key: statements are read with a partner's key", body = ErrorBody),
        (status = 400, description = "from or to out of range", body = ErrorBody),
        (status = 404, description = "Not one of the partner's venues", body = ErrorBody),
    ))]
pub async fn visits(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<VisitsQuery>,
) -> Result<Response, ApiError> {
    let (id, _) = partner(&state, &headers).await?;
    let now = crate::store::now_ms();
    // A year ahead at most; the range itself is paged, so it may be long.
    let latest = now + super::MAX_RANGE_DAYS * 86_400_000;
    let to = q.to.unwrap_or(now);
    let from = q.from.unwrap_or(to.saturating_sub(30 * 86_400_000).max(0));
    if !(0..=latest).contains(&from) || !(0..=latest).contains(&to) || from > to {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_range",
            format!("from and to are unix milliseconds from 0 to {latest}, from before to"),
        ));
    }
    let page = q.page.unwrap_or(1).clamp(1, super::MAX_PAGE);
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
    Ok(Json(VisitsAnswer {
        from,
        to,
        page,
        per_page: PAGE,
        total,
        visits: rows.into_iter().map(Visit::from).collect(),
    })
    .into_response())
}
