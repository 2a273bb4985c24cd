//! Flagged redemptions (conflicts an upload could not settle by itself) and the operator's review:
//! every decision, with its reason, goes to the audit log.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use crate::http::Shared;
use crate::http::web::{Ctx, WebError};
use crate::store::StoreError;

use super::disputes::decided;
use crate::http::forms::CsrfForm;
use crate::http::forms::trimmed;

pub async fn flags(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_flags(&state, &ctx, None).await
}

async fn render_flags(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let flagged = state.store.flagged_redemptions(200).await?;
    let log = state.store.audit_log(50).await?;
    let venue_names: std::collections::HashMap<String, String> = state
        .store
        .load_catalogue()
        .await?
        .map(|c| {
            c.venues
                .into_iter()
                .map(|v| {
                    (
                        v.code.clone(),
                        crate::i18n::present::name(&v.name, ctx.lang),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let zone = state
        .store
        .operator_zone()
        .await
        .unwrap_or_else(|_| "UTC".into());
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_flags_intro")) }
        @if flagged.is_empty() { p { (ctx.t("adm_flags_none")) } }
        @for f in &flagged {
            form.review method="post" action={ "/admin/flags/" (f.id) } {
                (ctx.csrf_field())
                p {
                    strong { (word_in(ctx, "flag_", &f.flag)) } " · " a href={ "/admin/passes/" (f.serial) } { code { (f.serial) } } " · " (venue_names.get(&f.venue).cloned().unwrap_or_else(|| f.venue.clone())) " (" (f.device) ") · "
                    (crate::i18n::present::local_time_in(ctx.lang, f.scanned_at / 1000, &zone))
                    @if let Some(o) = &f.offer { " · " (o) }
                    @if let Some(d) = &f.flag_detail { br; small { (d) } }
                }
                label for={ "reason-" (f.id) } { (ctx.t("adm_reason")) }
                input id={ "reason-" (f.id) } name="reason" required;
                button type="submit" name="decision" value="accept" { (ctx.t("adm_flag_accept")) }
                button type="submit" name="decision" value="reject" { (ctx.t("adm_reject")) }
            }
        }
        h2 { (ctx.t("adm_audit_title")) }
        div.scroll { table {
            thead { tr { th { (ctx.t("adm_col_when")) } th { (ctx.t("adm_col_who")) } th { (ctx.t("adm_col_what")) } th { (ctx.t("adm_col_subject")) } th { (ctx.t("adm_col_why")) } } }
            tbody {
                @for a in &log {
                    tr {
                        td { (crate::i18n::present::local_time_in(ctx.lang, a.at, &zone)) }
                        td { (a.actor.strip_prefix("admin:").unwrap_or(&a.actor)) } td { (audit_word(ctx, &a.action)) } td { (a.subject) } td { (a.detail) }
                    }
                }
            }
        } }
    };
    Ok(ctx.answer_page(&ctx.t("adm_flags_title"), body, failed))
}

/// What an audit log entry records, in words (the code itself if the files have no words).
fn audit_word(ctx: &Ctx, action: &str) -> String {
    word_in(ctx, "audit_", action)
}

/// The words for `prefix` + `code`, else the code itself.
fn word_in(ctx: &Ctx, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}{code}");
    let word = ctx.t(&key);
    if word == key { code.to_string() } else { word }
}

/// The operator's decision on a flagged redemption, with its reason for the audit log.
#[derive(Debug, serde::Deserialize)]
pub struct FlagReview {
    #[serde(default)]
    decision: String,
    #[serde(default, deserialize_with = "trimmed")]
    reason: String,
}

pub async fn review(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FlagReview>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let (accept, reason) = match decided(&form.decision, &form.reason, &ctx.t("adm_flag_said_why"))
    {
        Ok(d) => d,
        Err(m) => return render_flags(&state, &ctx, Some(Err(m))).await,
    };
    let by = format!("admin:{}", user.email);
    let outcome = match state
        .store
        .review_redemption(id, accept, &reason, &by, crate::store::now())
        .await
    {
        Ok(()) => Ok(ctx.tf(
            if accept {
                "adm_flag_accepted"
            } else {
                "adm_flag_rejected"
            },
            &[("id", &id.to_string())],
        )),
        Err(StoreError::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    render_flags(&state, &ctx, Some(outcome)).await
}
