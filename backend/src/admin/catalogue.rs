//! The catalogue in the browser: towns, partners (structured address, VAT id, IBAN and BIC,
//! payout currency), venues and sales points, listed by name, added and edited with a form.
//!
//! One code path with `townpass catalog apply`: the form changes one item of the stored
//! catalogue, and the whole catalogue goes through the same validation, the same apply (one
//! transaction, product versioning) and the same audit log, as the operator who saved it.
//! Mistakes are shown beside the field they concern, in the reader's language where the form
//! itself can tell (required, formats, IBAN, BIC); what only the catalogue as a whole can tell
//! (a language the operator requires) comes from the shared validation.
//! Offers and products are still edited in the file (the page says so and offers the file).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use townpass_core::catalog::{Address, Catalogue, Names, Partner, SalesPoint, Town, Venue, pick};

use crate::catalog::CatalogError;
use crate::http::Shared;
use crate::http::forms::CsrfForm;
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::{local_time_in, name as name_in};

/// The kinds of item the pages edit, by their path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Town,
    Partner,
    Venue,
    SalesPoint,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Town, Kind::Partner, Kind::Venue, Kind::SalesPoint];

    fn from_path(p: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == p)
    }

    fn path(self) -> &'static str {
        match self {
            Kind::Town => "towns",
            Kind::Partner => "partners",
            Kind::Venue => "venues",
            Kind::SalesPoint => "sales-points",
        }
    }

    /// The word the validation and the audit log use.
    fn word(self) -> &'static str {
        match self {
            Kind::Town => "town",
            Kind::Partner => "partner",
            Kind::Venue => "venue",
            Kind::SalesPoint => "sales point",
        }
    }

    fn exists(self, cat: &Catalogue, code: &str) -> bool {
        match self {
            Kind::Town => cat.towns.iter().any(|x| x.code == code),
            Kind::Partner => cat.partners.iter().any(|x| x.code == code),
            Kind::Venue => cat.venues.iter().any(|x| x.code == code),
            Kind::SalesPoint => cat.sales_points.iter().any(|x| x.code == code),
        }
    }

    /// Which field a message of the shared validation about this item concerns (first match).
    fn field_of(self, message: &str) -> Option<&'static str> {
        let rules: &[(&str, &str)] = match self {
            Kind::Town => &[
                ("country", "country"),
                ("time zone", "time_zone"),
                ("name", "name"),
            ],
            Kind::Partner => &[
                ("IBAN", "iban"),
                ("BIC", "bic"),
                ("address country", "addr_country"),
                ("address street", "addr_street"),
                ("address building", "addr_building"),
                ("address post_code", "addr_post_code"),
                ("address town", "addr_town"),
                ("name", "name"),
            ],
            Kind::Venue => &[("partner", "partner"), ("town", "town"), ("name", "name")],
            Kind::SalesPoint => &[("town", "town"), ("name", "name")],
        };
        rules
            .iter()
            .find(|(needle, _)| message.contains(needle))
            .map(|(_, field)| *field)
    }
}

/// What is wrong with a form: per field, and about the item as a whole.
#[derive(Debug, Default)]
struct Problems {
    fields: HashMap<&'static str, Vec<String>>,
    general: Vec<String>,
}

impl Problems {
    fn add(&mut self, field: &'static str, message: String) {
        self.fields.entry(field).or_default().push(message);
    }

    fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    fn count(&self) -> usize {
        self.fields.values().map(Vec::len).sum::<usize>() + self.general.len()
    }
}

/// The submitted (or stored) values of a form, by field name; names per language are
/// `name.LANG` and `hours.LANG`.
type Values = BTreeMap<String, String>;

fn get<'a>(v: &'a Values, key: &str) -> &'a str {
    v.get(key).map_or("", |s| s.trim())
}

fn opt(v: &Values, key: &str) -> Option<String> {
    let s = get(v, key);
    (!s.is_empty()).then(|| s.to_string())
}

/// The languages a name is asked in: those the operator requires, those the item has, and
/// English; the rest are offered under "other languages".
fn languages_for(cat: &Catalogue, values: &Values) -> (Vec<&'static str>, Vec<&'static str>) {
    let all = townpass_i18n::codes();
    let shown: Vec<&'static str> = all
        .iter()
        .copied()
        .filter(|l| {
            *l == "en"
                || cat.operator.languages.iter().any(|x| x == l)
                || values.iter().any(|(k, v)| {
                    !v.trim().is_empty() && k.split_once('.').is_some_and(|(_, x)| x == *l)
                })
        })
        .collect();
    let rest = all.into_iter().filter(|l| !shown.contains(l)).collect();
    (shown, rest)
}

fn names_from(v: &Values, field: &str) -> Names {
    v.iter()
        .filter_map(|(k, text)| {
            let lang = k.strip_prefix(field)?.strip_prefix('.')?;
            let text = text.trim();
            (townpass_i18n::codes().contains(&lang) && !text.is_empty())
                .then(|| (lang.to_string(), text.to_string()))
        })
        .collect()
}

fn names_into(v: &mut Values, field: &str, names: &Names) {
    for (lang, text) in names {
        v.insert(format!("{field}.{lang}"), text.clone());
    }
}

fn code_ok(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
        && code != "new"
}

fn country_ok(c: &str) -> bool {
    c.len() == 2 && c.chars().all(|x| x.is_ascii_uppercase())
}

// ---- to and from the form, per kind ----

fn values_of(kind: Kind, cat: &Catalogue, code: &str) -> Values {
    let mut v = Values::new();
    v.insert("code".into(), code.to_string());
    match kind {
        Kind::Town => {
            if let Some(t) = cat.towns.iter().find(|x| x.code == code) {
                names_into(&mut v, "name", &t.name);
                v.insert("country".into(), t.country.clone());
                v.insert("time_zone".into(), t.time_zone.clone());
            } else {
                v.insert("time_zone".into(), cat.operator.time_zone.clone());
            }
        }
        Kind::Partner => {
            if let Some(p) = cat.partners.iter().find(|x| x.code == code) {
                v.insert("name".into(), p.name.clone());
                v.insert("vat_id".into(), p.vat_id.clone().unwrap_or_default());
                v.insert("email".into(), p.email.clone());
                v.insert("currency".into(), p.currency.to_string());
                v.insert("iban".into(), p.iban.clone().unwrap_or_default());
                v.insert("bic".into(), p.bic.clone().unwrap_or_default());
                if let Some(a) = &p.address {
                    v.insert("addr_street".into(), a.street.clone().unwrap_or_default());
                    v.insert(
                        "addr_building".into(),
                        a.building.clone().unwrap_or_default(),
                    );
                    v.insert(
                        "addr_post_code".into(),
                        a.post_code.clone().unwrap_or_default(),
                    );
                    v.insert("addr_town".into(), a.town.clone());
                    v.insert("addr_country".into(), a.country.clone());
                }
            } else {
                v.insert("currency".into(), "EUR".into());
            }
        }
        Kind::Venue => {
            if let Some(x) = cat.venues.iter().find(|x| x.code == code) {
                names_into(&mut v, "name", &x.name);
                names_into(&mut v, "hours", &x.hours);
                v.insert("partner".into(), x.partner.clone());
                v.insert("town".into(), x.town.clone());
                v.insert("address".into(), x.address.clone().unwrap_or_default());
                v.insert(
                    "lat".into(),
                    x.lat.map(|f| f.to_string()).unwrap_or_default(),
                );
                v.insert(
                    "lon".into(),
                    x.lon.map(|f| f.to_string()).unwrap_or_default(),
                );
                v.insert("photo".into(), x.photo.clone().unwrap_or_default());
            }
        }
        Kind::SalesPoint => {
            if let Some(s) = cat.sales_points.iter().find(|x| x.code == code) {
                v.insert("name".into(), s.name.clone());
                v.insert("town".into(), s.town.clone().unwrap_or_default());
                v.insert("commission".into(), percent(s.commission_bp));
            }
        }
    }
    v
}

/// Basis points as a percentage with up to two decimals: 850 → "8.5".
fn percent(bp: u32) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "8.5" or "8,5" → 850; `None` unless 0 to 100 with at most two decimals.
fn basis_points(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let bp =
        whole.parse::<u32>().ok()?.checked_mul(100)? + format!("{frac:0<2}").parse::<u32>().ok()?;
    (bp <= 10_000).then_some(bp)
}

fn coordinate(
    ctx: &Ctx,
    v: &Values,
    field: &'static str,
    max: f64,
    p: &mut Problems,
) -> Option<f64> {
    let s = get(v, field).replace(',', ".");
    if s.is_empty() {
        return None;
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f.abs() <= max => Some(f),
        _ => {
            p.add(field, ctx.t("cat_err_coordinate"));
            None
        }
    }
}

/// Puts the form's item into `cat` (replacing the stored one), or says what is wrong.
fn apply_form(ctx: &Ctx, kind: Kind, cat: &mut Catalogue, code: &str, v: &Values) -> Problems {
    let mut p = Problems::default();
    let required = |p: &mut Problems, field: &'static str| {
        if get(v, field).is_empty() {
            p.add(field, ctx.t("cat_err_required"));
        }
    };
    match kind {
        Kind::Town => {
            let name = names_from(v, "name");
            if name.is_empty() {
                p.add("name", ctx.t("cat_err_name"));
            }
            let country = get(v, "country").to_uppercase();
            if !country_ok(&country) {
                p.add("country", ctx.t("cat_err_country"));
            }
            let zone = get(v, "time_zone");
            if jiff::tz::TimeZone::get(zone).is_err() {
                p.add("time_zone", ctx.t("cat_err_zone"));
            }
            let item = Town {
                code: code.to_string(),
                name,
                country,
                time_zone: zone.to_string(),
            };
            put(&mut cat.towns, item, |x| &x.code);
        }
        Kind::Partner => {
            required(&mut p, "name");
            let email = get(v, "email");
            if email.parse::<lettre::Address>().is_err() {
                p.add("email", ctx.t("cat_err_email"));
            }
            let currency = get(v, "currency").parse().ok();
            if currency.is_none() {
                p.add("currency", ctx.t("cat_err_currency"));
            }
            let iban = opt(v, "iban").map(|s| s.replace(' ', "").to_uppercase());
            let bic = opt(v, "bic").map(|s| s.replace(' ', "").to_uppercase());
            if let Some(i) = &iban
                && sepa::validate_iban(i).is_err()
            {
                p.add("iban", ctx.t("cat_err_iban"));
            }
            if let Some(b) = &bic {
                if sepa::validate_bic(b).is_err() {
                    p.add("bic", ctx.t("cat_err_bic"));
                } else if iban.is_none() {
                    p.add("iban", ctx.t("cat_err_bic_alone"));
                }
            }
            let any_address = [
                "addr_street",
                "addr_building",
                "addr_post_code",
                "addr_town",
                "addr_country",
            ]
            .iter()
            .any(|f| !get(v, f).is_empty());
            let address = any_address.then(|| {
                required(&mut p, "addr_town");
                let country = get(v, "addr_country").to_uppercase();
                if !country_ok(&country) {
                    p.add("addr_country", ctx.t("cat_err_country"));
                }
                Address {
                    street: opt(v, "addr_street"),
                    building: opt(v, "addr_building"),
                    post_code: opt(v, "addr_post_code"),
                    town: get(v, "addr_town").to_string(),
                    country,
                }
            });
            if let Some(currency) = currency {
                let item = Partner {
                    code: code.to_string(),
                    name: get(v, "name").to_string(),
                    vat_id: opt(v, "vat_id"),
                    iban,
                    bic,
                    currency,
                    email: email.to_string(),
                    address,
                };
                put(&mut cat.partners, item, |x| &x.code);
            }
        }
        Kind::Venue => {
            let name = names_from(v, "name");
            if name.is_empty() {
                p.add("name", ctx.t("cat_err_name"));
            }
            if !cat.partners.iter().any(|x| x.code == get(v, "partner")) {
                p.add("partner", ctx.t("cat_err_choose"));
            }
            if !cat.towns.iter().any(|x| x.code == get(v, "town")) {
                p.add("town", ctx.t("cat_err_choose"));
            }
            let lat = coordinate(ctx, v, "lat", 90.0, &mut p);
            let lon = coordinate(ctx, v, "lon", 180.0, &mut p);
            if lat.is_some() != lon.is_some()
                && !p.fields.contains_key("lat")
                && !p.fields.contains_key("lon")
            {
                p.add(
                    if lat.is_none() { "lat" } else { "lon" },
                    ctx.t("cat_err_both_coordinates"),
                );
            }
            let photo = opt(v, "photo");
            if photo
                .as_deref()
                .is_some_and(|f| f.contains(['/', '\\']) || f.starts_with('.'))
            {
                p.add("photo", ctx.t("cat_err_photo"));
            }
            let item = Venue {
                code: code.to_string(),
                partner: get(v, "partner").to_string(),
                town: get(v, "town").to_string(),
                name,
                address: opt(v, "address"),
                lat,
                lon,
                hours: names_from(v, "hours"),
                photo,
            };
            put(&mut cat.venues, item, |x| &x.code);
        }
        Kind::SalesPoint => {
            required(&mut p, "name");
            let town = opt(v, "town");
            if town
                .as_deref()
                .is_some_and(|t| !cat.towns.iter().any(|x| x.code == t))
            {
                p.add("town", ctx.t("cat_err_choose"));
            }
            let bp = basis_points(get(v, "commission"));
            if bp.is_none() {
                p.add("commission", ctx.t("cat_err_percent"));
            }
            let item = SalesPoint {
                code: code.to_string(),
                name: get(v, "name").to_string(),
                town,
                commission_bp: bp.unwrap_or(0),
            };
            put(&mut cat.sales_points, item, |x| &x.code);
        }
    }
    p
}

/// Replaces the item with the same code, or adds it at the end.
fn put<T>(items: &mut Vec<T>, item: T, code: impl Fn(&T) -> &str) {
    match items.iter().position(|x| code(x) == code(&item)) {
        Some(i) => items[i] = item,
        None => items.push(item),
    }
}

// ---- pages ----

#[derive(Debug, serde::Deserialize)]
pub struct IndexQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// Every town, partner, venue and sales point by name, with the recent changes.
pub async fn index(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let lang = ctx.lang;
    let Some(cat) = state.store.load_catalogue().await? else {
        let body = html! { p { (ctx.t("cat_empty")) } };
        return Ok(ctx.page(&ctx.t("cat_title"), body));
    };
    let zone = cat.operator.time_zone.clone();
    let saved = q.saved.as_deref().and_then(|s| {
        let (kind, code) = s.split_once('/')?;
        let kind = Kind::from_path(kind)?;
        Some(ctx.tf(
            "cat_saved",
            &[("name", &item_name(&cat, kind.word(), code, lang))],
        ))
    });
    let changes = state.store.catalogue_changes(None, 20).await?;
    let town_name = |code: &str| {
        cat.towns
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.to_string(), |t| pick(&t.name, lang).to_string())
    };
    let partner_name = |code: &str| {
        cat.partners
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.to_string(), |t| t.name.clone())
    };
    let edit = |kind: Kind, code: &str| {
        html! { a href={ "/admin/catalogue/" (kind.path()) "/" (code) } aria-label=(ctx.tf("cat_edit_item", &[("code", code)])) { (ctx.t("cat_edit")) } }
    };
    let add = |kind: Kind| {
        html! { p { a.button href={ "/admin/catalogue/" (kind.path()) "/new" } #{ "add-" (kind.path()) } { (ctx.t(&format!("cat_add_{}", kind.path().replace('-', "_")))) } } }
    };
    let body = html! {
        @if let Some(m) = &saved { p.ok role="status" { (m) } }
        p { (ctx.t("cat_intro")) }
        nav { a href="#towns" { (ctx.t("cat_towns")) } " · " a href="#partners" { (ctx.t("cat_partners")) } " · " a href="#venues" { (ctx.t("cat_venues")) } " · " a href="#sales-points" { (ctx.t("cat_sales_points")) } " · " a href="#file" { (ctx.t("cat_offers_products")) } " · " a href="#changes" { (ctx.t("cat_changes")) } }

        h2 #towns { (ctx.t("cat_towns")) }
        div.scroll { table #towns-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_country")) } th { (ctx.t("cat_time_zone")) } th { (ctx.t("cat_code")) } th {} } }
            tbody { @for t in &cat.towns { tr { td { (pick(&t.name, lang)) } td { (t.country) } td { (t.time_zone) } td.code { (t.code) } td { (edit(Kind::Town, &t.code)) } } } }
        } }
        (add(Kind::Town))

        h2 #partners { (ctx.t("cat_partners")) }
        div.scroll { table #partners-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_currency")) } th { (ctx.t("cat_iban")) } th { (ctx.t("cat_address")) } th { (ctx.t("cat_code")) } th {} } }
            tbody { @for x in &cat.partners { tr {
                td { (x.name) }
                td { (x.currency) }
                td { (x.iban.as_deref().unwrap_or("—")) }
                td { (x.address.as_ref().map_or_else(|| "—".to_string(), Address::one_line)) }
                td.code { (x.code) }
                td { (edit(Kind::Partner, &x.code)) }
            } } }
        } }
        (add(Kind::Partner))

        h2 #venues { (ctx.t("cat_venues")) }
        div.scroll { table #venues-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_partner")) } th { (ctx.t("cat_town")) } th { (ctx.t("cat_code")) } th {} } }
            tbody { @for x in &cat.venues { tr { td { (name_in(&x.name, lang)) } td { (partner_name(&x.partner)) } td { (town_name(&x.town)) } td.code { (x.code) } td { (edit(Kind::Venue, &x.code)) } } } }
        } }
        (add(Kind::Venue))

        h2 #sales-points { (ctx.t("cat_sales_points")) }
        div.scroll { table #sales-points-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_town")) } th.num { (ctx.t("cat_commission")) } th { (ctx.t("cat_code")) } th {} } }
            tbody { @for x in &cat.sales_points { tr { td { (x.name) } td { (x.town.as_deref().map_or_else(|| "—".to_string(), town_name)) } td.num { (crate::settlement::rates::local_rate(lang, &percent(x.commission_bp))) " %" } td.code { (x.code) } td { (edit(Kind::SalesPoint, &x.code)) } } } }
        } }
        (add(Kind::SalesPoint))

        h2 #file { (ctx.t("cat_offers_products")) }
        p { (ctx.tf("cat_file_only", &[("offers", &cat.offers.len().to_string()), ("products", &cat.products.len().to_string())])) }
        p { a.button.secondary href="/admin/catalogue.toml" download="catalogue.toml" { (ctx.t("cat_download")) } }

        h2 #changes { (ctx.t("cat_changes")) }
        @if changes.is_empty() { p { (ctx.t("cat_changes_none")) } }
        @else {
            div.scroll { table #changes-table {
                thead { tr { th { (ctx.t("adm_search_when")) } th { (ctx.t("cat_col_who")) } th { (ctx.t("cat_col_item")) } th { (ctx.t("cat_col_change")) } } }
                tbody { @for c in &changes { tr {
                    td { (local_time_in(lang, c.at, &zone)) }
                    td { (who(&ctx, &c.actor)) }
                    td { (kind_word(&ctx, &c.kind)) ": " (item_name(&cat, &c.kind, &c.code, lang)) @if !c.code.is_empty() { " " span.code { "(" (c.code) ")" } } }
                    td { (ctx.t(&format!("cat_action_{}", c.action)))
                        @let fields = c.changed_fields();
                        @if c.action != "added" && !fields.is_empty() { " — " (fields.join(", ")) } }
                } } }
            } }
        }
    };
    Ok(ctx.page(&ctx.t("cat_title"), body))
}

/// Who changed the catalogue, in words.
fn who(ctx: &Ctx, actor: &str) -> String {
    match actor.strip_prefix("admin:") {
        Some(email) => email.to_string(),
        None if actor == crate::catalog::COMMAND_LINE => ctx.t("cat_by_command_line"),
        None => actor.to_string(),
    }
}

fn kind_word(ctx: &Ctx, kind: &str) -> String {
    ctx.t(&format!("cat_kind_{}", kind.replace(' ', "_")))
}

/// An item's name in `lang`, by the audit log's kind word; the code if it is gone.
fn item_name(cat: &Catalogue, kind: &str, code: &str, lang: &str) -> String {
    let found = match kind {
        "operator" => Some(cat.operator.name.clone()),
        "town" => cat
            .towns
            .iter()
            .find(|x| x.code == code)
            .map(|x| pick(&x.name, lang).to_string()),
        "partner" => cat
            .partners
            .iter()
            .find(|x| x.code == code)
            .map(|x| x.name.clone()),
        "venue" => cat
            .venues
            .iter()
            .find(|x| x.code == code)
            .map(|x| pick(&x.name, lang).to_string()),
        "offer" => cat
            .offers
            .iter()
            .find(|x| x.code == code)
            .and_then(|x| (!x.name.is_empty()).then(|| pick(&x.name, lang).to_string())),
        "product" => cat
            .products
            .iter()
            .find(|x| x.code == code)
            .map(|x| pick(&x.name, lang).to_string()),
        "sales point" => cat
            .sales_points
            .iter()
            .find(|x| x.code == code)
            .map(|x| x.name.clone()),
        "category" => cat
            .all_categories()
            .into_iter()
            .find(|x| x.code == code)
            .map(|x| pick(&x.name, lang).to_string()),
        _ => None,
    };
    found.unwrap_or_else(|| code.to_string())
}

/// The whole stored catalogue as the TOML file `townpass catalog apply` takes.
pub async fn download(State(state): State<Shared>, ctx: Ctx) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let Some(text) = crate::catalog::export(&state.store)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
    else {
        return Err(WebError::NotFound);
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"catalogue.toml\"",
            ),
        ],
        text,
    )
        .into_response())
}

/// The form for one item (`new`: a new one).
pub async fn edit(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((kind, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let kind = Kind::from_path(&kind).ok_or(WebError::NotFound)?;
    let cat = state
        .store
        .load_catalogue()
        .await?
        .ok_or(WebError::NotFound)?;
    let creating = code == "new";
    if !creating && !kind.exists(&cat, &code) {
        return Err(WebError::NotFound);
    }
    let values = values_of(kind, &cat, if creating { "" } else { &code });
    let history = if creating {
        Vec::new()
    } else {
        state
            .store
            .catalogue_changes(Some((kind.word(), &code)), 10)
            .await?
    };
    Ok(render_form(
        &ctx,
        &cat,
        kind,
        (!creating).then_some(code.as_str()),
        &values,
        &Problems::default(),
        &history,
    ))
}

/// Saves one item: the form's checks, then the catalogue's own validation and apply.
pub async fn save(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((kind, code)): Path<(String, String)>,
    CsrfForm(values): CsrfForm<Values>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let kind = Kind::from_path(&kind).ok_or(WebError::NotFound)?;
    let Some(mut cat) = state.store.load_catalogue().await? else {
        return Err(WebError::NotFound);
    };
    let creating = code == "new";
    if !creating && !kind.exists(&cat, &code) {
        return Err(WebError::NotFound);
    }
    let code = if creating {
        get(&values, "code").to_lowercase()
    } else {
        code
    };
    let mut problems = Problems::default();
    if creating {
        if !code_ok(&code) {
            problems.add("code", ctx.t("cat_err_code"));
        } else if kind.exists(&cat, &code) {
            problems.add("code", ctx.t("cat_err_code_taken"));
        }
    }
    let form_problems = apply_form(&ctx, kind, &mut cat, &code, &values);
    for (field, list) in form_problems.fields {
        for m in list {
            problems.add(field, m);
        }
    }
    if problems.is_empty() {
        let actor = format!("admin:{}", me.email);
        match crate::catalog::apply_as(&state.store, &cat, crate::store::now(), &actor).await {
            Ok(report) => {
                tracing::info!(by = %me.email, kind = kind.word(), %code, changed = report.changed(), "catalogue item saved");
                return Ok(Redirect::to(&format!(
                    "/admin/catalogue?saved={}/{code}#{}",
                    kind.path(),
                    kind.path()
                ))
                .into_response());
            }
            Err(CatalogError::Invalid(list)) => {
                let mine = format!("{} '{code}'", kind.word());
                for m in list {
                    match (m.contains(&mine)).then(|| kind.field_of(&m)).flatten() {
                        Some(field) => problems.add(field, m),
                        None => problems.general.push(m),
                    }
                }
            }
            Err(CatalogError::Store(e)) => return Err(e.into()),
            Err(e) => return Err(WebError::Internal(e.to_string())),
        }
    }
    let cat = state
        .store
        .load_catalogue()
        .await?
        .ok_or(WebError::NotFound)?;
    let history = if creating {
        Vec::new()
    } else {
        state
            .store
            .catalogue_changes(Some((kind.word(), &code)), 10)
            .await?
    };
    let mut page = render_form(
        &ctx,
        &cat,
        kind,
        (!creating).then_some(code.as_str()),
        &values,
        &problems,
        &history,
    );
    *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page)
}

fn render_form(
    ctx: &Ctx,
    cat: &Catalogue,
    kind: Kind,
    code: Option<&str>,
    v: &Values,
    problems: &Problems,
    history: &[crate::store::CatalogueChange],
) -> Response {
    let lang = ctx.lang;
    let key = kind.path().replace('-', "_");
    let title = match code {
        Some(c) => format!(
            "{}: {}",
            kind_word(ctx, kind.word()),
            item_name(cat, kind.word(), c, lang)
        ),
        None => ctx.t(&format!("cat_add_{key}")),
    };
    let action = format!("/admin/catalogue/{}/{}", kind.path(), code.unwrap_or("new"));
    let (shown, rest) = languages_for(cat, v);
    let text = |field: &'static str, label: &str, attrs: &str| -> Markup {
        let bad = problems.fields.get(field);
        html! {
            label for=(field) { (label) }
            @match attrs {
                "email" => input #(field) name=(field) type="email" value=(get(v, field)) aria-invalid=[bad.map(|_| "true")] aria-describedby=[bad.map(|_| format!("{field}-error"))];,
                "required" => input #(field) name=(field) required value=(get(v, field)) aria-invalid=[bad.map(|_| "true")] aria-describedby=[bad.map(|_| format!("{field}-error"))];,
                _ => input #(field) name=(field) value=(get(v, field)) aria-invalid=[bad.map(|_| "true")] aria-describedby=[bad.map(|_| format!("{field}-error"))];,
            }
            (field_errors(field, bad))
        }
    };
    let names = |field: &'static str, legend: &str, required: bool| -> Markup {
        let bad = problems.fields.get(field);
        html! {
            fieldset #(field) {
                legend { (legend) }
                @for l in &shown {
                    @let id = format!("{field}.{l}");
                    label for=(id) { (crate::i18n::t(l, "language-name")) }
                    input #(id) name=(id) value=(get(v, &id)) lang=(l) required[required && (*l == "en" || cat.operator.languages.iter().any(|x| x == l))];
                }
                @if !rest.is_empty() {
                    details {
                        summary { (ctx.t("cat_other_languages")) }
                        @for l in &rest {
                            @let id = format!("{field}.{l}");
                            label for=(id) { (crate::i18n::t(l, "language-name")) }
                            input #(id) name=(id) value=(get(v, &id)) lang=(l);
                        }
                    }
                }
                (field_errors(field, bad))
            }
        }
    };
    let select = |field: &'static str,
                  label: &str,
                  options: Vec<(String, String)>,
                  none: Option<String>|
     -> Markup {
        let bad = problems.fields.get(field);
        let chosen = get(v, field);
        html! {
            label for=(field) { (label) }
            select #(field) name=(field) aria-invalid=[bad.map(|_| "true")] {
                @if let Some(n) = &none { option value="" selected[chosen.is_empty()] { (n) } }
                @for (value, text) in &options { option value=(value) selected[chosen == value] { (text) } }
            }
            (field_errors(field, bad))
        }
    };
    let towns: Vec<(String, String)> = cat
        .towns
        .iter()
        .map(|t| (t.code.clone(), pick(&t.name, lang).to_string()))
        .collect();
    let body = html! {
        @if !problems.is_empty() {
            div.error role="alert" {
                p { (ctx.tf("cat_refused", &[("n", &problems.count().to_string())])) }
                @if !problems.general.is_empty() { ul { @for m in &problems.general { li { (m) } } } }
            }
        }
        form method="post" action=(action) novalidate {
            (ctx.csrf_field())
            @if code.is_none() {
                (text("code", &ctx.t("cat_code"), "required"))
                p.hint { (ctx.t("cat_code_hint")) }
            } @else {
                p { (ctx.t("cat_code")) ": " span.code { (get(v, "code")) } }
            }
            @match kind {
                Kind::Town => {
                    (names("name", &ctx.t("cat_name"), true))
                    (text("country", &ctx.t("cat_country"), "required"))
                    (text("time_zone", &ctx.t("cat_time_zone"), "required"))
                    p.hint { (ctx.t("cat_time_zone_hint")) }
                }
                Kind::Partner => {
                    (text("name", &ctx.t("cat_name"), "required"))
                    (text("email", &ctx.t("cat_email"), "email"))
                    (text("vat_id", &ctx.t("cat_vat"), ""))
                    (select("currency", &ctx.t("cat_currency"), currencies(get(v, "currency")), None))
                    fieldset {
                        legend { (ctx.t("cat_bank")) }
                        (text("iban", &ctx.t("cat_iban"), ""))
                        (text("bic", &ctx.t("cat_bic"), ""))
                        p.hint { (ctx.t("cat_bank_hint")) }
                    }
                    fieldset {
                        legend { (ctx.t("cat_address")) }
                        (text("addr_street", &ctx.t("cat_street"), ""))
                        (text("addr_building", &ctx.t("cat_building"), ""))
                        (text("addr_post_code", &ctx.t("cat_post_code"), ""))
                        (text("addr_town", &ctx.t("cat_town"), ""))
                        (text("addr_country", &ctx.t("cat_country"), ""))
                        p.hint { (ctx.t("cat_address_hint")) }
                    }
                }
                Kind::Venue => {
                    (names("name", &ctx.t("cat_name"), true))
                    (select("partner", &ctx.t("cat_partner"), cat.partners.iter().map(|p| (p.code.clone(), p.name.clone())).collect(), Some(ctx.t("cat_choose"))))
                    (select("town", &ctx.t("cat_town"), towns.clone(), Some(ctx.t("cat_choose"))))
                    (text("address", &ctx.t("cat_venue_address"), ""))
                    (text("lat", &ctx.t("cat_lat"), ""))
                    (text("lon", &ctx.t("cat_lon"), ""))
                    (names("hours", &ctx.t("cat_hours"), false))
                    (text("photo", &ctx.t("cat_photo"), ""))
                }
                Kind::SalesPoint => {
                    (text("name", &ctx.t("cat_name"), "required"))
                    (select("town", &ctx.t("cat_town"), towns.clone(), Some(ctx.t("cat_none"))))
                    (text("commission", &ctx.t("cat_commission"), "required"))
                    p.hint { (ctx.t("cat_commission_hint")) }
                }
            }
            button type="submit" { (ctx.t("cat_save")) }
            " "
            a.button.secondary href={ "/admin/catalogue#" (kind.path()) } { (ctx.t("adm_cancel")) }
        }
        @if !history.is_empty() {
            h2 { (ctx.t("cat_changes")) }
            ul #history { @for c in history {
                li { (local_time_in(lang, c.at, &cat.operator.time_zone)) " — " (who(ctx, &c.actor)) " — " (ctx.t(&format!("cat_action_{}", c.action)))
                    @let fields = c.changed_fields();
                    @if c.action != "added" && !fields.is_empty() { ": " (fields.join(", ")) } }
            } }
        }
    };
    ctx.page(&title, body)
}

/// The payout currencies offered: the region's, and the partner's own if it is another.
fn currencies(current: &str) -> Vec<(String, String)> {
    let mut list: Vec<String> = ["EUR", "MKD", "RSD", "HUF"].map(String::from).to_vec();
    if !current.is_empty() && !list.iter().any(|c| c == current) {
        list.push(current.to_string());
    }
    list.into_iter().map(|c| (c.clone(), c)).collect()
}

fn field_errors(field: &str, bad: Option<&Vec<String>>) -> Markup {
    html! {
        @if let Some(list) = bad {
            p.error.field-error id={ (field) "-error" } { @for (i, m) in list.iter().enumerate() { @if i > 0 { br; } (m) } }
        }
    }
}
