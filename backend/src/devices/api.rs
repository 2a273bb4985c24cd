//! The device API (see `crate::devices::sync` and `townpass_core::protocol`):
//!
//!   POST /api/device/v1/enroll   {"code", "public_key"}  -> device id, venue, server bundle key
//!   POST /api/device/v1/bundle   signed {device_id, revoked_after, uses_after, device_time_ms} -> signed bundle
//!   POST /api/device/v1/upload   signed upload -> each item's outcome
//!
//! Errors are JSON ({"error": {"code", "message"}}) and change nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use townpass_core::protocol::{EnrollRequest, EnrollResponse, Envelope, UploadResponse};

use super::sync::{self, DeviceApiError};
use crate::http::Shared;
use crate::http::api::{ApiError, ErrorBody};
use crate::http::client::ClientIp;

/// Failed enrolments allowed per client address in 15 minutes.
const MAX_ENROL_FAILURES: i64 = 10;

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("the body is not valid: {e}"),
        )
    })
}

impl From<DeviceApiError> for ApiError {
    fn from(e: DeviceApiError) -> Self {
        let (status, code) = match &e {
            DeviceApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            DeviceApiError::CodeUnknown => (StatusCode::FORBIDDEN, "code_unknown"),
            DeviceApiError::CodeUsed => (StatusCode::FORBIDDEN, "code_used"),
            DeviceApiError::CodeExpired => (StatusCode::FORBIDDEN, "code_expired"),
            DeviceApiError::CodeReplaced => (StatusCode::FORBIDDEN, "code_replaced"),
            DeviceApiError::UnknownDevice => (StatusCode::UNAUTHORIZED, "unknown_device"),
            DeviceApiError::BadSignature => (StatusCode::UNAUTHORIZED, "bad_signature"),
            DeviceApiError::WrongVenue { .. } => (StatusCode::FORBIDDEN, "wrong_venue"),
            DeviceApiError::Store(_) | DeviceApiError::Keys(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        ApiError::new(status, code, e.to_string())
    }
}

/// Trade a one-time enrolment code for the device's registration.
#[utoipa::path(post, path = "/api/device/v1/enroll", tag = "devices",
    request_body = EnrollRequest,
    responses(
        (status = 200, description = "Enrolled: the device's id, venue and the key bundles are signed with", body = EnrollResponse),
        (status = 400, description = "Not an enrolment request, or not a public key", body = ErrorBody),
        (status = 403, description = "The code is unknown, used, expired, or replaced by a newer one", body = ErrorBody),
        (status = 429, description = "Too many failed codes from this address: wait 15 minutes", body = ErrorBody),
    ))]
pub async fn enroll(
    State(state): State<Shared>,
    ClientIp(client): ClientIp,
    body: Bytes,
) -> Result<Response, ApiError> {
    let now = crate::store::now();
    let subject = format!("enrol-ip:{client}");
    let failures = state
        .store
        .login_failures_since(&subject, now - crate::accounts::FAILURE_WINDOW)
        .await?;
    if failures >= MAX_ENROL_FAILURES {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed enrolments: wait 15 minutes",
        ));
    }
    let req: EnrollRequest = parse(&body)?;
    match sync::enroll(&state.store, &state.keys, &req, now).await {
        Ok(resp) => Ok(Json(resp).into_response()),
        Err(
            e @ (DeviceApiError::CodeUnknown
            | DeviceApiError::CodeUsed
            | DeviceApiError::CodeExpired
            | DeviceApiError::CodeReplaced),
        ) => {
            state.store.record_login_failure(&[subject], now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The bundle a device judges passes with, from its cursors on.
///
/// The request's `body` is a signed `BundleRequest` (JSON text), the answer's a signed `Bundle`
/// (signed by the server's bundle key from the enrolment).
#[utoipa::path(post, path = "/api/device/v1/bundle", tag = "devices",
    request_body(content = Envelope, description = "`body`: a BundleRequest as JSON text, signed by the device key"),
    responses(
        (status = 200, description = "`body`: a Bundle as JSON text, signed by the server's bundle key", body = Envelope),
        (status = 400, description = "Not a signed bundle request", body = ErrorBody),
        (status = 401, description = "Unknown or retired device, or a bad signature", body = ErrorBody),
    ))]
pub async fn bundle(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let envelope: Envelope = parse(&body)?;
    let now_ms = crate::store::now_ms();
    Ok(Json(sync::bundle(&state.store, &state.keys, &envelope, now_ms).await?).into_response())
}

/// Redemptions recorded offline, stored once each on (device, local id) and judged again.
#[utoipa::path(post, path = "/api/device/v1/upload", tag = "devices",
    request_body(content = Envelope, description = "`body`: an Upload as JSON text, signed by the device key"),
    responses(
        (status = 200, description = "What became of each item; a conflict is stored and flagged, never dropped", body = UploadResponse),
        (status = 400, description = "Not a signed upload, or over 10,000 items", body = ErrorBody),
        (status = 401, description = "Unknown or retired device, or a bad signature", body = ErrorBody),
        (status = 403, description = "The upload names another venue than the device's", body = ErrorBody),
    ))]
pub async fn upload(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let envelope: Envelope = parse(&body)?;
    let now_ms = crate::store::now_ms();
    Ok(Json(sync::upload(&state.store, &envelope, now_ms).await?).into_response())
}
