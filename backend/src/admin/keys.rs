//! The issuer keys in the browser: list, rotate and revoke, each irreversible step after a page
//! that says what happens to the passes.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::http::Shared;
use crate::http::forms::{CsrfForm, trimmed};
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::local_time_in;

#[derive(Debug, Deserialize)]
pub struct Done {
    rotated: Option<String>,
    revoked: Option<String>,
}

pub async fn keys(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    // After a rotation or revocation (redirected here): what was done, for a key that exists.
    let known = |kid: &Option<String>| {
        kid.as_ref()
            .filter(|k| k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric()))
            .cloned()
    };
    let message = match (known(&done.rotated), known(&done.revoked)) {
        (Some(kid), _) => Some(Ok(ctx.tf("adm_keys_rotated", &[("kid", &kid)]))),
        (_, Some(kid)) => Some(Ok(ctx.tf("adm_keys_revoked", &[("kid", &kid)]))),
        _ => None,
    };
    render(&state, &ctx, message).await
}

fn status_word(ctx: &Ctx, status: &str) -> String {
    ctx.t(&format!("adm_key_status_{status}"))
}

async fn render(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let now = crate::store::now();
    let rows = state.store.keys().await?;
    let zone = state.store.settlement_catalogue().await?.operator_zone;
    let mut counted = Vec::with_capacity(rows.len());
    for r in rows {
        let n = state.store.passes_of_key(&r.kid, now).await?;
        counted.push((r, n));
    }
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_keys_intro")) }
        div.scroll { table #issuer-keys {
            thead { tr { th { (ctx.t("adm_col_key")) } th { (ctx.t("col_status")) } th { (ctx.t("adm_api_created")) } th.num { (ctx.t("adm_keys_passes")) } th { (ctx.t("adm_col_valid_until")) } th {} } }
            tbody {
                @for (k, (all, valid)) in &counted {
                    tr {
                        td.code { (k.kid) }
                        td { (status_word(ctx, &k.status))
                             @if let Some(why) = &k.revoke_reason { br; small { (why) } } }
                        td { (local_time_in(ctx.lang, k.created_at, &zone)) }
                        td.num { (ctx.tf("adm_keys_count", &[("all", &all.to_string()), ("valid", &valid.to_string())])) }
                        td { (k.last_pass_expires_at.map(|t| local_time_in(ctx.lang, t, &zone)).unwrap_or_else(|| "—".into())) }
                        td { @if k.status != "revoked" {
                            form method="post" action={ "/admin/keys/" (k.kid) "/revoke" } {
                                (ctx.csrf_field())
                                label for={ "why-" (k.kid) } { (ctx.t("adm_reason")) }
                                input id={ "why-" (k.kid) } name="reason" required maxlength="200";
                                button.secondary type="submit" { (ctx.t("adm_api_revoke")) }
                            }
                        } }
                    }
                }
            }
        } }
        form method="post" action="/admin/keys/rotate" {
            (ctx.csrf_field())
            button.secondary type="submit" { (ctx.t("adm_keys_rotate")) }
        }
    };
    Ok(ctx.answer_page(&ctx.t("adm_keys_title"), body, failed))
}

#[derive(Debug, Deserialize)]
pub struct Confirmed {
    #[serde(default)]
    confirmed: String,
    #[serde(default, deserialize_with = "trimmed")]
    reason: String,
}

/// A new active key after a page that says what happens: the old one is retired, still trusted
/// for its passes.
pub async fn rotate(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<Confirmed>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    if form.confirmed != "yes" {
        let body = html! {
            div.irreversible role="alert" {
                p { strong { (ctx.t("adm_keys_rotate_confirm")) } }
                form method="post" action="/admin/keys/rotate" {
                    (ctx.csrf_field())
                    input type="hidden" name="confirmed" value="yes";
                    button.danger type="submit" { (ctx.t("adm_keys_rotate_button")) }
                    " "
                    a.button.secondary href="/admin/keys" { (ctx.t("adm_cancel")) }
                }
            }
        };
        return Ok(ctx.page(&ctx.t("adm_keys_rotate_title"), body));
    }
    let key = state
        .keys
        .rotate(&state.store, crate::store::now())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    tracing::info!(kid = %key.kid(), by = %me.email, "issuer key rotated");
    // Redirected, so a reload does not rotate again.
    Ok(axum::response::Redirect::to(&format!("/admin/keys?rotated={}", key.kid())).into_response())
}

/// Revokes a key after a page that says how many passes stop working.
pub async fn revoke(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(kid): Path<String>,
    CsrfForm(form): CsrfForm<Confirmed>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let kid = kid.trim().to_lowercase();
    let Some(row) = state.store.keys().await?.into_iter().find(|k| k.kid == kid) else {
        return Err(WebError::NotFound);
    };
    if row.status == "revoked" {
        let m = ctx.tf("adm_keys_revoked_already", &[("kid", &kid)]);
        return render(&state, &ctx, Some(Err(m))).await;
    }
    if form.reason.is_empty() {
        let m = ctx.t("adm_keys_reason_needed");
        return render(&state, &ctx, Some(Err(m))).await;
    }
    let reason: String = form.reason.chars().take(200).collect();
    let now = crate::store::now();
    if form.confirmed != "yes" {
        let (all, valid) = state.store.passes_of_key(&kid, now).await?;
        let body = html! {
            div.irreversible role="alert" {
                p { strong { (ctx.tf("adm_keys_revoke_confirm", &[("kid", &kid), ("all", &all.to_string()), ("valid", &valid.to_string())])) } }
                @if row.status == "active" { p { (ctx.t("adm_keys_revoke_active")) } }
                p { (ctx.t("adm_reason")) ": " (reason) }
                form method="post" action={ "/admin/keys/" (kid) "/revoke" } {
                    (ctx.csrf_field())
                    input type="hidden" name="reason" value=(reason);
                    input type="hidden" name="confirmed" value="yes";
                    button.danger type="submit" { (ctx.t("adm_keys_revoke_button")) }
                    " "
                    a.button.secondary href="/admin/keys" { (ctx.t("adm_cancel")) }
                }
            }
        };
        return Ok(ctx.page(&ctx.tf("adm_keys_revoke_title", &[("kid", &kid)]), body));
    }
    state.store.revoke_key(&kid, &reason, now).await?;
    tracing::info!(%kid, by = %me.email, %reason, "issuer key revoked");
    // Sales go on: a new active key is made at once if the revoked one was active.
    state
        .keys
        .ensure_active(&state.store, now)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(axum::response::Redirect::to(&format!("/admin/keys?revoked={kid}")).into_response())
}
