//! The order page (at an unguessable URL): every pass with its QR code, holder, category, validity,
//! included venues by town and what has been used; the PDF of the passes.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use townpass_core::catalog::pick;
use townpass_core::qr::QrMatrix;

use crate::http::Shared;
use crate::http::web::{Ctx, WebError};
use crate::i18n::{Arg, present};

/// An order id is 32 hex digits; anything else is not looked up at all.
pub(crate) fn valid_public_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

pub async fn page(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !valid_public_id(&id) {
        return Err(WebError::NotFound);
    }
    let lang = ctx.lang;
    let order = state.store.order_by_public_id(&id).await?;
    let keep = keep_offline(&ctx, &order);
    let passes = state.store.passes_of_order(order.id).await?;
    let categories = state.store.categories().await?;
    let currency = order.currency.parse().map_err(WebError::Internal)?;
    let now = crate::store::now();
    let mut cards = Vec::new();
    for pass in &passes {
        let product = state.store.product_by_id(pass.product_id).await?;
        let rows = state.store.product_venues(pass.product_id).await?;
        let uses = state.store.counted_uses_of_pass(&pass.serial).await?;
        let qr = QrMatrix::encode(&pass.token).map_err(|e| WebError::Internal(e.to_string()))?;
        let category = category_name(&categories, pass.category_id, lang);
        let revoked = pass.revoked_at.is_some();
        // A cancelled pass says whether, and how, its money came back.
        let refund = if revoked {
            state
                .store
                .pass_refund(&pass.serial)
                .await?
                .map(|refund| match refund.card {
                    Some((_, amount)) => ctx.tf(
                        "pass_refunded_card",
                        &[("amount", &present::amount(lang, amount, currency))],
                    ),
                    None => ctx.t("pass_refunded"),
                })
        } else {
            None
        };
        let zone = &product.product.time_zone;
        let first_use = uses.iter().min_by_key(|u| u.scanned_at_ms);
        let real_end = real_end(&product.product, pass.expires_at, &uses);
        // The offers this pass has used (a booklet's choices, a pass's venues).
        let used_offers: std::collections::BTreeSet<&str> = uses
            .iter()
            .filter_map(|u| u.offer.as_ref().map(|o| o.code.as_str()))
            .collect();
        let since_first = first_use.map(|u| {
            let (venue, time) = (
                present::name(&u.venue.name, lang),
                present::local_time_in(lang, u.scanned_at_ms.div_euclid(1000), zone),
            );
            let (venue, time) = (Arg::Text(&venue), Arg::Text(&time));
            match &product.product.validity {
                townpass_core::catalog::Validity::Hours { hours } => ctx.tn(
                    "pass_since_first_hours",
                    &[
                        ("venue", venue),
                        ("time", time),
                        ("hours", Arg::from(*hours)),
                    ],
                ),
                townpass_core::catalog::Validity::Days { days } => ctx.tn(
                    "pass_since_first_days",
                    &[("venue", venue), ("time", time), ("days", Arg::from(*days))],
                ),
                townpass_core::catalog::Validity::Dates { .. } => String::new(),
            }
        });
        cards.push(html! {
            article.pass.revoked[revoked] data-serial=(pass.serial) {
                // A cancelled pass has nothing to show at a gate: no QR code at all.
                @if !revoked { div.qr { (PreEscaped(qr.to_svg())) } }
                div {
                    @if revoked {
                        p.error.cancelled role="alert" {
                            strong { (ctx.t("pass_cancelled")) } " " (ctx.t("pass_revoked"))
                            @if let Some(refund) = &refund { " " (refund) }
                        }
                    }
                    h2 { (present::name(&product.product.name, lang)) }
                    table {
                        @if let Some(h) = &pass.holder { tr { th { (ctx.t("pass_holder")) } td { (h) } } }
                        tr { th { (ctx.t("pass_category")) } td { (category) } }
                        @match real_end {
                            Some(end) => tr {
                                th { (ctx.t("pass_valid_until")) }
                                td.valid-until {
                                    strong { (present::local_time_in(lang, end, zone)) }
                                    @if let Some(text) = &since_first { br; small { (text) } }
                                    @if end <= now { br; span.ended { (ctx.t("pass_ended")) } }
                                }
                            },
                            None => tr { th { (ctx.t("pass_expires")) } td { (present::local_time_in(lang, pass.expires_at, zone)) } },
                        }
                        tr { th { (ctx.t("pass_serial")) } td.code { (pass.serial) } }
                        tr {
                            th { (ctx.t("pass_used")) }
                            td.uses {
                                @if uses.is_empty() { (ctx.t("pass_used_none")) }
                                @for u in &uses {
                                    div.use {
                                        (present::name(&u.venue.name, lang)) ", "
                                        (present::local_time_in(lang, u.scanned_at_ms.div_euclid(1000), zone))
                                    }
                                }
                            }
                        }
                    }
                    p { (present::validity(lang, &product.product)) }
                    @if !revoked && (state.wallets.apple.is_some() || state.wallets.google.is_some()) {
                        p.wallets {
                            @if state.wallets.apple.is_some() {
                                a.button.wallet.apple href={ "/o/" (order.public_id) "/apple/" (pass.serial) } { (ctx.t("wallet_apple")) }
                                " "
                            }
                            @if state.wallets.google.as_ref().is_some_and(|g| g.fits(&pass.serial, &pass.token)) {
                                a.button.wallet.google href={ "/o/" (order.public_id) "/google/" (pass.serial) } { (ctx.t("wallet_google")) }
                            }
                        }
                    }
                    @if let Some(n) = product.product.choose {
                        p.choices.used-up[used_offers.len() >= n as usize] {
                            strong { (ctx.tf("booklet_choices_used", &[("used", &used_offers.len().min(n as usize).to_string()), ("n", &n.to_string())])) }
                        }
                    }
                    details open[product.product.choose.is_some() && !revoked] {
                        summary { (ctx.t("included_title")) }
                        @for (town, venues) in offers_by_town(lang, &rows, currency, product.product.currency, &used_offers) {
                            h3 { (town) }
                            ul.venues {
                                @for (venue, offers) in venues {
                                    li {
                                        strong { (venue) } ": "
                                        @for (i, (text, used)) in offers.iter().enumerate() {
                                            @if i > 0 { "; " }
                                            @if *used { span.used-offer { del { (text) } " " strong { "✓ " (ctx.t("offer_used")) } } }
                                            @else { (text) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }
    let zone_of_order = match passes.first() {
        Some(p) => {
            state
                .store
                .product_by_id(p.product_id)
                .await?
                .product
                .time_zone
        }
        None => "UTC".to_string(),
    };
    let all_cancelled = !passes.is_empty() && passes.iter().all(|p| p.revoked_at.is_some());
    // What was ordered, while nothing is issued yet: "2 × Bulgaria Heritage Pass 72 h, Adult".
    let pickup = order.status == "pending"
        && crate::sales::payable_at_pickup(&state.store, &order, state.web_pay_at_pickup).await?;
    let lines_shown = if order.status == "pending" {
        describe_lines(&state.store, order.id, lang, true).await?
    } else {
        Vec::new()
    };
    let body = html! {
        p { (ctx.t("order_code")) ": " span.code #order-code { (present::order_code(&order.public_id)) } }
        p { (ctx.t("order_total")) ": " strong { (present::amount(lang, order.total_minor, currency)) } }
        @match order.status.as_str() {
            "pending" => {
                @if let Some(card) = &state.card {
                    section #card-pay hidden data-key=(card.config.publishable_key) data-paying=(ctx.t("card_paying")) data-not-paid=(ctx.t("card_not_paid")) data-declined=(ctx.t("card_declined")) data-throttled=(ctx.t("card_throttled")) {
                        h2 { (ctx.t("card_title")) }
                        div #card-element {}
                        button #card-button type="button" { (ctx.tf("card_pay", &[("amount", &present::amount(lang, order.total_minor, currency))])) }
                        p #card-message role="status" {}
                    }
                }
                p.note #status data-status="pending" data-order=(order.public_id) {
                    @if state.card.is_some() && pickup { (ctx.t("order_pending_card")) }
                    @else if state.card.is_some() { (ctx.t("order_pending_card_only")) }
                    @else { (state.payments.instructions(lang)) }
                }
                @if !lines_shown.is_empty() {
                    h2 { (ctx.t("order_lines")) }
                    ul.lines { @for line in &lines_shown { li { (line) } } }
                }
                @if let Some(card) = &state.card { script src=(card.config.js_url) {} }
                script src="/assets/pay.js" {}
            },
            "paid" if all_cancelled => {
                p.error #status data-status="cancelled" data-order=(order.public_id) data-keep=(keep) { (ctx.t("order_all_cancelled")) }
            },
            "paid" => {
                p.ok #status data-status="paid" data-order=(order.public_id) data-keep=(keep) { (ctx.t("order_paid")) }
                p.actions {
                    a.button.gate-button href={ "/o/" (order.public_id) "/gate" } { (ctx.t("gate_show")) }
                    " "
                    a.button.secondary href={ "/o/" (order.public_id) "/passes.pdf" } { (ctx.t("order_pdf")) }
                }
            },
            other => { p.error #status data-status=(other) { (other) } },
        }
        @for card in &cards { (card) }
        p { small { (ctx.t("order_keep_link")) } }
        (saved_note(&ctx, now, &zone_of_order))
        @if order.status != "pending" { script src="/assets/order.js" {} }
    };
    let mut response = ctx.page_with_head(
        &ctx.t("order_title"),
        html! { link rel="manifest" href={ "/o/" (order.public_id) "/manifest.webmanifest" }; },
        body,
    );
    if order.status != "pending"
        && let Ok(v) = header::HeaderValue::from_str(crate::http::headers::pass_page_policy())
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if order.status == "pending" {
        let policy = crate::http::headers::payment_page_policy(
            state
                .card
                .as_ref()
                .map(|c| (c.config.js_url.as_str(), c.config.api_base.as_str())),
        );
        if let Ok(v) = header::HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    // The URL is the secret: keep it out of shared caches and referrers.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    mark_keep(&mut response, keep);
    Ok(response)
}

/// Whether the phone may keep this page for use offline: only an order that is no longer
/// waiting (a waiting one changes, and holds no passes), and never on a staff member's browser
/// (a desk computer must not collect its customers' passes).
fn keep_offline(ctx: &Ctx, order: &crate::store::OrderRow) -> bool {
    order.status != "pending" && ctx.user.is_none()
}

/// Says so to the service worker (which keeps only pages marked so, and drops a copy it has of
/// a page that is not).
fn mark_keep(response: &mut Response, keep: bool) {
    if keep {
        response.headers_mut().insert(
            header::HeaderName::from_static(KEEP_HEADER),
            header::HeaderValue::from_static("1"),
        );
    }
}

/// The header that tells the service worker a page may be kept.
pub const KEEP_HEADER: &str = "x-townpass-keep";

pub async fn pdf(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !valid_public_id(&id) {
        return Err(WebError::NotFound);
    }
    let order = state.store.order_by_public_id(&id).await?;
    if order.status != "paid" {
        return Err(WebError::NotFound);
    }
    let passes = state.store.passes_of_order(order.id).await?;
    if passes.iter().all(|p| p.revoked_at.is_some()) {
        return Err(WebError::NotFound);
    }
    let bytes = crate::sales::pdf::order_pdf(&state.store, &order, ctx.lang, &state.base_url)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!("townpass-{}.pdf", present::order_code(&order.public_id));
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// "Updated 2026-12-03 10:15 CET", and the line order.js shows when the phone has no network.
fn saved_note(ctx: &Ctx, now: i64, zone: &str) -> maud::Markup {
    let time = present::local_time_in(ctx.lang, now, zone);
    html! {
        p.updated #updated data-at=(now) { small { (ctx.tf("order_updated", &[("time", &time)])) } }
        p.error #offline hidden role="status" { (ctx.tf("order_offline", &[("time", &time)])) }
    }
}

/// `GET /o/{id}/gate`: "show at the gate": one pass per screen, the QR code as wide as the
/// screen, black on white, holder and category large; swipe (or arrow keys) to the next pass.
/// Works without JavaScript (CSS scroll snapping); cancelled passes are left out.
pub async fn gate(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !valid_public_id(&id) {
        return Err(WebError::NotFound);
    }
    let lang = ctx.lang;
    let order = state.store.order_by_public_id(&id).await?;
    let keep = keep_offline(&ctx, &order);
    let passes = state.store.passes_of_order(order.id).await?;
    let categories = state.store.categories().await?;
    let now = crate::store::now();
    let showable: Vec<_> = passes.iter().filter(|p| p.revoked_at.is_none()).collect();
    let mut zone = "UTC".to_string();
    let mut slides = Vec::new();
    for (n, pass) in showable.iter().enumerate() {
        let product = state.store.product_by_id(pass.product_id).await?;
        let uses = state.store.counted_uses_of_pass(&pass.serial).await?;
        let qr = QrMatrix::encode(&pass.token).map_err(|e| WebError::Internal(e.to_string()))?;
        zone.clone_from(&product.product.time_zone);
        let category = category_name(&categories, pass.category_id, lang);
        let until = validity_now(lang, &product.product, pass.expires_at, &uses);
        slides.push(html! {
            section.slide #{ "p" (n + 1) } data-serial=(pass.serial) {
                p.count { (ctx.tf("gate_count", &[("n", &(n + 1).to_string()), ("total", &showable.len().to_string())])) }
                div.qr { (PreEscaped(qr.to_svg())) }
                @if let Some(holder) = &pass.holder { p.holder { (holder) } }
                p.category { (category) }
                p.meta { (present::name(&product.product.name, lang)) }
                p.meta { (until) }
            }
        });
    }
    let title = ctx.t("gate_title");
    let markup = html! {
        (maud::DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="theme-color" content="#ffffff";
                title { (title) " · townpass" }
                link rel="manifest" href={ "/o/" (order.public_id) "/manifest.webmanifest" };
                style { (PreEscaped(crate::http::web::CSS)) }
            }
            body.gate {
                nav.gate-bar {
                    a href={ "/o/" (order.public_id) } { "← " (ctx.t("gate_back")) }
                    @if slides.len() > 1 { span { (ctx.t("gate_swipe")) } }
                }
                @if slides.is_empty() {
                    main { p.error #status data-status="none" { (ctx.t("gate_none")) } }
                } @else {
                    main.slides #status data-status="paid" data-order=(order.public_id) data-keep=(keep) {
                        @for slide in &slides { (slide) }
                    }
                }
                (saved_note(&ctx, now, &zone))
                script src="/assets/order.js" {}
            }
        }
    };
    let mut response = markup.into_response();
    ctx.remember_lang(&mut response);
    let h = response.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(crate::http::headers::pass_page_policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    mark_keep(&mut response, keep);
    Ok(response)
}

/// `GET /o/{id}/manifest.webmanifest`: "add to home screen" opens this order's passes.
pub async fn manifest(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !valid_public_id(&id) {
        return Err(WebError::NotFound);
    }
    state.store.order_by_public_id(&id).await?;
    let body = serde_json::json!({
        "name": ctx.t("order_app_name"),
        "short_name": "townpass",
        "lang": ctx.lang,
        "id": format!("/o/{id}"),
        "start_url": format!("/o/{id}"),
        "scope": "/o/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#14324a",
        "icons": [
            {"src": crate::devices::web::asset_path("icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": crate::devices::web::asset_path("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": crate::devices::web::asset_path("icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response())
}

/// A script file of ours, with how long a browser may keep it.
pub(crate) fn script(body: &'static str, cache_control: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, cache_control),
        ],
        body,
    )
        .into_response()
}

/// `GET /o/sw.js`: the pass pages' service worker (keeps each order page opened on this phone,
/// and its gate view, for use with no network).
pub async fn service_worker() -> Response {
    script(include_str!("../../assets/order-sw.js"), "no-cache")
}

/// `GET /assets/order.js`: the pass pages' script (offline copy, the gate view's screen lock).
pub async fn order_script() -> Response {
    script(include_str!("../../assets/order.js"), "no-cache")
}

/// What a wallet pass shows of one pass of a paid order (not cancelled).
async fn wallet_facts(
    state: &Shared,
    id: &str,
    serial: &str,
    lang: &str,
) -> Result<crate::sales::wallet::PassFacts, WebError> {
    if !valid_public_id(id) {
        return Err(WebError::NotFound);
    }
    let order = state.store.order_by_public_id(id).await?;
    let pass = state
        .store
        .passes_of_order(order.id)
        .await?
        .into_iter()
        .find(|p| p.serial == serial && p.revoked_at.is_none())
        .ok_or(WebError::NotFound)?;
    let product = state.store.product_by_id(pass.product_id).await?;
    let uses = state.store.counted_uses_of_pass(&pass.serial).await?;
    let category = category_name(&state.store.categories().await?, pass.category_id, lang);
    let rows = state.store.product_venues(pass.product_id).await?;
    let venues = present::by_town(
        lang,
        &rows,
        product.product.currency,
        product.product.currency,
    )
    .into_iter()
    .map(|(town, venues)| {
        let names: Vec<String> = venues.into_iter().map(|(venue, _)| venue).collect();
        format!("{town}: {}", names.join(", "))
    })
    .collect();
    let validity = validity_now(lang, &product.product, pass.expires_at, &uses);
    Ok(crate::sales::wallet::PassFacts {
        serial: pass.serial.clone(),
        token: pass.token.clone(),
        product: present::name(&product.product.name, lang),
        category,
        holder: pass.holder.clone(),
        validity,
        expires_at: pass.expires_at,
        venues,
        language: lang.to_string(),
    })
}

/// `GET /o/{id}/apple/{serial}`: the pass as an Apple Wallet `.pkpass`.
pub async fn apple_wallet(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((id, serial)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let Some(apple) = &state.wallets.apple else {
        return Err(WebError::NotFound);
    };
    let facts = wallet_facts(&state, &id, &serial, ctx.lang).await?;
    let icon = crate::devices::web::asset_body("icon-192.png");
    let icon_large = crate::devices::web::asset_body("icon-512.png");
    let bytes = apple
        .pkpass(
            &facts,
            &state.base_url,
            &[
                ("icon.png", icon),
                ("icon@2x.png", icon_large),
                ("logo.png", icon),
            ],
        )
        .map_err(WebError::Internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.apple.pkpass".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"townpass-{serial}.pkpass\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /o/{id}/google/{serial}`: on to Google Wallet with the signed pass (made on the click,
/// so the page itself carries no JWT).
pub async fn google_wallet(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((id, serial)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let Some(google) = &state.wallets.google else {
        return Err(WebError::NotFound);
    };
    let facts = wallet_facts(&state, &id, &serial, ctx.lang).await?;
    let link = google
        .link(&facts, &state.base_url)
        .ok_or_else(|| WebError::BadRequest(ctx.t("wallet_google_too_long")))?;
    Ok((
        axum::http::StatusCode::SEE_OTHER,
        [
            (header::LOCATION, link),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response())
}

/// A venue's name and its offers, each with whether this pass has used it.
type VenueOffersUsed = (String, Vec<(String, bool)>);
/// A town's name and its venues.
type TownOffers = (String, Vec<VenueOffersUsed>);

/// The included venues by town, each offer with whether this pass has used it.
fn offers_by_town(
    lang: &str,
    rows: &[(
        townpass_core::catalog::Town,
        townpass_core::catalog::Venue,
        townpass_core::catalog::Offer,
    )],
    currency: townpass_core::money::Currency,
    main: townpass_core::money::Currency,
    used: &std::collections::BTreeSet<&str>,
) -> Vec<TownOffers> {
    let mut out: Vec<TownOffers> = Vec::new();
    for (town, venue, offer) in rows {
        let town_name = pick(&town.name, lang).to_string();
        if out.last().is_none_or(|(n, _)| *n != town_name) {
            out.push((town_name, Vec::new()));
        }
        let Some((_, venues)) = out.last_mut() else {
            continue;
        };
        let venue_name = pick(&venue.name, lang).to_string();
        if venues.last().is_none_or(|(n, _)| *n != venue_name) {
            venues.push((venue_name, Vec::new()));
        }
        if let Some((_, offers)) = venues.last_mut() {
            offers.push((
                present::offer(lang, offer, currency, main),
                used.contains(offer.code.as_str()),
            ));
        }
    }
    out
}

/// Validity from first use: the earliest use anywhere (as the scanners judge it) fixes the real
/// end, never later than the pass's own expiry. `None` before the first use.
fn real_end(
    product: &townpass_core::catalog::Product,
    expires_at: i64,
    uses: &[crate::store::PassUse],
) -> Option<i64> {
    let first = uses.iter().map(|u| u.scanned_at_ms).min()?;
    let tz = jiff::tz::TimeZone::get(&product.time_zone).ok()?;
    townpass_core::rules::validity_end(&product.validity, first, &tz)
        .map(|end_ms| end_ms.div_euclid(1000).min(expires_at))
}

/// A category's name in `lang` (empty for an unknown id).
fn category_name(
    categories: &[townpass_core::catalog::CategoryDef],
    id: i64,
    lang: &str,
) -> String {
    categories
        .iter()
        .find(|c| i64::from(c.id) == id)
        .map(|c| pick(&c.name, lang).to_string())
        .unwrap_or_default()
}

/// How long a pass is valid, as its holder needs it now: the real end after first use, else the
/// product's rule ("Valid 72 hours from the first visit").
fn validity_now(
    lang: &str,
    product: &townpass_core::catalog::Product,
    expires_at: i64,
    uses: &[crate::store::PassUse],
) -> String {
    match real_end(product, expires_at, uses) {
        Some(end) => crate::i18n::tf(
            lang,
            "gate_valid_until",
            &[(
                "time",
                &present::local_time_in(lang, end, &product.time_zone),
            )],
        ),
        None => present::validity(lang, product),
    }
}

/// What an order holds, a line each: "2 × Bulgaria Heritage Pass 72 h, Adult (Maria Ivanova)".
pub async fn describe_lines(
    store: &crate::store::Store,
    order_id: i64,
    lang: &str,
    holders: bool,
) -> Result<Vec<String>, crate::store::StoreError> {
    let categories = store.categories().await?;
    // (product, category, holder) and how many; without holders, equal lines are counted
    // together ("2 × ..., Adult", not the same line twice).
    let mut counted: Vec<(i64, i64, Option<String>, i64)> = Vec::new();
    for line in store.order_lines(order_id).await? {
        let holder = line.holder.filter(|_| holders);
        match counted.iter_mut().find(|(p, c, h, _)| {
            *p == line.product_id && *c == line.category_id && h.is_none() && holder.is_none()
        }) {
            Some(same) => same.3 += line.quantity,
            None => counted.push((line.product_id, line.category_id, holder, line.quantity)),
        }
    }
    let mut out = Vec::new();
    for (product_id, category_id, holder, quantity) in counted {
        let product = store.product_by_id(product_id).await?;
        let category = category_name(&categories, category_id, lang);
        let mut text = format!(
            "{quantity} × {}, {category}",
            present::name(&product.product.name, lang)
        );
        if let Some(holder) = holder {
            text.push_str(&format!(" ({holder})"));
        }
        out.push(text);
    }
    Ok(out)
}

/// `GET /o/{id}/status`: `{"status": "pending" | "paid" | ...}`, for the page that waits.
pub async fn status(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !valid_public_id(&id) {
        return Err(WebError::NotFound);
    }
    let order = state.store.order_by_public_id(&id).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({"status": order.status})),
    )
        .into_response())
}

/// `GET /assets/pay.js`: the order page's script (card form, waiting for payment).
pub async fn pay_script() -> Response {
    script(include_str!("../../assets/pay.js"), "public, max-age=300")
}
