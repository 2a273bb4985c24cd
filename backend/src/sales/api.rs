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
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use townpass_core::catalog::{ProductKind, Validity};
use utoipa::ToSchema;

use crate::accounts;
use crate::http::Shared;
use crate::http::api::{ApiError, ErrorBody, any_caller};
use crate::i18n::present;
use crate::sales::refund::RevokeError;
use crate::sales::{self, LineRequest, OrderRequest, SalesError};
use crate::store::{IdempotentAnswer, NewOrder, NewPass, OrderRow, StoreError};

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
            e @ SalesError::NotInCurrency { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_in_currency",
                e.to_string(),
            ),
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

/// Everything on sale now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"products": [{"code": "sofia-24h", "product_id": 2, "version": 1, "kind": "pass",
    "name": {"en": "Sofia 24 h", "bg": "София 24 ч"}, "currency": "EUR", "prices": {"adult": 2500, "child": 1200},
    "validity": {"hours": 24}, "towns": ["sofia"]}]}))]
#[serde(deny_unknown_fields)]
pub struct ProductsAnswer {
    pub products: Vec<ProductOnSale>,
}

/// A product on sale: what to put in an order line, and what it costs.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductOnSale {
    /// The code an order line names.
    pub code: String,
    /// The product number signed into its passes (a new version gets a new number).
    pub product_id: i64,
    pub version: i64,
    pub kind: ProductKind,
    /// The name by language code.
    pub name: BTreeMap<String, String>,
    /// ISO 4217.
    pub currency: String,
    /// The price in minor units, by category code (`adult`, `child`, ...), in `currency`.
    pub prices: BTreeMap<String, i64>,
    /// The same prices in the other currencies the product is sold in, by ISO 4217 code (an
    /// order names one with `currency`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices_in: BTreeMap<String, BTreeMap<String, i64>>,
    pub validity: Validity,
    /// Town codes, in catalogue order.
    pub towns: Vec<String>,
}

/// Products on sale, with prices per category.
#[utoipa::path(get, path = "/api/v1/products", tag = "sales", security(("api_key" = [])),
    responses(
        (status = 200, description = "Every product on sale", body = ProductsAnswer),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A partner's key: it reads statements, it does not sell", body = ErrorBody),
    ))]
pub async fn products(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller(&state, &headers).await?;
    let mut out = Vec::new();
    for p in state.store.products_on_sale().await? {
        let rows = state.store.product_venues(p.id).await?;
        let mut towns: Vec<String> = rows.iter().map(|(town, _, _)| town.code.clone()).collect();
        towns.dedup();
        out.push(ProductOnSale {
            currency: p.product.currency.to_string(),
            code: p.product.code,
            product_id: p.id,
            version: p.version,
            kind: p.product.kind,
            name: p.product.name,
            prices: p.product.prices,
            prices_in: p
                .product
                .prices_in
                .into_iter()
                .map(|(c, list)| (c.to_string(), list))
                .collect(),
            validity: p.product.validity,
            towns,
        });
    }
    Ok(Json(ProductsAnswer { products: out }).into_response())
}

/// A sale by a sales point's system: paid at once (the sales point collected the money).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"lines": [{"product": "sofia-24h", "category": "adult", "count": 2, "holder": "Maria Petrova"}],
    "email": "guest@example.org", "language": "bg"}))]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    pub lines: Vec<LineBody>,
    /// Where the passes are e-mailed (optional: the answer holds them too).
    #[serde(default)]
    pub email: Option<String>,
    /// The language of the e-mail and the order page: a language on offer (en, bg, ...; a tag
    /// with a region such as bg-BG is understood); default en; another is a 422
    /// `unknown_language`.
    #[serde(default)]
    pub language: Option<String>,
    /// The currency of the order (ISO 4217), one every product in it is sold in (see
    /// `prices_in`); default: the first product's main currency. A code that is not ISO 4217 is a
    /// 422 `unknown_currency`; one a product is not sold in, a 422 `not_in_currency`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Passes of one product and category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// A product code from `/api/v1/products`.
    pub product: String,
    /// A category code from the product's prices.
    pub category: String,
    /// How many passes (default 1; at most 1000 per order).
    #[serde(default = "one")]
    #[schema(default = 1, minimum = 1)]
    pub count: u32,
    /// The holder's name printed on each pass (optional).
    #[serde(default)]
    pub holder: Option<String>,
}

/// An order with its passes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"order": "4f7c1b9e0d2a4c6e8f0a1b2c3d4e5f60", "code": "4F7C-1B9E", "url": "https://pass.example.org/o/4f7c1b9e0d2a4c6e8f0a1b2c3d4e5f60",
    "status": "paid", "currency": "EUR", "total_minor": 5000, "passes": [{"serial": "8e2f6a0c4b1d3e5f", "token": "TP1:6BFOXN*TS0BI$ZDFRH",
    "product_id": 2, "category": 1, "holder": "Maria Petrova", "expires_at": 1821536000, "revoked": false}]}))]
#[serde(deny_unknown_fields)]
pub struct OrderAnswer {
    /// The order's id in URLs.
    pub order: String,
    /// The short code a desk reads out.
    pub code: String,
    /// The order page: the passes as QR codes, the PDF.
    pub url: String,
    /// `pending` or `paid`.
    pub status: String,
    pub currency: String,
    pub total_minor: i64,
    pub passes: Vec<PassAnswer>,
}

/// One pass: the token is what its QR code holds.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassAnswer {
    /// 16 hex digits.
    pub serial: String,
    pub token: String,
    pub product_id: i64,
    /// The category number (1 adult, 2 child, 3 senior, 4 student, or the catalogue's own).
    pub category: i64,
    pub holder: Option<String>,
    /// Unix seconds: the hard expiry.
    pub expires_at: i64,
    pub revoked: bool,
}

fn one() -> u32 {
    1
}

/// Orders above this many passes go through `townpass issue` (bulk, with a progress bar).
const API_MAX_PASSES: u32 = 1000;

/// Sell passes: the order is paid at once and the passes are in the answer.
///
/// Send an `Idempotency-Key` (e.g. a UUID) to retry safely: the same key and body answer what
/// the first request answered (with `Idempotent-Replayed: true`) and sell nothing more; the same
/// key with another body is refused (422). Keys are kept 48 hours.
#[utoipa::path(post, path = "/api/v1/orders", tag = "sales", security(("api_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters; a retry with the same key and body is answered as the first request was")),
    request_body = OrderBody,
    responses(
        (status = 201, description = "Sold (or the first answer to this Idempotency-Key); `Location` is the order", body = OrderAnswer),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A partner's key: it reads statements, it does not sell", body = ErrorBody),
        (status = 422, description = "Unknown product or category, too many passes, a bad e-mail address or name, or an Idempotency-Key used with another body", body = ErrorBody),
    ))]
pub async fn create_order(
    State(state): State<Shared>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let sales_point_id = caller(&state, &headers).await?;
    let now = crate::store::now();
    let who = format!("sales_point:{sales_point_id}");
    let idempotency = idempotency_key(&headers)?;
    // The request as JSON means it, whatever the spacing or the keys' order (Stripe's meaning:
    // a retry that serialises the same body another way is the same request); a body that is no
    // JSON is compared byte for byte. Keys stored before this rule hold the hash of the bytes,
    // so a byte-identical retry of one of those is the same request too.
    let bytes_hash = crate::accounts::sha256_hex(&String::from_utf8_lossy(&raw));
    let request_hash = serde_json::from_slice::<serde_json::Value>(&raw)
        .map(|v| crate::accounts::sha256_hex(&v.to_string()))
        .unwrap_or_else(|_| bytes_hash.clone());
    let hashes = [request_hash.as_str(), bytes_hash.as_str()];
    if let Some(key) = &idempotency
        && let Some(first) = state.store.idempotent_answer(&who, key, now).await?
    {
        return replay(first, &hashes);
    }
    let body: OrderBody = serde_json::from_slice(&raw).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not a valid order: {e}"),
        )
    })?;
    let body_bytes = raw.len();
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
    // The language its e-mails and pages speak: one on offer, or a clear refusal (not a silent
    // English).
    let language = match body.language.as_deref().map(str::trim) {
        None | Some("") => "en",
        Some(tag) => crate::i18n::supported(tag).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_language",
                format!(
                    "language '{}' is not on offer; use one of: {}",
                    tag.chars().take(35).collect::<String>(),
                    townpass_i18n::codes().join(", ")
                ),
            )
        })?,
    };
    let currency = match body.currency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(code.to_ascii_uppercase().parse().map_err(|e: String| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_currency",
                e.chars().take(200).collect::<String>(),
            )
        })?),
    };
    let req = OrderRequest {
        currency,
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
    let key = state
        .keys
        .ensure_active(&state.store, now)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    // The answer is made from the order before it is stored, so that what an idempotency key
    // keeps is written in the same transaction as the order, its passes and its e-mail.
    let sold = sales::sell_now(&state.store, &key, &req, now, |order, passes| {
        let answer = answer_of(&state.base_url, order, passes);
        let kept = idempotency.as_ref().and_then(|k| {
            Some(IdempotentAnswer {
                caller: who.clone(),
                idem_key: k.clone(),
                request_hash: request_hash.clone(),
                status: 201,
                body: serde_json::to_string(&answer).ok()?,
            })
        });
        (answer, kept)
    })
    .await;
    match sold {
        Ok((order, answer)) => {
            tracing::info!(order = %present::order_code(&order.public_id), bytes = body_bytes, "API order sold");
            Ok(created(&order.public_id, Json(answer).into_response()))
        }
        // The same key won in a request running at the same time: answer as it did.
        Err(SalesError::Store(e)) if e.is_unique_violation() && idempotency.is_some() => {
            let key = idempotency.as_deref().unwrap_or_default();
            match state.store.idempotent_answer(&who, key, now).await? {
                Some(first) => replay(first, &hashes),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The `Idempotency-Key` header, when sent: 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_string()))
        }
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_idempotency_key",
            "Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good one)",
        )),
    }
}

/// The first answer again, for the same key and body; a 422 for the same key and another body.
fn replay(first: IdempotentAnswer, request_hashes: &[&str]) -> Result<Response, ApiError> {
    if !request_hashes.contains(&first.request_hash.as_str()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used with another request body: use a new key for a new order",
        ));
    }
    let order = serde_json::from_str::<OrderAnswer>(&first.body)
        .map(|a| a.order)
        .unwrap_or_default();
    let mut response = created(
        &order,
        ([(header::CONTENT_TYPE, "application/json")], first.body).into_response(),
    );
    if let Ok(status) = StatusCode::from_u16(first.status as u16) {
        *response.status_mut() = status;
    }
    response.headers_mut().insert(
        "idempotent-replayed",
        axum::http::HeaderValue::from_static("true"),
    );
    Ok(response)
}

/// 201 with the order's address.
fn created(public_id: &str, mut response: Response) -> Response {
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("/api/v1/orders/{public_id}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// A just-sold order as the API answers it, from what is about to be stored.
fn answer_of(base_url: &str, order: &NewOrder, passes: &[NewPass]) -> OrderAnswer {
    OrderAnswer {
        order: order.public_id.clone(),
        code: present::order_code(&order.public_id),
        url: format!("{base_url}/o/{}", order.public_id),
        status: "paid".into(),
        currency: order.currency.clone(),
        total_minor: order.total_minor(),
        passes: passes
            .iter()
            .map(|p| {
                let line = &order.lines[p.line];
                PassAnswer {
                    serial: p.serial.clone(),
                    token: p.token.clone(),
                    product_id: line.product_id,
                    category: line.category_id,
                    holder: line.holder.clone(),
                    expires_at: p.expires_at,
                    revoked: false,
                }
            })
            .collect(),
    }
}

/// One of this sales point's orders (another's answers 404).
#[utoipa::path(get, path = "/api/v1/orders/{order}", tag = "sales", security(("api_key" = [])),
    params(("order" = String, Path, description = "The order's id from its answer or URL")),
    responses(
        (status = 200, description = "The order with its passes", body = OrderAnswer),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A partner's key: it reads statements, it does not sell", body = ErrorBody),
        (status = 404, description = "No such order of this sales point", body = ErrorBody),
    ))]
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

async fn order_json(state: &Shared, order: &OrderRow) -> Result<OrderAnswer, ApiError> {
    let passes = state.store.passes_of_order(order.id).await?;
    Ok(OrderAnswer {
        order: order.public_id.clone(),
        code: present::order_code(&order.public_id),
        url: format!("{}/o/{}", state.base_url, order.public_id),
        status: order.status.clone(),
        currency: order.currency.clone(),
        total_minor: order.total_minor,
        passes: passes
            .into_iter()
            .map(|p| PassAnswer {
                revoked: p.revoked_at.is_some(),
                serial: p.serial,
                token: p.token,
                product_id: p.product_id,
                category: p.category_id,
                holder: p.holder,
                expires_at: p.expires_at,
            })
            .collect(),
    })
}

/// Why a pass is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "guest cancelled the trip", "refund": true}))]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    pub reason: String,
    /// Refund the pass: a card payment is refunded through the provider first (a provider
    /// failure is a 502 and leaves the pass valid); settlement pays nobody for the pass. A pass
    /// revoked before without a refund is refunded now (once).
    #[serde(default)]
    pub refund: bool,
}

/// A revoked pass: scanners refuse it after their next sync.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"serial": "8e2f6a0c4b1d3e5f", "revoked": true}))]
#[serde(deny_unknown_fields)]
pub struct RevokeAnswer {
    pub serial: String,
    pub revoked: bool,
}

/// A sales point revokes a pass it sold (refund, loss); scanners refuse it after their next sync.
#[utoipa::path(post, path = "/api/v1/passes/{serial}/revoke", tag = "sales", security(("api_key" = [])),
    params(("serial" = String, Path, description = "The pass number, 16 hex digits")),
    request_body = RevokeBody,
    responses(
        (status = 200, description = "Revoked", body = RevokeAnswer),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No API key, or an unknown or revoked one", body = ErrorBody),
        (status = 403, description = "A partner's key: it reads statements, it does not sell", body = ErrorBody),
        (status = 404, description = "No such pass sold by this sales point", body = ErrorBody),
        (status = 502, description = "The pass was paid by card and the card refund failed: nothing changed, the pass is still valid", body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ))]
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
    match crate::sales::refund::revoke(
        &state.store,
        state.card.as_deref(),
        &serial,
        body.reason.trim(),
        body.refund,
        &by,
        crate::store::now(),
    )
    .await
    {
        Ok(_) => Ok(Json(RevokeAnswer {
            serial: serial.to_string(),
            revoked: true,
        })
        .into_response()),
        Err(RevokeError::AlreadyRevoked(m)) => {
            Err(ApiError::new(StatusCode::CONFLICT, "already_revoked", m))
        }
        Err(RevokeError::NotFound(m)) => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", m)),
        Err(RevokeError::RefundFailed(m)) => {
            Err(ApiError::new(StatusCode::BAD_GATEWAY, "refund_failed", m))
        }
        Err(RevokeError::Store(e)) => Err(e.into()),
    }
}
