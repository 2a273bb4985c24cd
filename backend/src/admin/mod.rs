//! The operator's page: revoke a pass (refund, loss, fraud), and see the issuer keys and the mail
//! outbox at a glance. Catalogue editing stays in the TOML file for now (`townpass catalog apply`).

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::http::Shared;
use serde::Deserialize;

use crate::http::forms::{CsrfForm, checkbox, trimmed};
use crate::http::web::{Ctx, WebError};

pub async fn page(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render(&state, &ctx, None, None).await
}

async fn render(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
    shown: Option<Markup>,
) -> Result<Response, WebError> {
    let keys = state.store.keys().await?;
    let devices = state.store.devices().await?;
    let venues = state
        .store
        .load_catalogue()
        .await?
        .map(|c| c.venues)
        .unwrap_or_default();
    let outbox = state.store.outbox().await?;
    let waiting = outbox.iter().filter(|m| m.sent_at.is_none()).count();
    let failing: Vec<_> = outbox
        .iter()
        .filter(|m| m.sent_at.is_none() && m.last_error.is_some())
        .collect();
    let body = html! {
        (crate::http::web::outcome(&message))
        @if let Some(shown) = shown { (shown) }
        p { a href="/admin/settlement" { "Settlement: statements per month" } " · " a href="/admin/flags" { "Flagged redemptions and the audit log" } " · " a href="/admin/disputes" { "Disputes" } " · " a href="/admin/consortium" { "Consortium figures" } " · " a href="/admin/rates" { "Exchange rates" } }
        h2 { "Revoke a pass" }
        p { "Refund, loss or fraud: scanners refuse the pass after their next sync. A pass revoked before without a refund can be refunded here later." }
        form method="post" action="/admin/revoke" {
            (ctx.csrf_field())
            label for="serial" { "Pass number (16 hex digits)" }
            input id="serial" name="serial" required pattern="[0-9a-fA-F]{16}" autocomplete="off";
            label for="reason" { "Reason" }
            input id="reason" name="reason" required;
            label { input type="checkbox" name="refund" value="on"; " Refund this pass: its price goes back to the buyer's card now if it was paid by card (if the refund fails, nothing changes); for a desk payment, give the money back at the desk. Nobody is paid for a refunded pass." }
            button type="submit" { "Revoke" }
        }
        h2 { "Venue devices" }
        p { "A one-time enrolment code, valid 24 hours, for a scanner at a venue: on the device run "
            code { "townpass-scan enroll --server URL --code CODE" } "." }
        form method="post" action="/admin/devices" {
            (ctx.csrf_field())
            label for="venue" { "Venue" }
            select id="venue" name="venue" {
                @for v in &venues { option value=(v.code) { (crate::i18n::present::name(&v.name, ctx.lang)) } }
            }
            label for="device-name" { "Device name (e.g. Gate 2)" }
            input id="device-name" name="name" required maxlength="60";
            button type="submit" { "Make an enrolment code" }
        }
        table {
            tr { th { "venue" } th { "device" } th { "status" } th { "last seen" } th { "clock offset" } th { "no internet?" } }
            @for d in &devices {
                tr { td { (d.venue) } td { (d.name) } td { (d.status) }
                     td { (d.last_seen_at.map(|t| crate::i18n::present::local_time(t, "UTC")).unwrap_or_else(|| "never".into())) }
                     td { (d.clock_offset_ms.map(|o| format!("{:+.1} s", o as f64 / 1000.0)).unwrap_or_default()) }
                     td { @if d.status == "active" { a href={ "/admin/devices/" (d.id) "/bundle" } download { "bundle file" } } } }
            }
        }
        h3 { "Redemptions by file" }
        p { "For a venue with no internet: load the file written by " code { "townpass-scan export FILE" }
            ". It is checked like an online upload; loading it twice adds nothing. Then give the device its "
            "bundle file (above) for " code { "townpass-scan import FILE" } "." }
        form #import-form method="post" action="/admin/devices/import" data-csrf=(ctx.csrf.as_deref().unwrap_or("")) {
            label for="import-file" { "Redemptions file" }
            input #import-file type="file" accept=".json,application/json" required;
            button type="submit" { "Load redemptions" }
            p #import-result role="status" {}
        }
        script { (maud::PreEscaped(IMPORT_SCRIPT)) }
        h2 { "Issuer keys" }
        table {
            tr { th { "kid" } th { "status" } th { "passes valid until" } }
            @for k in &keys {
                tr { td.code { (k.kid) } td { (k.status) }
                     td { (k.last_pass_expires_at.map(|t| crate::i18n::present::local_time(t, "UTC")).unwrap_or_else(|| "-".into())) } }
            }
        }
        h2 { "Mail" }
        p { (outbox.len()) " messages, " (waiting) " waiting" }
        @for m in failing {
            p.note { (m.recipient) ": " (m.attempts) " attempts, last error: " (m.last_error.clone().unwrap_or_default()) }
        }
    };
    Ok(ctx.page("Operator", body))
}

/// Sends the chosen file as the request body (no multipart parser on the server) with the
/// session's CSRF token in a header, and shows the answer.
pub const IMPORT_SCRIPT: &str = r#"
document.getElementById('import-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target, out = document.getElementById('import-result');
  const file = document.getElementById('import-file').files[0];
  if (!file) return;
  out.textContent = 'Loading…';
  const r = await fetch(form.action, {method: 'POST', body: file,
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': form.dataset.csrf}});
  const j = await r.json().catch(() => ({}));
  out.textContent = r.ok
    ? `Device ${j.device_id}: ${j.stored} stored (${j.flagged} flagged for review), ${j.duplicates} already held.`
    : (j.error && j.error.message) || `Refused (${r.status}).`;
});
"#;

/// The page again with the form's outcome on top; a refused form answers 422.
async fn answer(
    state: &Shared,
    ctx: &Ctx,
    outcome: Result<String, String>,
) -> Result<Response, WebError> {
    let failed = outcome.is_err();
    let mut response = render(state, ctx, Some(outcome), None).await?;
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Revoke a pass: its number, why, and whether the buyer got the money back.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default, deserialize_with = "trimmed")]
    serial: String,
    #[serde(default, deserialize_with = "trimmed")]
    reason: String,
    #[serde(default, deserialize_with = "checkbox")]
    refund: bool,
}

pub async fn revoke(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let RevokeForm {
        serial,
        reason,
        refund,
    } = form;
    let serial = serial.to_lowercase();
    let outcome = match (serial.parse::<townpass_core::Serial>(), reason.is_empty()) {
        (Err(e), _) => Err(e),
        (_, true) => Err("say why the pass is revoked".to_string()),
        (Ok(serial), false) => {
            match crate::sales::refund::revoke(
                &state.store,
                state.card.as_deref(),
                &serial,
                &reason,
                refund,
                &user.email,
                crate::store::now(),
            )
            .await
            {
                Ok(done) => {
                    tracing::info!(%serial, by = %user.email, %reason, "pass revoked");
                    Ok(done.describe())
                }
                Err(crate::sales::refund::RevokeError::Store(e)) => return Err(e.into()),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    answer(&state, &ctx, outcome).await
}

/// A new device at a venue (the name is checked by `devices::add`).
#[derive(Debug, Deserialize)]
pub struct DeviceForm {
    #[serde(default, deserialize_with = "trimmed")]
    venue: String,
    #[serde(default)]
    name: String,
}

pub async fn add_device(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(DeviceForm { venue, name }): CsrfForm<DeviceForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let outcome = match crate::devices::add(&state.store, &venue, &name, crate::store::now()).await
    {
        Ok((device, code, _)) => {
            tracing::info!(device = device.id, venue = %device.venue, by = %user.email, "enrolment code made");
            let message = format!(
                "Enrolment code for {} at {}: {code} (valid 24 hours, once)",
                device.name, device.venue
            );
            // The same code as a link and its QR code: a phone at the venue opens the web
            // scanner with the code filled in.
            let link = format!(
                "{}/scan?code={}",
                state.base_url.trim_end_matches('/'),
                crate::devices::normalise_code(&code)
            );
            let qr = townpass_core::qr::QrMatrix::encode_text(&link)
                .map(|q| q.to_svg())
                .unwrap_or_default();
            let shown = html! {
                section #enrolment {
                    h2 { "Enrol " (device.name) " with a phone" }
                    p { "Open this link on the phone at the venue, or scan the QR code with its camera: the web scanner opens with the code filled in. "
                        "Or type the code into " code { "/scan" } " or " code { "townpass-scan enroll" } "." }
                    p { a #enrolment-link href=(link) { (link) } }
                    div.qr #enrolment-qr { (maud::PreEscaped(qr)) }
                    p.big #enrolment-code { (code) }
                }
            };
            let mut response = render(&state, &ctx, Some(Ok(message)), Some(shown)).await?;
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            return Ok(response);
        }
        Err(
            e @ (crate::devices::DeviceError::BadName
            | crate::devices::DeviceError::Store(crate::store::StoreError::NotFound(_))),
        ) => Err(e.to_string()),
        Err(e) => return Err(WebError::Internal(e.to_string())),
    };
    answer(&state, &ctx, outcome).await
}
