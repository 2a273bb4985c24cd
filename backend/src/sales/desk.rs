//! The sales desk: find a pay-at-pickup order by its code and mark it paid (the passes are issued
//! at once), or sell at the counter. The desk's sales point and commission are recorded.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use townpass_core::catalog::pick;

use crate::http::Shared;
use crate::http::forms::{CsrfForm, Fields, NoFields};
use crate::http::web::{Ctx, WebError};
use crate::i18n::present;
use crate::sales::{self, LineRequest, OrderRequest};

const DESK_ROLES: &[&str] = &["desk", "admin"];

pub async fn page(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = ctx.require(DESK_ROLES)?;
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
    let category_name = |id: i64| {
        categories
            .iter()
            .find(|c| i64::from(c.id) == id)
            .map(|c| pick(&c.name, lang).to_string())
            .unwrap_or_default()
    };
    let product_name = |id: i64| {
        products
            .iter()
            .find(|p| p.id == id)
            .map(|p| present::name(&p.product.name, lang))
            .unwrap_or_default()
    };
    let found_lines = match &found {
        Some(order) => state.store.order_lines(order.id).await?,
        None => Vec::new(),
    };
    // The product being sold at the counter (chosen above the form), in the chosen currency.
    let chosen = q
        .get("product")
        .and_then(|c| products.iter().find(|p| &p.product.code == c))
        .or_else(|| products.first());
    let currency = chosen.map(|p| {
        q.get("currency")
            .and_then(|c| c.parse::<townpass_core::money::Currency>().ok())
            .filter(|c| p.product.prices_in(*c).is_some())
            .unwrap_or(p.product.currency)
    });
    // Today's sales of this desk, and the orders waiting to be paid at a desk.
    let cat = state.store.load_catalogue().await?;
    let zone = cat
        .as_ref()
        .and_then(|c| jiff::tz::TimeZone::get(&c.operator.time_zone).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let zone_name = cat
        .as_ref()
        .map_or_else(|| "UTC".to_string(), |c| c.operator.time_zone.clone());
    let midnight = jiff::Zoned::now()
        .with_time_zone(zone.clone())
        .start_of_day()
        .map(|z| z.timestamp().as_second())
        .unwrap_or_default();
    let today = state
        .store
        .desk_sales(user.sales_point_id, midnight)
        .await?;
    let pending = state.store.pending_orders(midnight - 7 * 86_400).await?;
    let mut by_method: std::collections::BTreeMap<(String, String), (usize, i64)> =
        Default::default();
    for o in &today {
        let e = by_method
            .entry((o.payment_provider.clone(), o.currency.clone()))
            .or_default();
        e.0 += 1;
        e.1 += o.total_minor;
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
                // What was ordered, so the clerk can check a child's or student's ID.
                div.scroll { table #found-lines {
                    thead { tr { th { (ctx.t("adm_revoke_product")) } th { (ctx.t("pass_category")) } th { (ctx.t("adm_revoke_holder")) } th.num { (ctx.t("buy_quantity")) } th.num { (ctx.t("col_amount")) } } }
                    tbody {
                        @for l in &found_lines {
                            tr {
                                td { (product_name(l.product_id)) }
                                td { strong { (category_name(l.category_id)) } }
                                td { (l.holder.as_deref().unwrap_or("—")) }
                                td.num { (l.quantity) }
                                td.num { (present::money_in(lang, l.price_minor * l.quantity, &order.currency)) }
                            }
                        }
                    }
                } }
                p { (ctx.t("order_total")) ": " strong { (present::money_in(lang, order.total_minor, &order.currency)) } }
                p { (order.email.clone().unwrap_or_default()) }
                @if order.status == "pending" {
                    p.note { (ctx.t("desk_check_categories")) }
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
        @if let (Some(p), Some(currency)) = (chosen, currency) {
            @let currencies = p.product.currencies();
            form method="get" action="/desk" {
                label for="product" { (ctx.t("nav_shop")) }
                select id="product" name="product" {
                    @for x in &products { option value=(x.product.code) selected[x.id == p.id] { (present::name(&x.product.name, lang)) } }
                }
                @if currencies.len() > 1 {
                    label for="desk-currency" { (ctx.t("buy_currency")) }
                    select id="desk-currency" name="currency" {
                        @for c in &currencies { option value=(c) selected[*c == currency] { (c) } }
                    }
                }
                button.secondary type="submit" { (ctx.t("desk_choose_product")) }
            }
            @let prices = p.product.prices_in(currency).unwrap_or(&p.product.prices);
            @let style = townpass_i18n::numbers::money_style(lang, currency.as_str());
            form.buy method="post" action="/desk/sell" data-currency=(currency.to_string()) data-digits=(currency.exponent())
                data-decimal=(style.decimal) data-group=(style.group) data-prefix=(style.prefix) data-suffix=(style.suffix) {
                (ctx.csrf_field())
                input type="hidden" name="product" value=(p.product.code);
                input type="hidden" name="currency" value=(currency);
                table {
                    tr { th { (ctx.t("prices_title")) } th {} th { (ctx.t("buy_quantity")) } }
                    @for c in categories.iter().filter(|c| prices.contains_key(&c.code)) {
                        tr {
                            td { label for={ "qty_" (c.code) } { (pick(&c.name, lang)) } }
                            td.price { (present::amount(lang, prices[&c.code], currency)) }
                            td { input type="number" id={ "qty_" (c.code) } name={ "qty_" (c.code) } min="0" max="50" inputmode="numeric" data-category=(c.code) data-price=(prices[&c.code]) value="0"; }
                        }
                    }
                }
                p.total #total aria-live="polite" data-label=(townpass_i18n::template(lang, "buy_total")) {}
                @for c in categories.iter().filter(|c| prices.contains_key(&c.code)) {
                    fieldset.names data-category=(c.code) data-max=(sales::MAX_HOLDER_CHARS) hidden
                        data-label=(ctx.tf("buy_name_label", &[("category", pick(&c.name, lang)), ("n", "{n}")])) {}
                }
                noscript {
                    label for="names" { (ctx.t("buy_names")) }
                    textarea id="names" name="names" rows="3" {}
                }
                label for="email" { (ctx.t("desk_customer_email")) }
                input type="email" id="email" name="email";
                button type="submit" { (ctx.t("desk_sell_submit")) }
            }
            script src="/assets/shop.js" {}
        } @else {
            p { (ctx.t("desk_nothing_on_sale")) }
        }
        h2 { (ctx.t("desk_today")) }
        @if today.is_empty() { p { (ctx.t("desk_today_none")) } }
        @else {
            div.scroll { table #today {
                thead { tr { th { (ctx.t("desk_payment")) } th.num { (ctx.t("desk_orders")) } th.num { (ctx.t("col_amount")) } } }
                tbody {
                    @for ((method, cur), (n, total)) in &by_method {
                        tr { td { (payment_word(&ctx, method)) } td.num { (n) } td.num { (present::money_in(lang, *total, cur)) } }
                    }
                }
            } }
            div.scroll { table #today-orders {
                thead { tr { th { (ctx.t("order_code")) } th { (ctx.t("adm_search_when")) } th { (ctx.t("desk_payment")) } th.num { (ctx.t("order_total")) } th {} } }
                tbody {
                    @for o in &today {
                        tr {
                            td.code { (present::order_code(&o.public_id)) }
                            td { (present::local_time_in(lang, o.paid_at.unwrap_or(o.created_at), &zone_name)) }
                            td { (payment_word(&ctx, &o.payment_provider)) }
                            td.num { (present::money_in(lang, o.total_minor, &o.currency)) }
                            td { a href={ "/desk/receipt/" (o.public_id) } { (ctx.t("desk_receipt")) } }
                        }
                    }
                }
            } }
        }
        h2 { (ctx.t("desk_pending")) }
        @if pending.is_empty() { p { (ctx.t("desk_pending_none")) } }
        @else {
            div.scroll { table #pending {
                thead { tr { th { (ctx.t("order_code")) } th { (ctx.t("adm_search_when")) } th.num { (ctx.t("order_total")) } } }
                tbody {
                    @for o in &pending {
                        tr {
                            td.code { a href={ "/desk?code=" (present::order_code(&o.public_id)) } { (present::order_code(&o.public_id)) } }
                            td { (present::local_time_in(lang, o.created_at, &zone_name)) }
                            td.num { (present::money_in(lang, o.total_minor, &o.currency)) }
                        }
                    }
                }
            } }
        }
    };
    let mut response = ctx.page(&ctx.t("desk_title"), body);
    // The sale form's own script file (/assets/shop.js: total, name fields), nothing inline.
    if let Ok(v) = header::HeaderValue::from_str(crate::http::headers::pass_page_policy()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(response)
}

/// How an order was paid, in words.
fn payment_word(ctx: &Ctx, provider: &str) -> String {
    match provider {
        "desk_cash" | "desk" => ctx.t("desk_paid_desk"),
        "stripe" | "card" => ctx.t("desk_paid_card"),
        other => other.to_string(),
    }
}

/// A receipt for an order paid at a desk: printable (the browser's print), with the passes' PDF.
pub async fn receipt(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require(DESK_ROLES)?;
    let lang = ctx.lang;
    let order = match state.store.order_by_public_id(&id).await {
        Ok(o) => o,
        Err(crate::store::StoreError::NotFound(_)) => return Err(WebError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let lines = state.store.order_lines(order.id).await?;
    let categories = state.store.categories().await?;
    let cat = state.store.load_catalogue().await?;
    let sales_point = match order.sales_point_id {
        Some(sp) => {
            let code = state.store.sales_point_code(sp).await?;
            cat.as_ref()
                .and_then(|c| c.sales_points.iter().find(|s| s.code == code))
                .map_or(code, |s| s.name.clone())
        }
        None => String::new(),
    };
    let operator = cat.as_ref().map(|c| c.operator.clone());
    let zone = operator
        .as_ref()
        .map_or_else(|| "UTC".to_string(), |o| o.time_zone.clone());
    let mut rows = Vec::new();
    for l in &lines {
        let product = state.store.product_by_id(l.product_id).await?;
        let category = categories
            .iter()
            .find(|c| i64::from(c.id) == l.category_id)
            .map(|c| pick(&c.name, lang).to_string())
            .unwrap_or_default();
        rows.push((
            present::name(&product.product.name, lang),
            category,
            l.holder.clone(),
            l.quantity,
            l.price_minor,
        ));
    }
    let body = html! {
        section.receipt #receipt {
            @if let Some(op) = &operator {
                p { strong { (op.name) } br;
                    @if let Some(a) = &op.address { (a.one_line()) br; }
                    @if let Some(v) = &op.vat_id { (ctx.tf("pdf_vat", &[("vat", v)])) }
                }
            }
            @if !sales_point.is_empty() { p { (ctx.tf("desk_receipt_at", &[("where", &sales_point)])) } }
            p { (ctx.t("order_code")) ": " span.code { (present::order_code(&order.public_id)) } br;
                (present::local_time_in(lang, order.paid_at.unwrap_or(order.created_at), &zone)) }
            div.scroll { table {
                thead { tr { th { (ctx.t("adm_revoke_product")) } th.num { (ctx.t("buy_quantity")) } th.num { (ctx.t("col_amount")) } } }
                tbody {
                    @for (product, category, holder, qty, price) in &rows {
                        tr {
                            td { (product) " · " (category) @if let Some(h) = holder { " · " (h) } }
                            td.num { (qty) " × " (present::money_in(lang, *price, &order.currency)) }
                            td.num { (present::money_in(lang, price * qty, &order.currency)) }
                        }
                    }
                }
            } }
            p.total { (ctx.t("order_total")) ": " (present::money_in(lang, order.total_minor, &order.currency)) }
            p { (ctx.t("desk_payment")) ": " (payment_word(&ctx, &order.payment_provider))
                @if order.status != "paid" { " — " strong { (ctx.t("adm_status_pending")) } } }
        }
        p.no-print {
            @if order.status == "paid" {
                a.button href={ "/o/" (order.public_id) "/passes.pdf" } { (ctx.t("order_pdf")) } " "
            }
            a.button.secondary href={ "/o/" (order.public_id) } { (ctx.t("desk_order_page")) } " "
            a.button.secondary href="/desk" { (ctx.t("desk_title")) }
        }
        p.no-print { small { (ctx.t("desk_receipt_print")) } }
    };
    Ok(ctx.page(&ctx.t("desk_receipt_title"), body))
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

/// A sale at the counter: one product, several categories with a name per pass (the buy form's
/// fields), or the older one-category form (`category`, `count`).
pub async fn sell(
    State(state): State<Shared>,
    ctx: Ctx,
    CsrfForm(Fields(form)): CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let user = ctx.require(DESK_ROLES)?;
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let product = field("product");
    let lines = if form.contains_key("category") {
        let count: u32 = field("count")
            .parse()
            .ok()
            .filter(|n| (1..=50).contains(n))
            .ok_or_else(|| WebError::BadRequest("the quantity is 1 to 50".into()))?;
        vec![LineRequest {
            product: product.clone(),
            category: field("category"),
            holder: None,
            count,
        }]
    } else {
        let p = state.store.product_by_code(&product).await?;
        sales::shop::form_lines(&product, p.product.prices.keys(), &form)?
    };
    if lines.is_empty() {
        return Err(WebError::BadRequest(ctx.t("error_nothing_chosen")));
    }
    let sales_point = match user.sales_point_id {
        Some(id) => Some(state.store.sales_point_code(id).await?),
        None => None,
    };
    let currency = field("currency");
    let email = field("email");
    let req = OrderRequest {
        lines,
        email: Some(email).filter(|e| !e.is_empty()),
        language: ctx.lang.to_string(),
        channel: "desk",
        sales_point,
        payment_provider: "desk_cash".into(),
        currency: if currency.is_empty() {
            None
        } else {
            Some(
                currency
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
    // The receipt, to print or hand over, with the passes' PDF.
    Ok((
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!("/desk/receipt/{}", order.public_id),
        )],
    )
        .into_response())
}
