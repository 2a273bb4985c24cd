//! The operator's page: revoke a pass (refund, loss, fraud), and see the issuer keys and the mail
//! outbox at a glance; links to the other operator pages (catalogue, people, settlement, ...).

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

pub mod catalogue;
pub mod keys;
pub mod people;
pub mod search;

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
        form method="get" action="/admin/search" role="search" {
            label for="home-q" { (ctx.t("adm_search_label")) }
            input #home-q type="search" name="q" required maxlength="200" placeholder=(ctx.t("adm_search_placeholder"));
            button type="submit" { (ctx.t("adm_search_submit")) }
        }
        p { a href="/admin/catalogue" { (ctx.t("cat_title")) } " · " a href="/admin/settlement" { (ctx.t("adm_link_settlement")) } " · " a href="/admin/flags" { (ctx.t("adm_link_flags")) } " · " a href="/admin/disputes" { (ctx.t("adm_link_disputes")) } " · " a href="/admin/consortium" { (ctx.t("adm_link_consortium")) } " · " a href="/admin/rates" { (ctx.t("adm_rates_link")) } " · " a href="/admin/payouts" { (ctx.t("adm_payouts_title")) } " · " a href="/admin/users" { (ctx.t("adm_users_title")) } " · " a href="/admin/api-keys" { (ctx.t("adm_keys_api_title")) } }
        h2 { (ctx.t("adm_revoke_title")) }
        p { (ctx.t("adm_revoke_intro")) }
        form method="post" action="/admin/revoke" {
            (ctx.csrf_field())
            label for="serial" { (ctx.t("adm_pass_number")) }
            input id="serial" name="serial" required pattern="[0-9a-fA-F]{16}" autocomplete="off";
            label for="reason" { (ctx.t("adm_reason")) }
            input id="reason" name="reason" required;
            label { input type="checkbox" name="refund" value="on"; " " (ctx.t("adm_refund_check")) }
            button type="submit" { (ctx.t("adm_revoke_submit")) }
        }
        h2 { (ctx.t("adm_devices_title")) }
        p { (ctx.t("adm_devices_intro")) " " code { "townpass-scan enroll --server URL --code CODE" } }
        form method="post" action="/admin/devices" {
            (ctx.csrf_field())
            label for="venue" { (ctx.t("adm_venue")) }
            select id="venue" name="venue" {
                @for v in &venues { option value=(v.code) { (crate::i18n::present::name(&v.name, ctx.lang)) } }
            }
            label for="device-name" { (ctx.t("adm_device_name")) }
            input id="device-name" name="name" required maxlength="60";
            button type="submit" { (ctx.t("adm_device_submit")) }
        }
        div.scroll { table {
            tr { th { (ctx.t("adm_venue")) } th { (ctx.t("adm_col_device")) } th { (ctx.t("col_status")) } th { (ctx.t("adm_col_last_seen")) } th { (ctx.t("adm_col_clock")) } th { (ctx.t("adm_col_offline")) } }
            @for d in &devices {
                tr { td { (venues.iter().find(|v| v.code == d.venue).map_or_else(|| d.venue.clone(), |v| crate::i18n::present::name(&v.name, ctx.lang))) } td { (d.name) } td { (ctx.t(&format!("adm_device_status_{}", d.status))) }
                     td { (d.last_seen_at.map(|t| crate::i18n::present::local_time_in(ctx.lang, t, "UTC")).unwrap_or_else(|| ctx.t("adm_never"))) }
                     td { (d.clock_offset_ms.map(|o| format!("{:+.1} s", o as f64 / 1000.0)).unwrap_or_default()) }
                     td { @if d.status == "active" { a href={ "/admin/devices/" (d.id) "/bundle" } download { (ctx.t("adm_bundle_file")) } } } }
            }
        } }
        h3 { (ctx.t("adm_by_file_title")) }
        p { (ctx.t("adm_by_file_intro")) }
        form #import-form method="post" action="/admin/devices/import" data-csrf=(ctx.csrf.as_deref().unwrap_or("")) {
            label for="import-file" { (ctx.t("adm_file_label")) }
            input #import-file type="file" accept=".json,application/json" required;
            button type="submit" { (ctx.t("adm_file_submit")) }
            p #import-result role="status" {}
        }
        script { (maud::PreEscaped(IMPORT_SCRIPT)) }
        h2 { (ctx.t("adm_keys_title")) " " small { a href="/admin/keys" { (ctx.t("adm_keys_manage")) } } }
        div.scroll { table {
            tr { th { (ctx.t("adm_col_key")) } th { (ctx.t("col_status")) } th { (ctx.t("adm_col_valid_until")) } }
            @for k in &keys {
                tr { td.code { (k.kid) } td { (ctx.t(&format!("adm_key_status_{}", k.status))) }
                     td { (k.last_pass_expires_at.map(|t| crate::i18n::present::local_time_in(ctx.lang, t, "UTC")).unwrap_or_else(|| "-".into())) } }
            }
        } }
        h2 { (ctx.t("adm_mail_title")) }
        p { (ctx.tf("adm_mail_count", &[("total", &outbox.len().to_string()), ("waiting", &waiting.to_string())])) }
        @for m in failing {
            p.note { (ctx.tf("adm_mail_failing", &[("to", &m.recipient), ("n", &m.attempts.to_string()), ("error", &m.last_error.clone().unwrap_or_default())])) }
        }
    };
    Ok(ctx.page(&ctx.t("adm_home_title"), body))
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
    /// `yes` once the operator has read what revoking does and asked again.
    #[serde(default)]
    confirmed: String,
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
        confirmed,
    } = form;
    let serial = serial.to_lowercase();
    let outcome = match (serial.parse::<townpass_core::Serial>(), reason.is_empty()) {
        (Err(e), _) => Err(e),
        (_, true) => Err("say why the pass is revoked".to_string()),
        (Ok(serial), false) if confirmed != "yes" => {
            return confirm_revoke(&state, &ctx, &serial.to_string(), &reason, refund).await;
        }
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

/// Revoking a pass can never be undone: this page shows the pass and what will happen, and asks
/// again (a form, no script). An unknown or already revoked pass is refused at once.
async fn confirm_revoke(
    state: &Shared,
    ctx: &Ctx,
    serial: &str,
    reason: &str,
    refund: bool,
) -> Result<Response, WebError> {
    let pass = match state.store.pass(serial).await {
        Ok(p) => p,
        Err(crate::store::StoreError::NotFound(_)) => {
            return answer(
                state,
                ctx,
                Err(ctx.tf("adm_revoke_unknown", &[("serial", serial)])),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let revoked = pass.revoked_at.is_some();
    if revoked && !refund {
        return answer(
            state,
            ctx,
            Err(ctx.tf("adm_revoke_already", &[("serial", serial)])),
        )
        .await;
    }
    let product = state.store.product_by_id(pass.product_id).await?;
    let order = state.store.order_by_id(pass.order_id).await?;
    let product_name = crate::i18n::present::name(&product.product.name, ctx.lang);
    let price = crate::i18n::present::money_in(ctx.lang, pass.price_minor, &pass.currency);
    let body = html! {
        div.irreversible role="alert" {
            @if !revoked { p { strong { (ctx.tf("adm_revoke_confirm", &[("serial", serial)])) } } }
            @if refund { p { strong { (ctx.tf("adm_revoke_confirm_refund", &[("amount", &price)])) } } }
            div.scroll { table {
                tr { th { (ctx.t("adm_pass_number")) } td.code { (serial) } }
                tr { th { (ctx.t("adm_revoke_product")) } td { (product_name) } }
                tr { th { (ctx.t("adm_revoke_holder")) } td { (pass.holder.as_deref().unwrap_or("—")) } }
                tr { th { (ctx.t("adm_revoke_order")) } td { (crate::i18n::present::order_code(&order.public_id)) } }
                tr { th { (ctx.t("adm_revoke_price")) } td { (price) } }
                tr { th { (ctx.t("adm_reason")) } td { (reason) } }
            } }
            form method="post" action="/admin/revoke" {
                (ctx.csrf_field())
                input type="hidden" name="serial" value=(serial);
                input type="hidden" name="reason" value=(reason);
                @if refund { input type="hidden" name="refund" value="on"; }
                input type="hidden" name="confirmed" value="yes";
                button.danger type="submit" { (ctx.t("adm_revoke_confirm_button")) }
                " "
                a.button.secondary href="/admin" { (ctx.t("adm_cancel")) }
            }
        }
    };
    Ok(ctx.page(
        &ctx.tf("adm_revoke_confirm_title", &[("serial", serial)]),
        body,
    ))
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
            let venue_name = state
                .store
                .load_catalogue()
                .await?
                .and_then(|c| c.venues.into_iter().find(|v| v.code == device.venue))
                .map_or_else(
                    || device.venue.clone(),
                    |v| crate::i18n::present::name(&v.name, ctx.lang),
                );
            let message = ctx.tf(
                "adm_enrol_made",
                &[
                    ("device", &device.name),
                    ("venue", &venue_name),
                    ("code", &code),
                ],
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
                    h2 { (ctx.tf("adm_enrol_title", &[("device", &device.name)])) }
                    p { (ctx.t("adm_enrol_intro")) " " code { "/scan" } " · " code { "townpass-scan enroll" } }
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
