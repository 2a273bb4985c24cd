//! The shop: products by town, a product page with what it includes, and the buy form.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use townpass_core::catalog::pick;
use townpass_core::money::Currency;

use crate::http::Shared;
use crate::http::web::{Ctx, WebError};
use crate::i18n::present;
use crate::sales::{self, LineRequest, OrderRequest, SalesError};

#[derive(Debug, serde::Deserialize)]
pub struct ShopQuery {
    town: Option<String>,
}

pub async fn index(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<ShopQuery>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let mut cards = Vec::new();
    let mut towns: Vec<(String, String)> = Vec::new();
    for p in state.store.products_on_sale().await? {
        let rows = state.store.product_venues(p.id).await?;
        for (town, _, _) in &rows {
            if !towns.iter().any(|(c, _)| *c == town.code) {
                towns.push((town.code.clone(), pick(&town.name, lang).to_string()));
            }
        }
        if let Some(t) = &q.town
            && !rows.iter().any(|(town, _, _)| &town.code == t)
        {
            continue;
        }
        // "From" is what an adult pays (the price most people see first), else the lowest, in
        // the currency the product page starts with.
        let shown_in = chosen_currency(lang, &p.product, None).unwrap_or(p.product.currency);
        let list = p.product.prices_in(shown_in).unwrap_or(&p.product.prices);
        let from = list
            .get("adult")
            .or_else(|| list.values().min())
            .copied()
            .unwrap_or(0);
        cards.push(html! {
            article.card {
                @if let Some(url) = state.photos.url(p.product.photo.as_deref()) {
                    a href={ "/p/" (p.product.code) } tabindex="-1" { img.photo src=(url) alt="" loading="lazy"; }
                }
                small { (present::kind(lang, &p.product)) }
                h2 { a href={ "/p/" (p.product.code) } { (present::name(&p.product.name, lang)) } }
                p { (present::name(&p.product.description, lang)) }
                p.chips { @for t in present::town_names(lang, &rows) { span { (t) } } }
                p { (present::validity(lang, &p.product)) }
                p.price { (ctx.tf("from_price", &[("price", &present::amount(lang, from, shown_in))])) }
                a.button href={ "/p/" (p.product.code) } { (ctx.t("buy_title")) }
            }
        });
    }
    let body = html! {
        p { (ctx.t("shop_intro")) }
        nav.chips aria-label=(ctx.t("shop_towns")) {
            @if q.town.is_none() { span { strong { (ctx.t("shop_all_towns")) } } } @else { span { a href="/" { (ctx.t("shop_all_towns")) } } }
            @for (code, name) in &towns {
                @if q.town.as_deref() == Some(code.as_str()) { span { strong { (name) } } }
                @else { span { a href={ "/?town=" (code) } { (name) } } }
            }
        }
        div.cards { @for c in cards { (c) } }
    };
    Ok(ctx.page(&ctx.t("shop_title"), body))
}

#[derive(Debug, serde::Deserialize)]
pub struct ProductQuery {
    currency: Option<String>,
}

pub async fn product(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<ProductQuery>,
) -> Result<Response, WebError> {
    let p = state.store.product_by_code(&code).await?;
    if !p.on_sale {
        return Err(WebError::NotFound);
    }
    match chosen_currency(ctx.lang, &p.product, q.currency.as_deref()) {
        Ok(currency) => product_page(&state, &ctx, &p, currency, None).await,
        // An address with a currency the pass is not sold in: the page in its own, saying so.
        Err(message) => {
            let currency =
                chosen_currency(ctx.lang, &p.product, None).unwrap_or(p.product.currency);
            let mut page = product_page(
                &state,
                &ctx,
                &p,
                currency,
                Some(Refused::form(message, &HashMap::new())),
            )
            .await?;
            *page.status_mut() = StatusCode::NOT_FOUND;
            Ok(page)
        }
    }
}

/// The currency prices are shown and sold in: the one asked for, which the product must be sold
/// in (else the refusal, in `lang`); without one, the currency of the visitor's language's country
/// when the product is sold in it (MKD for Macedonian, RSD for Serbian, HUF for Hungarian), else
/// the product's main currency.
fn chosen_currency(
    lang: &str,
    product: &townpass_core::catalog::Product,
    asked: Option<&str>,
) -> Result<Currency, String> {
    let offered = product.currencies();
    if let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) {
        return asked
            .to_ascii_uppercase()
            .parse::<Currency>()
            .ok()
            .filter(|c| offered.contains(c))
            .ok_or_else(|| {
                let list: Vec<String> = offered.iter().map(Currency::to_string).collect();
                crate::i18n::tf(
                    lang,
                    "error_currency",
                    &[
                        ("currency", &asked.chars().take(12).collect::<String>()),
                        ("offered", &list.join(", ")),
                    ],
                )
            });
    }
    let of_language: Option<Currency> = match lang {
        "mk" => "MKD".parse().ok(),
        "sr" | "sr-Latn" => "RSD".parse().ok(),
        "hu" => "HUF".parse().ok(),
        _ => None,
    };
    Ok(of_language
        .filter(|c| offered.contains(c))
        .unwrap_or(product.currency))
}

/// A buy form that was refused: the message (next to its field when it is about one), and what
/// the tourist typed, so nothing has to be typed again.
#[derive(Debug, Default)]
struct Refused {
    message: String,
    /// `email` or `names`; `None` for the form as a whole.
    field: Option<&'static str>,
    values: HashMap<String, String>,
}

impl Refused {
    fn form(message: String, values: &HashMap<String, String>) -> Refused {
        Refused {
            message,
            field: None,
            values: values.clone(),
        }
    }

    fn at(field: &'static str, message: String, values: &HashMap<String, String>) -> Refused {
        Refused {
            message,
            field: Some(field),
            values: values.clone(),
        }
    }

    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

async fn product_page(
    state: &Shared,
    ctx: &Ctx,
    p: &crate::store::ProductRow,
    currency: Currency,
    refused: Option<Refused>,
) -> Result<Response, WebError> {
    let prices = p.product.prices_in(currency).unwrap_or(&p.product.prices);
    let error = refused
        .as_ref()
        .filter(|r| r.field.is_none())
        .map(|r| &r.message);
    let field_error = |field: &str| {
        refused
            .as_ref()
            .filter(|r| r.field == Some(field))
            .map(|r| r.message.clone())
    };
    let typed = |name: &str| refused.as_ref().map_or("", |r| r.value(name)).to_string();
    let lang = ctx.lang;
    let rows = state.store.product_venues(p.id).await?;
    let categories = state.store.categories().await?;
    // Paid at a desk later, or by card now: a product that takes neither here is not sold online.
    let pickup = state.web_pay_at_pickup && p.product.pay_at_pickup;
    let sellable_online = pickup || state.card.is_some();
    let priced: Vec<_> = categories
        .iter()
        .filter_map(|c| prices.get(&c.code).map(|price| (c, *price)))
        .collect();
    let currencies = p.product.currencies();
    let style = townpass_i18n::numbers::money_style(lang, currency.as_str());
    let picker = html! {
        @if currencies.len() > 1 {
            form.currency method="get" action={ "/p/" (p.product.code) } {
                label for="currency" { (ctx.t("buy_currency")) }
                select #currency name="currency" {
                    @for c in &currencies {
                        option value=(c) selected[*c == currency] { (c) }
                    }
                }
                button.secondary type="submit" { (ctx.t("buy_currency_show")) }
            }
        }
    };
    let form = html! {
        (picker)
        form.buy method="post" action={ "/p/" (p.product.code) "/buy" } data-currency=(currency.to_string()) data-digits=(currency.exponent())
            data-decimal=(style.decimal) data-group=(style.group) data-prefix=(style.prefix) data-suffix=(style.suffix) {
            input type="hidden" name="currency" value=(currency);
            table {
                tr { th { (ctx.t("prices_title")) } th {} th { (ctx.t("buy_quantity")) } }
                @for (c, price) in &priced {
                    tr {
                        td { label for={ "qty_" (c.code) } { (pick(&c.name, lang)) } }
                        td.price { (present::amount(lang, *price, currency)) }
                        @let qty = typed(&format!("qty_{}", c.code));
                        td { input type="number" id={ "qty_" (c.code) } name={ "qty_" (c.code) } min="0" max="50" inputmode="numeric" data-category=(c.code) data-price=(price) value=(if qty.is_empty() { "0" } else { qty.as_str() }); }
                    }
                }
            }
            p.total #total aria-live="polite" data-label=(townpass_i18n::template(ctx.lang, "buy_total")) {}
            @if let (Some(family), Some(adult), Some(child)) = (prices.get("family"), prices.get("adult"), prices.get("child")) {
                p.note #family-hint hidden data-price=(family) data-adult=(adult) data-child=(child) data-text=(townpass_i18n::template(ctx.lang, "buy_family_hint")) {
                    span {} " "
                    button.secondary type="button" { (ctx.t("buy_family_switch")) }
                }
            }
            label for="email" { (ctx.t("buy_email")) }
            @if let Some(e) = field_error("email") { p.error #email-error role="alert" { (e) } }
            input type="email" id="email" name="email" required autocomplete="email" value=(typed("email"))
                aria-invalid=[field_error("email").map(|_| "true")] aria-describedby=[field_error("email").map(|_| "email-error")];
            h3 { (ctx.t("buy_names_title")) }
            p { small { (ctx.tf("buy_names_limit", &[("max", &sales::MAX_HOLDER_CHARS.to_string())])) " " (ctx.t("buy_names_hint")) } }
            @if let Some(e) = field_error("names") { p.error #names-error role="alert" { (e) } }
            // A labelled field per pass (the script adds and removes them as quantities change;
            // after a refused form they are rendered here with what was typed).
            @for (c, _) in &priced {
                @let count = typed(&format!("qty_{}", c.code)).trim().parse::<usize>().unwrap_or(0).min(50);
                fieldset.names data-category=(c.code) data-max=(sales::MAX_HOLDER_CHARS) hidden[count == 0]
                    data-label=(ctx.tf("buy_name_label", &[("category", pick(&c.name, lang)), ("n", "{n}")])) {
                    @for i in 1..=count {
                        @let id = format!("name_{}_{i}", c.code);
                        div.name-field {
                            label for=(id) { (ctx.tf("buy_name_label", &[("category", pick(&c.name, lang)), ("n", &i.to_string())])) }
                            input type="text" id=(id) name=(id) maxlength=(sales::MAX_HOLDER_CHARS) autocomplete="name" value=(typed(&id))
                                aria-invalid=[field_error("names").map(|_| "true")];
                        }
                    }
                }
            }
            noscript {
                label for="names" { (ctx.t("buy_names")) }
                textarea id="names" name="names" rows="3" { (typed("names")) }
            }
            p.note {
                @if state.card.is_some() && pickup { (ctx.t("buy_pay_note_card")) }
                @else if state.card.is_some() { (ctx.t("buy_pay_note_card_only")) }
                @else { (ctx.t("buy_pay_note")) }
            }
            button type="submit" { (ctx.t("buy_submit")) }
        }
        script src="/assets/shop.js" {}
    };
    // Venue photos by the name the list shows.
    let venue_photos: HashMap<String, String> = rows
        .iter()
        .filter_map(|(_, venue, _)| {
            state
                .photos
                .url(venue.photo.as_deref())
                .map(|url| (pick(&venue.name, lang).to_string(), url))
        })
        .collect();
    let body = html! {
        @if let Some(e) = &error { p.error role="alert" { (e) } }
        @if let Some(url) = state.photos.url(p.product.photo.as_deref()) { img.hero src=(url) alt=""; }
        p { (present::name(&p.product.description, lang)) }
        p { strong { (present::validity(lang, &p.product)) } }
        @if let Some(n) = p.product.choose { p { (ctx.tn("choose_n", &[("n", n.into())])) } }
        h2 { (ctx.t("included_title")) }
        @for (town, venues) in present::by_town(lang, &rows, currency, p.product.currency) {
            section.town {
                h3 { (town) }
                ul.venues {
                    @for (venue, offers) in venues {
                        li {
                            @if let Some(url) = venue_photos.get(&venue) { img.thumb src=(url) alt="" loading="lazy"; }
                            strong { (venue) } ": " (offers.join("; "))
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("buy_title")) }
        @if !sellable_online { p.note #desk-only { (ctx.t("buy_desk_only")) } }
        @else { (form) }
    };
    let mut response = ctx.page(&present::name(&p.product.name, lang), body);
    // The buy form's own script file (/assets/shop.js), nothing inline.
    if let Ok(v) = header::HeaderValue::from_str(crate::http::headers::pass_page_policy()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if refused.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /assets/shop.js`: the buy form's script (total, name fields, family price).
pub async fn shop_script() -> Response {
    crate::sales::orders::script(include_str!("../../assets/shop.js"), "public, max-age=300")
}

/// Web orders (each with its confirmation e-mail) one client may place per [`ORDER_WINDOW`].
/// A hotel's Wi-Fi is one client for all its guests.
const MAX_ORDERS_PER_CLIENT: i64 = 20;
/// Web orders for one e-mail address per [`ORDER_WINDOW`].
const MAX_ORDERS_PER_ADDRESS: i64 = 5;
const ORDER_WINDOW: i64 = 15 * 60;

/// The buy form: quantities per category, e-mail, optional names (a field per pass, or one per
/// line in the text area of the form without script).
pub async fn buy(
    State(state): State<Shared>,
    ctx: Ctx,
    crate::http::client::ClientIp(client): crate::http::client::ClientIp,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let p = state.store.product_by_code(&code).await?;
    if !p.on_sale {
        return Err(WebError::NotFound);
    }
    let currency = match chosen_currency(
        ctx.lang,
        &p.product,
        form.get("currency").map(String::as_str),
    ) {
        Ok(c) => c,
        Err(message) => {
            let currency =
                chosen_currency(ctx.lang, &p.product, None).unwrap_or(p.product.currency);
            return product_page(
                &state,
                &ctx,
                &p,
                currency,
                Some(Refused::form(message, &form)),
            )
            .await;
        }
    };
    if !(state.web_pay_at_pickup && p.product.pay_at_pickup) && state.card.is_none() {
        let message = ctx.t("buy_desk_only");
        return product_page(
            &state,
            &ctx,
            &p,
            currency,
            Some(Refused::form(message, &form)),
        )
        .await;
    }
    let lines = form_lines(&code, p.product.prices.keys(), &form)?;
    if lines.is_empty() {
        let message = ctx.t("error_nothing_chosen");
        return product_page(
            &state,
            &ctx,
            &p,
            currency,
            Some(Refused::form(message, &form)),
        )
        .await;
    }
    // Each order e-mails a confirmation at once: a few per address and per client, then a wait,
    // so the shop cannot be used to flood someone's mailbox.
    let now = crate::store::now();
    let address = form
        .get("email")
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let mut subjects = vec![format!("order-ip:{client}")];
    let mut limits = vec![MAX_ORDERS_PER_CLIENT];
    if let Some(address) = &address {
        subjects.push(format!("order-to:{address}"));
        limits.push(MAX_ORDERS_PER_ADDRESS);
    }
    // Written down first, then counted (this order included), so that orders sent all at once
    // cannot all slip under the limit; a refused or failed order is forgotten again.
    let reserved = state.store.reserve_login_attempt(&subjects, now).await?;
    for (subject, limit) in subjects.iter().zip(limits) {
        let recent = state
            .store
            .login_failures_since(subject, now - ORDER_WINDOW)
            .await?;
        if recent > limit {
            state.store.forget_login_attempt(&reserved).await?;
            tracing::warn!(client = %client, "web orders throttled");
            let message = ctx.t("error_too_many_orders");
            let mut page = product_page(
                &state,
                &ctx,
                &p,
                currency,
                Some(Refused::form(message, &form)),
            )
            .await?;
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return Ok(page);
        }
    }
    let req = OrderRequest {
        lines,
        email: form.get("email").cloned(),
        language: ctx.lang.to_string(),
        channel: "web",
        sales_point: None,
        payment_provider: state.payments.name().to_string(),
        currency: Some(currency),
    };
    let placed = sales::create_order(&state.store, &req, now).await;
    if placed.is_err() {
        state.store.forget_login_attempt(&reserved).await?;
    }
    match placed {
        Ok(order) => {
            tracing::info!(order = %present::order_code(&order.public_id), "web order created");
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, format!("/o/{}", order.public_id))],
            )
                .into_response())
        }
        Err(SalesError::BadEmail(address)) => {
            let message = ctx.tf("error_email", &[("address", &address)]);
            let refused = Refused::at("email", message, &form);
            product_page(&state, &ctx, &p, currency, Some(refused)).await
        }
        Err(SalesError::HolderTooLong { name }) => {
            let message = ctx.tf(
                "error_name_too_long",
                &[
                    ("max", &sales::MAX_HOLDER_CHARS.to_string()),
                    ("name", &name),
                ],
            );
            let refused = Refused::at("names", message, &form);
            product_page(&state, &ctx, &p, currency, Some(refused)).await
        }
        Err(e @ (SalesError::Sign(_) | SalesError::NoPrice { .. })) => {
            product_page(
                &state,
                &ctx,
                &p,
                currency,
                Some(Refused::form(e.to_string(), &form)),
            )
            .await
        }
        Err(SalesError::Store(e)) => Err(e.into()),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// The order lines a buy form asks for: `qty_CATEGORY` per category (0 to 50), and a holder name
/// per pass (`name_CATEGORY_N`, or one per line of `names` in the form without script). Passes
/// without a name are one line per category. Shared by the shop and the sales desk.
pub fn form_lines<'a>(
    code: &str,
    categories: impl Iterator<Item = &'a String>,
    form: &HashMap<String, String>,
) -> Result<Vec<LineRequest>, WebError> {
    let code = code.to_string();
    let mut names = form
        .get("names")
        .map(String::as_str)
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut lines = Vec::new();
    // Prices are a BTreeMap: categories come in code order.
    for cat in categories {
        let count: u32 = match form
            .get(&format!("qty_{cat}"))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            None => 0,
            // The number field allows 0 to 50 only: anything else was not typed in this form.
            Some(v) => v.parse().ok().filter(|n| *n <= 50).ok_or_else(|| {
                WebError::BadRequest(format!("'{v}' is not a quantity from 0 to 50"))
            })?,
        };
        let mut unnamed = 0;
        for i in 1..=count {
            let own = form
                .get(&format!("name_{cat}_{i}"))
                .map(|n| n.trim())
                .filter(|n| !n.is_empty());
            match own.or_else(|| names.next()) {
                Some(n) => lines.push(LineRequest {
                    product: code.clone(),
                    category: cat.clone(),
                    holder: Some(n.to_string()),
                    count: 1,
                }),
                None => unnamed += 1,
            }
        }
        if unnamed > 0 {
            lines.push(LineRequest {
                product: code.clone(),
                category: cat.clone(),
                holder: None,
                count: unnamed,
            });
        }
    }
    Ok(lines)
}
