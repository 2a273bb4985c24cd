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
    let zone = state
        .store
        .operator_zone()
        .await
        .unwrap_or_else(|_| "UTC".into());
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { "Redemptions the server flagged (used twice, used after validity, revoked before the scan) are left out "
            "of payouts until you accept or reject them. Say why: the reason goes to the audit log." }
        @if flagged.is_empty() { p { "Nothing waits for review." } }
        @for f in &flagged {
            form.review method="post" action={ "/admin/flags/" (f.id) } {
                (ctx.csrf_field())
                p {
                    strong { (f.flag) } " · pass " code { (f.serial) } " · " (f.venue) " (" (f.device) ") · "
                    (crate::i18n::present::local_time(f.scanned_at / 1000, &zone))
                    @if let Some(o) = &f.offer { " · " (o) }
                    @if let Some(d) = &f.flag_detail { br; small { (d) } }
                }
                label for={ "reason-" (f.id) } { "Reason" }
                input id={ "reason-" (f.id) } name="reason" required;
                button type="submit" name="decision" value="accept" { "Accept for payout" }
                button type="submit" name="decision" value="reject" { "Reject" }
            }
        }
        h2 { "Audit log" }
        table {
            thead { tr { th { "When" } th { "Who" } th { "What" } th { "Subject" } th { "Why" } } }
            tbody {
                @for a in &log {
                    tr {
                        td { (crate::i18n::present::local_time(a.at, &zone)) }
                        td { (a.actor) } td { (a.action) } td { (a.subject) } td { (a.detail) }
                    }
                }
            }
        }
    };
    Ok(ctx.answer_page("Flagged redemptions", body, failed))
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
    let (accept, reason) = match decided(
        &form.decision,
        &form.reason,
        "say why: the reason goes to the audit log",
    ) {
        Ok(d) => d,
        Err(m) => return render_flags(&state, &ctx, Some(Err(m))).await,
    };
    let by = format!("admin:{}", user.email);
    let outcome = match state
        .store
        .review_redemption(id, accept, &reason, &by, crate::store::now())
        .await
    {
        Ok(()) => Ok(format!(
            "Redemption {id} {}. It counts in the next settlement (an adjustment if its month is closed).",
            if accept {
                "accepted for payout"
            } else {
                "rejected"
            }
        )),
        Err(StoreError::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    render_flags(&state, &ctx, Some(outcome)).await
}
