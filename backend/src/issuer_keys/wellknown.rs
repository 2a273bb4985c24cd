//! `GET /.well-known/townpass/keys`: every issuer public key with its kid, status and dates, in a
//! JWK-like shape (OKP / Ed25519 / base64url `x`) so any COSE library can verify a pass.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;

use crate::http::Shared;
use crate::issuer_keys::public_of;

#[derive(Serialize)]
struct PublishedKey {
    kid: String,
    status: String,
    kty: &'static str,
    crv: &'static str,
    alg: &'static str,
    cose_alg: i64,
    /// The raw 32-byte public key, base64url without padding (JWK `x`).
    x: String,
    public_key_hex: String,
    created_at: i64,
    retired_at: Option<i64>,
    revoked_at: Option<i64>,
    /// The latest expiry of a pass this key signed: it stays trusted (unless revoked) until then.
    passes_valid_until: Option<i64>,
}

#[derive(Serialize)]
struct KeysDocument {
    format: &'static str,
    keys: Vec<PublishedKey>,
}

pub async fn keys(State(state): State<Shared>) -> Response {
    let rows = match state.store.keys().await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "listing keys");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let mut keys = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(public) = public_of(&row) else {
            tracing::error!(kid = %row.kid, "stored public key is invalid; not published");
            continue;
        };
        keys.push(PublishedKey {
            x: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public.to_bytes()),
            public_key_hex: row.public_key,
            kid: row.kid,
            status: row.status,
            kty: "OKP",
            crv: "Ed25519",
            alg: "Ed25519",
            cose_alg: -19,
            created_at: row.created_at,
            retired_at: row.retired_at,
            revoked_at: row.revoked_at,
            passes_valid_until: row.last_pass_expires_at,
        });
    }
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(KeysDocument {
            format: "TP1 (COSE_Sign1, Ed25519, base45)",
            keys,
        }),
    )
        .into_response()
}
