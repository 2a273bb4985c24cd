//! The JSON sales API for sales points' own systems (hotels, agencies, tour operators):
//! `Authorization: Bearer tp_<prefix>_<secret>`. An API sale is paid (the sales point collected the
//! money), so passes are issued at once and the sales point's commission is recorded.
//!
//!   GET  /api/v1/products               what is on sale, with prices per category
//!   POST /api/v1/orders                 {"lines":[{"product","category","count"?,"holder"?}],"email"?,"language"?}
//!   GET  /api/v1/orders/{order}         an order of this sales point, with its passes
//!   POST /api/v1/passes/{serial}/revoke {"reason": "...", "refund": true}: refund or loss of a pass it sold
//!
//! Errors: {"error": {"code": "...", "message": "..."}} with a 4xx status; nothing is stored.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::accounts;
use crate::http::Shared;
use crate::http::api::{ApiError, any_caller};
use crate::i18n::present;
use crate::sales::{self, LineRequest, OrderRequest, SalesError};
use crate::store::{OrderRow, StoreError};

impl From<SalesError> for ApiError {
    fn from(e: SalesError) -> Self {
        match e {
            SalesError::Store(StoreError::NotFound(what)) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown",
                format!("{what} not found"),
            ),
            SalesError::Store(other) => other.into(),
            SalesError::Random(m) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", m)
            }
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_order",
                other.to_string(),
            ),
        }
    }
}

/// The sales point behind the request's API key (a partner's key is refused here).
async fn caller(state: &Shared, headers: &HeaderMap) -> Result<i64, ApiError> {
    match any_caller(state, headers).await? {
        accounts::ApiCaller::SalesPoint(sp) => Ok(sp),
        accounts::ApiCaller::Partner(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this is a partner's key: it reads statements and visits, it does not sell",
        )),
    }
}

pub async fn products(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller(&state, &headers).await?;
    let mut out = Vec::new();
    for p in state.store.products_on_sale().await? {
        let rows = state.store.product_venues(p.id).await?;
        let towns: Vec<&str> = {
            let mut t: Vec<&str> = rows.iter().map(|(town, _, _)| town.code.as_str()).collect();
            t.dedup();
            t
        };
        out.push(json!({
            "code": p.product.code, "product_id": p.id, "version": p.version, "kind": p.product.kind,
            "name": p.product.name, "currency": p.product.currency, "prices": p.product.prices,
            "validity": p.product.validity, "towns": towns,
        }));
    }
    Ok(Json(json!({ "products": out })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderBody {
    lines: Vec<LineBody>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineBody {
    product: String,
    category: String,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    holder: Option<String>,
}

fn one() -> u32 {
    1
}

/// Orders above this many passes go through `townpass issue` (bulk, with a progress bar).
const API_MAX_PASSES: u32 = 1000;

pub async fn create_order(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let sales_point_id = caller(&state, &headers).await?;
    let body: OrderBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not a valid order: {e}"),
        )
    })?;
    let total: u64 = body.lines.iter().map(|l| u64::from(l.count)).sum();
    if total > u64::from(API_MAX_PASSES) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many",
            format!(
                "at most {API_MAX_PASSES} passes per API order; ask the operator for a bulk issue"
            ),
        ));
    }
    let language = body
        .language
        .as_deref()
        .and_then(crate::i18n::supported)
        .unwrap_or("en");
    let req = OrderRequest {
        lines: body
            .lines
            .into_iter()
            .map(|l| LineRequest {
                product: l.product,
                category: l.category,
                holder: l.holder,
                count: l.count,
            })
            .collect(),
        email: body.email,
        language: language.to_string(),
        channel: "api",
        sales_point: Some(state.store.sales_point_code(sales_point_id).await?),
        payment_provider: "sales_point".into(),
    };
    let now = crate::store::now();
    let order = sales::create_order(&state.store, &req, now).await?;
    let key = state
        .keys
        .ensure_active(&state.store, now)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    sales::pay_order(&state.store, &key, &order, None, now).await?;
    let order = state.store.order_by_public_id(&order.public_id).await?;
    let body = order_json(&state, &order).await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/orders/{}", order.public_id),
        )],
        Json(body),
    )
        .into_response())
}

pub async fn get_order(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let sales_point_id = caller(&state, &headers).await?;
    let order = state.store.order_by_public_id(&id).await?;
    // Another sales point's order does not exist for this caller.
    if order.sales_point_id != Some(sales_point_id) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "order not found",
        ));
    }
    Ok(Json(order_json(&state, &order).await?).into_response())
}

async fn order_json(state: &Shared, order: &OrderRow) -> Result<serde_json::Value, ApiError> {
    let passes = state.store.passes_of_order(order.id).await?;
    Ok(json!({
        "order": order.public_id,
        "code": present::order_code(&order.public_id),
        "url": format!("{}/o/{}", state.base_url, order.public_id),
        "status": order.status,
        "currency": order.currency,
        "total_minor": order.total_minor,
        "passes": passes.iter().map(|p| json!({
            "serial": p.serial, "token": p.token, "product_id": p.product_id, "category": p.category_id,
            "holder": p.holder, "expires_at": p.expires_at, "revoked": p.revoked_at.is_some(),
        })).collect::<Vec<_>>(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    reason: String,
    /// The buyer got the price back: settlement pays nobody for the pass.
    #[serde(default)]
    refund: bool,
}

/// A sales point revokes a pass it sold (refund, loss); scanners refuse it after their next sync.
pub async fn revoke_pass(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(serial): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let sales_point_id = caller(&state, &headers).await?;
    let body: RevokeBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("expected {{\"reason\": \"...\"}}: {e}"),
        )
    })?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "say why the pass is revoked",
        ));
    }
    let serial: townpass_core::Serial = serial
        .parse()
        .map_err(|e: String| ApiError::new(StatusCode::NOT_FOUND, "not_found", e))?;
    let pass = state.store.pass(&serial.to_string()).await?;
    let order = state.store.order_by_id(pass.order_id).await?;
    if order.sales_point_id != Some(sales_point_id) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("pass {serial} not found"),
        ));
    }
    let by = format!(
        "api:{}",
        state.store.sales_point_code(sales_point_id).await?
    );
    match state
        .store
        .revoke_pass(
            &serial.to_string(),
            body.reason.trim(),
            body.refund,
            &by,
            crate::store::now(),
        )
        .await
    {
        Ok(()) => Ok(Json(json!({"serial": serial.to_string(), "revoked": true})).into_response()),
        Err(StoreError::Conflict(m)) => {
            Err(ApiError::new(StatusCode::CONFLICT, "already_revoked", m))
        }
        Err(e) => Err(e.into()),
    }
}
