//! Disputes as the operator sees them: a partner's objection to a statement line, accepted (a credit
//! in the next open month) or rejected, with the reason written back to the partner.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use crate::http::Shared;
use crate::http::forms::{CsrfForm, trimmed};
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::money_in;
use crate::store::StoreError;

pub async fn disputes(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    render_disputes(&state, &ctx, None).await
}

async fn render_disputes(
    state: &Shared,
    ctx: &Ctx,
    message: Option<Result<String, String>>,
) -> Result<Response, WebError> {
    let all = state.store.disputes().await?;
    let zone = state
        .store
        .operator_zone()
        .await
        .unwrap_or_else(|_| "UTC".into());
    let failed = matches!(message, Some(Err(_)));
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("adm_disputes_intro")) }
        @if all.is_empty() { p { (ctx.t("adm_disputes_none")) } }
        @for d in &all {
            section.statement {
                p {
                    strong { (ctx.tf("adm_dispute_head", &[("id", &d.id.to_string())])) } " · " (d.party) " · " (d.period) " " (d.currency) " · " (d.status)
                    br; small { (ctx.tf("adm_dispute_line", &[("line", &d.line_key), ("who", &d.opened_by), ("when", &crate::i18n::present::local_time_in(ctx.lang, d.opened_at, &zone))])) }
                }
                blockquote { (d.comment) }
                @if d.status == "open" {
                    form method="post" action={ "/admin/disputes/" (d.id) } {
                        (ctx.csrf_field())
                        label for={ "credit-" (d.id) } { (ctx.tf("adm_dispute_credit", &[("currency", &d.currency)])) }
                        input id={ "credit-" (d.id) } name="credit" inputmode="decimal";
                        label for={ "answer-" (d.id) } { (ctx.t("adm_dispute_answer")) }
                        input id={ "answer-" (d.id) } name="answer" required;
                        button type="submit" name="decision" value="accept" { (ctx.t("adm_accept")) }
                        button type="submit" name="decision" value="reject" { (ctx.t("adm_reject")) }
                    }
                } @else {
                    p { (ctx.tf("adm_dispute_answered", &[("answer", d.answer.as_deref().unwrap_or(""))]))
                        @if let Some(c) = d.credit_minor { " · " (ctx.tf("adm_dispute_credited", &[("amount", &money_in(ctx.lang, c, &d.currency))])) } }
                }
            }
        }
    };
    Ok(ctx.answer_page(&ctx.t("adm_link_disputes"), body, failed))
}

/// Accept or reject, with a required text (the reason, or the answer to the partner).
pub fn decided(decision: &str, text: &str, missing: &str) -> Result<(bool, String), String> {
    let accept = match decision {
        "accept" => true,
        "reject" => false,
        _ => return Err("choose accept or reject".into()),
    };
    if text.is_empty() {
        return Err(missing.to_string());
    }
    Ok((accept, text.to_string()))
}

/// The operator's answer to a dispute, and an optional credit.
#[derive(Debug, serde::Deserialize)]
pub struct DisputeAnswer {
    #[serde(default)]
    decision: String,
    #[serde(default, deserialize_with = "trimmed")]
    answer: String,
    #[serde(default, deserialize_with = "trimmed")]
    credit: String,
}

/// "12.50" in a currency's minor units (1250); "12" and "12.5" too. `None` if it is not an amount.
pub fn parse_amount(text: &str, exponent: u32) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > exponent as usize
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let unit = 10i64.checked_pow(exponent)?;
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_minor: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10i64.pow(exponent - frac.len() as u32)
    };
    whole.checked_mul(unit)?.checked_add(frac_minor)
}

pub async fn resolve_dispute(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DisputeAnswer>,
) -> Result<Response, WebError> {
    let user = ctx.require(&["admin"])?;
    let (accept, answer) = match decided(&form.decision, &form.answer, &ctx.t("adm_dispute_write"))
    {
        Ok(d) => d,
        Err(m) => return render_disputes(&state, &ctx, Some(Err(m))).await,
    };
    let currency = state
        .store
        .dispute(id)
        .await?
        .ok_or(WebError::NotFound)?
        .currency;
    let exponent = currency
        .parse::<townpass_core::money::Currency>()
        .map_or(2, |c| c.exponent());
    let credit = match Some(form.credit.as_str()).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => match parse_amount(text, exponent) {
            Some(minor) => Some(minor),
            None => {
                return render_disputes(
                    &state,
                    &ctx,
                    Some(Err(format!(
                        "'{text}' is not an amount in {currency}, e.g. 12.50"
                    ))),
                )
                .await;
            }
        },
    };
    let by = format!("admin:{}", user.email);
    let outcome = match state
        .store
        .resolve_dispute(id, accept, credit, &answer, &by, crate::store::now())
        .await
    {
        Ok(()) => Ok(ctx.tf("adm_dispute_done", &[("id", &id.to_string())])),
        Err(StoreError::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    render_disputes(&state, &ctx, Some(outcome)).await
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn amounts_are_read_exactly_into_minor_units() {
        assert_eq!(parse_amount("12.50", 2), Some(1250));
        assert_eq!(parse_amount("12,5", 2), Some(1250));
        assert_eq!(parse_amount("12", 2), Some(1200));
        assert_eq!(parse_amount(".05", 2), Some(5));
        assert_eq!(parse_amount("1200", 0), Some(1200));
        assert_eq!(parse_amount("1.234", 2), None);
        assert_eq!(parse_amount("-3", 2), None);
        assert_eq!(parse_amount("abc", 2), None);
        assert_eq!(parse_amount("", 2), None);
    }
}
