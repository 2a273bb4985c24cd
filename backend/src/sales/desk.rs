//! The sales desk: find a pay-at-pickup order by its code and mark it paid (the passes are issued
//! at once), or sell at the counter. The desk's sales point and commission are recorded.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use townpass_core::catalog::pick;

use crate::http::Shared;
use crate::http::forms::{CsrfForm, NoFields, trimmed};
use crate::http::web::{Ctx, WebError};
use crate::i18n::present;
use crate::sales::{self, LineRequest, OrderRequest};

const DESK_ROLES: &[&str] = &["desk", "admin"];

pub async fn page(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    ctx.require(DESK_ROLES)?;
    let lang = ctx.lang;
    let code = q
        .get("code")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let found = match &code {
        Some(c) => state.store.find_order_by_code(c).await?,
        None => None,
    };
    let products = state.store.products_on_sale().await?;
    let categories = state.store.categories().await?;
    // Every currency something is sold in, the main ones first.
    let mut currencies: Vec<townpass_core::money::Currency> = Vec::new();
    for c in products
        .iter()
        .map(|p| p.product.currency)
        .chain(products.iter().flat_map(|p| p.product.currencies()))
    {
        if !currencies.contains(&c) {
            currencies.push(c);
        }
    }
    let body = html! {
        h2 { (ctx.t("desk_find")) }
        form method="get" action="/desk" {
            label for="code" { (ctx.t("order_code")) }
            input id="code" name="code" value=(code.clone().unwrap_or_default()) autocomplete="off" placeholder="4F3A-9C00";
            button type="submit" { (ctx.t("desk_find_submit")) }
        }
        @if code.is_some() && found.is_none() { p.error role="alert" { (ctx.t("desk_not_found")) } }
        @if let Some(order) = &found {
            section.card #found {
                p { (ctx.t("order_code")) ": " span.code { (present::order_code(&order.public_id)) } }
                p { (ctx.t("order_total")) ": " strong { (crate::i18n::present::money_in(ctx.lang, order.total_minor, &order.currency)) } }
                p { (order.email.clone().unwrap_or_default()) }
                @if order.status == "pending" {
                    form method="post" action={ "/desk/orders/" (order.public_id) "/paid" } {
                        (ctx.csrf_field())
                        button type="submit" #mark-paid { (ctx.t("desk_mark_paid")) }
                    }
                } @else {
                    p.ok { (ctx.t("desk_already_paid")) " " a href={ "/o/" (order.public_id) } { (ctx.t("order_title")) } }
                }
            }
        }
        h2 { (ctx.t("desk_sell")) }
        form method="post" action="/desk/sell" {
            (ctx.csrf_field())
            label for="product" { (ctx.t("nav_shop")) }
            select id="product" name="product" {
                @for p in &products { option value=(p.product.code) { (present::name(&p.product.name, lang)) } }
            }
            label for="category" { (ctx.t("pass_category")) }
            select id="category" name="category" {
                @for c in &categories { option value=(c.code) { (pick(&c.name, lang)) } }
            }
            @if currencies.len() > 1 {
                label for="currency" { (ctx.t("buy_currency")) }
                select id="currency" name="currency" {
                    @for c in &currencies { option value=(c) { (c) } }
                }
            }
            label for="count" { (ctx.t("buy_quantity")) }
            input type="number" id="count" name="count" min="1" max="50" value="1";
            label for="email" { (ctx.t("buy_email")) }
            input type="email" id="email" name="email";
            button type="submit" { (ctx.t("desk_sell_submit")) }
        }
    };
    Ok(ctx.page(&ctx.t("desk_title"), body))
}

pub async fn mark_paid(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let user = ctx.require(DESK_ROLES)?;
    let order = state.store.order_by_public_id(&id).await?;
    if order.status != "pending" {
        return Err(WebError::BadRequest(ctx.t("desk_already_paid")));
    }
    if !sales::payable_at_pickup(&state.store, &order, state.web_pay_at_pickup).await? {
        return Err(WebError::BadRequest(ctx.t("desk_card_only")));
    }
    // A card payment the buyer started must not go through after the desk took the money: it is
    // cancelled first, and if it has just succeeded, the order is paid by card (nothing to take).
    if let Some(card) = &state.card
        && let Some((intent_id, _)) = state.store.card_intent(order.id).await?
    {
        match sales::card::stop_for_desk(&state, card, &order, &intent_id).await {
            Ok(true) => {
                return Ok((
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, format!("/o/{}", order.public_id))],
                )
                    .into_response());
            }
            Ok(false) => {}
            Err(why) => return Err(WebError::BadRequest(why)),
        }
    }
    let key = state
        .keys
        .ensure_active(&state.store, crate::store::now())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    sales::pay_order(
        &state.store,
        &key,
        &order,
        Some(user.id),
        crate::store::now(),
    )
    .await
    .map_err(|e| WebError::BadRequest(e.to_string()))?;
    tracing::info!(order = %present::order_code(&order.public_id), by = %user.email, "order marked paid at the desk");
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/o/{}", order.public_id))],
    )
        .into_response())
}

/// A sale at the counter.
#[derive(Debug, serde::Deserialize)]
pub struct SellForm {
    #[serde(default, deserialize_with = "trimmed")]
    product: String,
    #[serde(default, deserialize_with = "trimmed")]
    category: String,
    #[serde(default, deserialize_with = "trimmed")]
    count: String,
    #[serde(default, deserialize_with = "trimmed")]
    email: String,
    /// One the product is sold in; empty: its main one.
    #[serde(default, deserialize_with = "trimmed")]
    currency: String,
}

pub async fn sell(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<SellForm>,
) -> Result<Response, WebError> {
    let user = ctx.require(DESK_ROLES)?;
    let count: u32 = form
        .count
        .parse()
        .ok()
        .filter(|n| (1..=50).contains(n))
        .ok_or_else(|| WebError::BadRequest("the quantity is 1 to 50".into()))?;
    let sales_point = match user.sales_point_id {
        Some(id) => Some(state.store.sales_point_code(id).await?),
        None => None,
    };
    let req = OrderRequest {
        lines: vec![LineRequest {
            product: form.product,
            category: form.category,
            holder: None,
            count,
        }],
        email: Some(form.email).filter(|e| !e.is_empty()),
        language: ctx.lang.to_string(),
        channel: "desk",
        sales_point,
        payment_provider: "desk_cash".into(),
        currency: if form.currency.is_empty() {
            None
        } else {
            Some(
                form.currency
                    .parse()
                    .map_err(|e: String| WebError::BadRequest(e))?,
            )
        },
    };
    let now = crate::store::now();
    let key = state
        .keys
        .ensure_active(&state.store, now)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let order = sales::sell_at_desk(&state.store, &key, &req, user.id, now)
        .await
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/o/{}", order.public_id))],
    )
        .into_response())
}
