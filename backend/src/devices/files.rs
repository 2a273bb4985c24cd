//! File sync for venues with no internet, from the operator's page: load a device's redemptions file,
//! download a signed bundle file for it. The same checks as an online upload (see `sync`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::http::Shared;
use crate::http::api::ApiError;
use crate::http::web::{Ctx, WebError};

/// `GET /admin/devices/{id}/bundle`: a signed bundle file for a device with no internet.
pub async fn bundle_file(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let file =
        crate::devices::sync::bundle_file(&state.store, &state.keys, id, crate::store::now_ms())
            .await
            .map_err(|e| match e {
                crate::devices::sync::DeviceApiError::UnknownDevice => WebError::NotFound,
                e => WebError::Internal(e.to_string()),
            })?;
    let body = serde_json::to_vec(&file).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!("townpass-bundle-device-{id}.json");
    Ok(crate::http::web::file(
        "application/json",
        "attachment",
        &name,
        body,
    ))
}

/// `POST /admin/devices/import`: a redemptions file as the body, CSRF token in `X-CSRF-Token`.
/// Answers JSON (what was stored) or a JSON error; a refused file stores nothing more.
pub async fn import_file(
    State(state): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = ctx.require(&["admin"]).map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            "log in as an operator",
        )
    })?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ctx.check_csrf(token).map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "csrf",
            "the form is stale: reload the page",
        )
    })?;
    let report =
        crate::devices::sync::import_redemptions(&state.store, &body, crate::store::now_ms())
            .await?;
    tracing::info!(device = report.device_id, stored = report.stored, by = %user.email, "redemptions file imported");
    Ok(Json(report).into_response())
}
