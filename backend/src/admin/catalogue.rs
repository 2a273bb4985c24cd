//! The catalogue in the browser: towns, partners (structured address, VAT id, IBAN and BIC,
//! payout currency), venues, sales points, offers and products (validity, categories and prices,
//! offers, revenue model and shares), listed by name, added and edited with a form.
//!
//! One code path with `townpass catalog apply`: the form changes one item of the stored
//! catalogue, and the whole catalogue goes through the same validation, the same apply (one
//! transaction; a sold product's change becomes a new version) and the same audit log, as the
//! operator who saved it. Mistakes are shown beside the field they concern, in the reader's
//! language where the form itself can tell (required, formats, amounts, IBAN, BIC); what only the
//! catalogue as a whole can tell comes from the shared validation, at its field where it names
//! one. Amounts in further currencies of an offer (`amounts_in`) are kept as stored and edited in
//! the file; a product's prices in its further currencies are edited here.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use townpass_core::catalog::{
    Address, Catalogue, Limit, Names, Offer, OfferKind, Partner, Product, ProductKind, Revenue,
    RevenueModel, SalesPoint, Town, Validity, Venue, pick, valid_photo_name,
};
use townpass_core::money::Currency;

use crate::catalog::CatalogError;
use crate::http::Shared;
use crate::http::forms::CsrfForm;
use crate::http::web::{Ctx, WebError};
use crate::i18n::present::{local_time_in, name as name_in, percent};
use crate::settlement::disputes::parse_amount;

/// The kinds of item the pages edit, by their path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Town,
    Partner,
    Venue,
    SalesPoint,
    Offer,
    Product,
    Operator,
    Category,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Town,
        Kind::Partner,
        Kind::Venue,
        Kind::SalesPoint,
        Kind::Offer,
        Kind::Product,
        Kind::Operator,
        Kind::Category,
    ];

    fn from_path(p: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == p)
    }

    fn path(self) -> &'static str {
        match self {
            Kind::Town => "towns",
            Kind::Partner => "partners",
            Kind::Venue => "venues",
            Kind::SalesPoint => "sales-points",
            Kind::Offer => "offers",
            Kind::Product => "products",
            Kind::Operator => "operator",
            Kind::Category => "categories",
        }
    }

    /// The word the validation and the audit log use.
    fn word(self) -> &'static str {
        match self {
            Kind::Town => "town",
            Kind::Partner => "partner",
            Kind::Venue => "venue",
            Kind::SalesPoint => "sales point",
            Kind::Offer => "offer",
            Kind::Product => "product",
            Kind::Operator => "operator",
            Kind::Category => "category",
        }
    }

    /// The code the audit log records an item under (the operator has none).
    fn audit_code(self, code: &str) -> &str {
        if self == Kind::Operator { "" } else { code }
    }

    /// How the shared validation names this item in its messages.
    fn named(self, code: &str) -> String {
        match self {
            Kind::Operator => "operator".to_string(),
            _ => format!("{} '{code}'", self.word()),
        }
    }

    fn exists(self, cat: &Catalogue, code: &str) -> bool {
        match self {
            Kind::Town => cat.towns.iter().any(|x| x.code == code),
            Kind::Partner => cat.partners.iter().any(|x| x.code == code),
            Kind::Venue => cat.venues.iter().any(|x| x.code == code),
            Kind::SalesPoint => cat.sales_points.iter().any(|x| x.code == code),
            Kind::Offer => cat.offers.iter().any(|x| x.code == code),
            Kind::Product => cat.products.iter().any(|x| x.code == code),
            // The operator is one record, always at `details`.
            Kind::Operator => code == OPERATOR,
            Kind::Category => cat.all_categories().iter().any(|x| x.code == code),
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
            Kind::Offer => &[
                ("venue", "venue"),
                ("discount", "discount"),
                ("rack_rate", "amounts"),
                ("reimbursement", "amounts"),
                ("amounts", "amounts"),
                ("categor", "amounts"),
                ("photo", "photo"),
                ("hours", "hours"),
                ("from", "from"),
                ("until", "until"),
            ],
            Kind::Product => &[
                ("offer", "offers"),
                ("price", "prices"),
                ("categor", "prices"),
                ("operator_fee", "operator_fee"),
                ("breakage", "breakage"),
                ("share", "shares"),
                ("time zone", "time_zone"),
                ("photo", "photo"),
                ("description", "description"),
                ("name", "name"),
                ("valid", "validity"),
                ("choose", "choose"),
                ("expires", "expires_after_days"),
            ],
            Kind::Operator => &[
                ("languages", "languages"),
                ("IBAN", "iban"),
                ("BIC", "bic"),
                ("address country", "addr_country"),
                ("address", "addr_town"),
                ("time zone", "time_zone"),
            ],
            Kind::Category => &[("name", "name"), ("code", "code")],
        };
        rules
            .iter()
            .find(|(needle, _)| message.contains(needle))
            .map(|(_, field)| *field)
    }
}

/// The path segment of the operator's one record.
const OPERATOR: &str = "details";

/// A catalogue with nothing in it yet but the operator (set up in the browser from scratch).
fn empty_catalogue() -> Catalogue {
    Catalogue {
        operator: townpass_core::catalog::Operator {
            name: String::new(),
            time_zone: "Europe/Sofia".into(),
            email: String::new(),
            languages: Vec::new(),
            vat_id: None,
            iban: None,
            bic: None,
            address: None,
        },
        categories: Vec::new(),
        towns: Vec::new(),
        partners: Vec::new(),
        venues: Vec::new(),
        offers: Vec::new(),
        products: Vec::new(),
        sales_points: Vec::new(),
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
        && !code.ends_with('-')
        && code != "new"
}

/// An ISO 3166 country: two capital letters that name one ("XX" does not).
fn country_ok(c: &str) -> bool {
    c.len() == 2 && c.chars().all(|x| x.is_ascii_uppercase()) && sepa::is_country_code(c)
}

/// The time zone as the IANA database spells it ("europe/sofia" is Europe/Sofia), or a problem.
fn zone_field(ctx: &Ctx, v: &Values, p: &mut Problems) -> String {
    let typed = get(v, "time_zone");
    match jiff::tz::TimeZone::get(typed) {
        Ok(tz) => tz.iana_name().unwrap_or(typed).to_string(),
        Err(_) => {
            p.add("time_zone", ctx.t("cat_err_zone"));
            typed.to_string()
        }
    }
}

/// The longest text a field takes: names and most fields 200 characters, descriptions 2000.
fn too_long(key: &str, value: &str) -> Option<usize> {
    let max = if key.starts_with("description.") {
        2000
    } else {
        200
    };
    (value.chars().count() > max).then_some(max)
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
                address_into(&mut v, p.address.as_ref());
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
        Kind::Offer => match cat.offers.iter().find(|x| x.code == code) {
            Some(o) => {
                let money = offer_currency(cat, &o.code, o.currency);
                names_into(&mut v, "name", &o.name);
                v.insert("venue".into(), o.venue.clone());
                v.insert("kind".into(), enum_word(&o.kind));
                v.insert("limit".into(), enum_word(&o.limit));
                if let Some(bp) = o.discount_bp {
                    v.insert("discount_percent".into(), percent(bp));
                }
                if let Some(m) = o.discount_minor {
                    v.insert("discount_amount".into(), plain_amount(m, money));
                }
                for (cat_code, m) in &o.rack_rate {
                    v.insert(format!("rack.{cat_code}"), plain_amount(*m, money));
                }
                for (cat_code, m) in &o.reimbursement {
                    v.insert(format!("reimb.{cat_code}"), plain_amount(*m, money));
                }
                v.insert(
                    "currency".into(),
                    o.currency.map(|c| c.to_string()).unwrap_or_default(),
                );
                v.insert("from".into(), o.from.clone().unwrap_or_default());
                v.insert("until".into(), o.until.clone().unwrap_or_default());
                v.insert("hours".into(), o.hours.clone().unwrap_or_default());
            }
            None => {
                v.insert("kind".into(), "entry".into());
                v.insert("limit".into(), "once".into());
            }
        },
        Kind::Product => match cat.products.iter().find(|x| x.code == code) {
            Some(p) => {
                names_into(&mut v, "name", &p.name);
                names_into(&mut v, "description", &p.description);
                v.insert("kind".into(), enum_word(&p.kind));
                v.insert("currency".into(), p.currency.to_string());
                v.insert("time_zone".into(), p.time_zone.clone());
                match &p.validity {
                    Validity::Hours { hours } => {
                        v.insert("validity".into(), "hours".into());
                        v.insert("validity_hours".into(), hours.to_string());
                    }
                    Validity::Days { days } => {
                        v.insert("validity".into(), "days".into());
                        v.insert("validity_days".into(), days.to_string());
                    }
                    Validity::Dates { from, until } => {
                        v.insert("validity".into(), "dates".into());
                        v.insert("validity_from".into(), from.clone());
                        v.insert("validity_until".into(), until.clone());
                    }
                }
                v.insert(
                    "expires_after_days".into(),
                    p.expires_after_days.to_string(),
                );
                v.insert(
                    "choose".into(),
                    p.choose.map(|c| c.to_string()).unwrap_or_default(),
                );
                for o in &p.offers {
                    v.insert(format!("offer.{o}"), "on".into());
                }
                for (c, m) in &p.prices {
                    v.insert(format!("price.main.{c}"), plain_amount(*m, p.currency));
                }
                for (cur, list) in &p.prices_in {
                    for (c, m) in list {
                        v.insert(format!("price.{cur}.{c}"), plain_amount(*m, *cur));
                    }
                }
                v.insert(
                    "prices_in".into(),
                    p.prices_in
                        .keys()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                v.insert("revenue_model".into(), enum_word(&p.revenue.model));
                v.insert("operator_fee".into(), percent(p.revenue.operator_fee_bp));
                v.insert(
                    "breakage".into(),
                    p.revenue
                        .breakage
                        .clone()
                        .unwrap_or_else(|| "operator".into()),
                );
                for (partner, w) in &p.revenue.shares {
                    v.insert(format!("share.{partner}"), w.to_string());
                }
                if p.on_sale {
                    v.insert("on_sale".into(), "on".into());
                }
                if p.pay_at_pickup {
                    v.insert("pay_at_pickup".into(), "on".into());
                }
                v.insert("photo".into(), p.photo.clone().unwrap_or_default());
            }
            None => {
                v.insert("kind".into(), "pass".into());
                v.insert("currency".into(), "EUR".into());
                v.insert("time_zone".into(), cat.operator.time_zone.clone());
                v.insert("validity".into(), "hours".into());
                v.insert("validity_hours".into(), "72".into());
                v.insert("expires_after_days".into(), "365".into());
                v.insert("revenue_model".into(), "pool".into());
                v.insert("operator_fee".into(), "10".into());
                v.insert("breakage".into(), "operator".into());
                // A new product is not on sale until the operator says it is ready.
                v.insert("pay_at_pickup".into(), "on".into());
            }
        },
        Kind::Operator => {
            let o = &cat.operator;
            v.insert("name".into(), o.name.clone());
            v.insert("email".into(), o.email.clone());
            v.insert("time_zone".into(), o.time_zone.clone());
            for l in &o.languages {
                v.insert(format!("lang.{l}"), "on".into());
            }
            v.insert("vat_id".into(), o.vat_id.clone().unwrap_or_default());
            v.insert("iban".into(), o.iban.clone().unwrap_or_default());
            v.insert("bic".into(), o.bic.clone().unwrap_or_default());
            address_into(&mut v, o.address.as_ref());
        }
        Kind::Category => {
            if let Some(c) = cat.all_categories().into_iter().find(|x| x.code == code) {
                names_into(&mut v, "name", &c.name);
            }
        }
    }
    v
}

fn address_into(v: &mut Values, a: Option<&Address>) {
    if let Some(a) = a {
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
}

/// A structured address from the form (`None` if every field is empty), with its problems.
fn address_from(ctx: &Ctx, v: &Values, p: &mut Problems) -> Option<Address> {
    let any = [
        "addr_street",
        "addr_building",
        "addr_post_code",
        "addr_town",
        "addr_country",
    ]
    .iter()
    .any(|f| !get(v, f).is_empty());
    if !any {
        return None;
    }
    if get(v, "addr_town").is_empty() {
        p.add("addr_town", ctx.t("cat_err_required"));
    }
    let country = get(v, "addr_country").to_uppercase();
    if !country_ok(&country) {
        p.add("addr_country", ctx.t("cat_err_country"));
    }
    Some(Address {
        street: opt(v, "addr_street"),
        building: opt(v, "addr_building"),
        post_code: opt(v, "addr_post_code"),
        town: get(v, "addr_town").to_string(),
        country,
    })
}

/// An IBAN and a BIC from the form, normalised (no spaces, capitals), with their problems.
fn bank_from(ctx: &Ctx, v: &Values, p: &mut Problems) -> (Option<String>, Option<String>) {
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
    (iban, bic)
}

/// A unit enum as the catalogue file writes it (`per_visit`, `once`, `pass`).
fn enum_word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The form's word back into the enum, `None` if it is none of them.
fn enum_from<T: serde::de::DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word.to_string())).ok()
}

/// Minor units as the plain amount a form field holds and `parse_amount` reads back: 4500 EUR
/// is "45.00" (core's exact `Money::decimal`).
fn plain_amount(minor: i64, currency: Currency) -> String {
    townpass_core::money::Money { minor, currency }.decimal()
}

/// The currency of an offer's amounts: its own, else the first including product's main
/// currency (the amounts are then in that currency); EUR for an offer no product includes yet.
fn offer_currency(cat: &Catalogue, code: &str, currency: Option<Currency>) -> Currency {
    currency
        .or_else(|| {
            cat.products
                .iter()
                .find(|p| p.offers.iter().any(|o| o == code))
                .map(|p| p.currency)
        })
        .unwrap_or(Currency::EUR)
}

/// "8.5", "8,5" or "8.5 %" → 850; `None` unless 0 to 100 with at most two decimals.
fn basis_points(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%');
    let bp = parse_amount(s, 2)?;
    u32::try_from(bp).ok().filter(|bp| *bp <= 10_000)
}

/// An amount in minor units from a form field; `None` for an empty field; a problem at `field`
/// if it is not an amount.
fn amount_field(
    ctx: &Ctx,
    v: &Values,
    key: &str,
    field: &'static str,
    exponent: u32,
    p: &mut Problems,
) -> Option<i64> {
    let text = get(v, key);
    if text.is_empty() {
        return None;
    }
    let found = parse_amount(text, exponent);
    match found {
        None => p.add(field, ctx.tf("cat_err_amount", &[("text", text)])),
        Some(m) if m > townpass_core::catalog::MAX_AMOUNT_MINOR => {
            p.add(field, ctx.tf("cat_err_too_big", &[("text", text)]));
        }
        Some(_) => {}
    }
    found
}

/// A whole number from a form field (`None` if empty); a problem at `field` if it is not one.
fn count_field(ctx: &Ctx, v: &Values, field: &'static str, p: &mut Problems) -> Option<u32> {
    let text = get(v, field);
    if text.is_empty() {
        return None;
    }
    let found = text.parse::<u32>().ok();
    if found.is_none() {
        p.add(field, ctx.t("cat_err_whole"));
    }
    found
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
            let zone = zone_field(ctx, v, &mut p);
            let zone = zone.as_str();
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
            let (iban, bic) = bank_from(ctx, v, &mut p);
            let address = address_from(ctx, v, &mut p);
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
            if photo.as_deref().is_some_and(|f| !valid_photo_name(f)) {
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
        Kind::Offer => {
            let stored = cat.offers.iter().find(|x| x.code == code).cloned();
            if !cat.venues.iter().any(|x| x.code == get(v, "venue")) {
                p.add("venue", ctx.t("cat_err_choose"));
            }
            let kind: Option<OfferKind> = enum_from(get(v, "kind"));
            let limit: Option<Limit> = enum_from(get(v, "limit"));
            if kind.is_none() {
                p.add("kind", ctx.t("cat_err_choose"));
            }
            if limit.is_none() {
                p.add("limit", ctx.t("cat_err_choose"));
            }
            let currency: Option<Currency> = opt(v, "currency").and_then(|c| c.parse().ok());
            if opt(v, "currency").is_some() && currency.is_none() {
                p.add("currency", ctx.t("cat_err_currency"));
            }
            let exp = offer_currency(cat, code, currency).exponent();
            let discount_bp = opt(v, "discount_percent").and_then(|t| {
                let bp = basis_points(&t);
                if bp.is_none() {
                    p.add("discount", ctx.t("cat_err_percent"));
                }
                bp
            });
            let discount_minor = amount_field(ctx, v, "discount_amount", "discount", exp, &mut p);
            if kind == Some(OfferKind::Discount)
                && discount_bp.is_some() == discount_minor.is_some()
            {
                p.add("discount", ctx.t("cat_err_discount"));
            }
            if kind == Some(OfferKind::Entry) && (discount_bp.is_some() || discount_minor.is_some())
            {
                p.add("discount", ctx.t("cat_err_entry_discount"));
            }
            let mut rack_rate = BTreeMap::new();
            let mut reimbursement = BTreeMap::new();
            for c in cat.all_categories() {
                if let Some(m) =
                    amount_field(ctx, v, &format!("rack.{}", c.code), "amounts", exp, &mut p)
                {
                    rack_rate.insert(c.code.clone(), m);
                }
                if let Some(m) =
                    amount_field(ctx, v, &format!("reimb.{}", c.code), "amounts", exp, &mut p)
                {
                    reimbursement.insert(c.code.clone(), m);
                }
            }
            for (field, text) in [("from", get(v, "from")), ("until", get(v, "until"))] {
                if !text.is_empty() && text.parse::<jiff::civil::Date>().is_err() {
                    p.add(field, ctx.t("cat_err_date"));
                }
            }
            if let (Ok(f), Ok(u)) = (
                get(v, "from").parse::<jiff::civil::Date>(),
                get(v, "until").parse::<jiff::civil::Date>(),
            ) && f > u
            {
                p.add("until", ctx.t("cat_err_dates_order"));
            }
            if opt(v, "hours").is_some_and(|h| townpass_core::protocol::parse_hours(&h).is_none()) {
                p.add("hours", ctx.t("cat_err_hours"));
            }
            if let (Some(kind), Some(limit)) = (kind, limit) {
                let item = Offer {
                    code: code.to_string(),
                    venue: get(v, "venue").to_string(),
                    name: names_from(v, "name"),
                    kind,
                    discount_bp,
                    discount_minor,
                    limit,
                    rack_rate,
                    reimbursement,
                    currency,
                    // Amounts in more currencies are kept as they are (edited in the file).
                    amounts_in: stored.map(|o| o.amounts_in).unwrap_or_default(),
                    from: opt(v, "from"),
                    until: opt(v, "until"),
                    hours: opt(v, "hours"),
                };
                put(&mut cat.offers, item, |x| &x.code);
            }
        }
        Kind::Product => {
            let stored_breakage = cat
                .products
                .iter()
                .find(|x| x.code == code)
                .and_then(|x| x.revenue.breakage.clone());
            let stored_breakage = stored_breakage.as_deref();
            let name = names_from(v, "name");
            if name.is_empty() {
                p.add("name", ctx.t("cat_err_name"));
            }
            let kind: Option<ProductKind> = enum_from(get(v, "kind"));
            if kind.is_none() {
                p.add("kind", ctx.t("cat_err_choose"));
            }
            let currency: Option<Currency> = get(v, "currency").parse().ok();
            if currency.is_none() {
                p.add("currency", ctx.t("cat_err_currency"));
            }
            let zone = zone_field(ctx, v, &mut p);
            let zone = zone.as_str();
            let validity = match get(v, "validity") {
                "hours" => count_field(ctx, v, "validity_hours", &mut p)
                    .filter(|h| (1..=townpass_core::catalog::MAX_VALIDITY_DAYS * 24).contains(h))
                    .map(|hours| Validity::Hours { hours }),
                "days" => count_field(ctx, v, "validity_days", &mut p)
                    .filter(|d| (1..=townpass_core::catalog::MAX_VALIDITY_DAYS).contains(d))
                    .map(|days| Validity::Days { days }),
                "dates" => {
                    let from = get(v, "validity_from");
                    let until = get(v, "validity_until");
                    match (
                        from.parse::<jiff::civil::Date>(),
                        until.parse::<jiff::civil::Date>(),
                    ) {
                        (Ok(f), Ok(u)) if f <= u => Some(Validity::Dates {
                            from: from.to_string(),
                            until: until.to_string(),
                        }),
                        _ => None,
                    }
                }
                _ => None,
            };
            if validity.is_none() {
                p.add("validity", ctx.t("cat_err_validity"));
            }
            let expires = count_field(ctx, v, "expires_after_days", &mut p).filter(|d| *d > 0);
            if expires.is_none() && !p.fields.contains_key("expires_after_days") {
                p.add("expires_after_days", ctx.t("cat_err_whole"));
            }
            let choose = count_field(ctx, v, "choose", &mut p);
            if choose == Some(0) {
                p.add("choose", ctx.t("cat_err_choose_zero"));
            }
            if expires.is_some_and(|d| d > townpass_core::catalog::MAX_EXPIRY_DAYS) {
                p.add("expires_after_days", ctx.t("cat_err_expires_max"));
            }
            let offers: Vec<String> = cat
                .offers
                .iter()
                .filter(|o| get(v, &format!("offer.{}", o.code)) == "on")
                .map(|o| o.code.clone())
                .collect();
            if offers.is_empty() {
                p.add("offers", ctx.t("cat_err_offers"));
            }
            let categories = cat.all_categories();
            let mut prices = BTreeMap::new();
            let mut prices_in: BTreeMap<Currency, BTreeMap<String, i64>> = BTreeMap::new();
            let others: Vec<Currency> = get(v, "prices_in")
                .split(',')
                .filter_map(|c| c.trim().parse().ok())
                .filter(|c| Some(*c) != currency)
                .collect();
            for c in &categories {
                if let Some(cur) = currency
                    && let Some(m) = amount_field(
                        ctx,
                        v,
                        &format!("price.main.{}", c.code),
                        "prices",
                        cur.exponent(),
                        &mut p,
                    )
                {
                    prices.insert(c.code.clone(), m);
                }
                for cur in &others {
                    if let Some(m) = amount_field(
                        ctx,
                        v,
                        &format!("price.{cur}.{}", c.code),
                        "prices",
                        cur.exponent(),
                        &mut p,
                    ) {
                        prices_in.entry(*cur).or_default().insert(c.code.clone(), m);
                    }
                }
            }
            if prices.is_empty() && !p.fields.contains_key("prices") {
                p.add("prices", ctx.t("cat_err_prices"));
            }
            let model: Option<RevenueModel> = enum_from(get(v, "revenue_model"));
            if model.is_none() {
                p.add("revenue_model", ctx.t("cat_err_choose"));
            }
            let fee = basis_points(get(v, "operator_fee"));
            if fee.is_none() {
                p.add("operator_fee", ctx.t("cat_err_percent"));
            }
            let breakage = get(v, "breakage");
            if breakage != "operator" && !cat.partners.iter().any(|x| x.code == breakage) {
                p.add("breakage", ctx.t("cat_err_choose"));
            }
            let mut shares = BTreeMap::new();
            for partner in &cat.partners {
                let text = get(v, &format!("share.{}", partner.code));
                if text.is_empty() {
                    continue;
                }
                match text.parse::<u32>() {
                    Ok(0) => {}
                    Ok(w) => {
                        shares.insert(partner.code.clone(), w);
                    }
                    Err(_) => p.add("shares", ctx.t("cat_err_whole")),
                }
            }
            if model == Some(RevenueModel::FixedShare)
                && shares.is_empty()
                && !p.fields.contains_key("shares")
            {
                p.add("shares", ctx.t("cat_err_shares"));
            }
            let photo = opt(v, "photo");
            if photo.as_deref().is_some_and(|f| !valid_photo_name(f)) {
                p.add("photo", ctx.t("cat_err_photo"));
            }
            if let (Some(kind), Some(currency), Some(validity), Some(model)) =
                (kind, currency, validity, model)
            {
                let item = Product {
                    code: code.to_string(),
                    kind,
                    name,
                    description: names_from(v, "description"),
                    currency,
                    time_zone: zone.to_string(),
                    validity,
                    expires_after_days: expires.unwrap_or(365),
                    choose,
                    offers,
                    prices,
                    prices_in,
                    revenue: Revenue {
                        model,
                        operator_fee_bp: fee.unwrap_or(0),
                        // "operator" is also what no breakage says: a stored product without
                        // one stays without one (so an unchanged form changes nothing).
                        breakage: match (breakage, stored_breakage) {
                            ("operator", None) => None,
                            (b, _) => Some(b.to_string()),
                        },
                        shares: if model == RevenueModel::FixedShare {
                            shares
                        } else {
                            BTreeMap::new()
                        },
                    },
                    on_sale: get(v, "on_sale") == "on",
                    pay_at_pickup: get(v, "pay_at_pickup") == "on",
                    photo,
                };
                put(&mut cat.products, item, |x| &x.code);
            }
        }
        Kind::Operator => {
            required(&mut p, "name");
            let email = get(v, "email");
            if email.parse::<lettre::Address>().is_err() {
                p.add("email", ctx.t("cat_err_email"));
            }
            let zone = zone_field(ctx, v, &mut p);
            let zone = zone.as_str();
            let (iban, bic) = bank_from(ctx, v, &mut p);
            let address = address_from(ctx, v, &mut p);
            cat.operator = townpass_core::catalog::Operator {
                name: get(v, "name").to_string(),
                time_zone: zone.to_string(),
                email: email.to_string(),
                languages: townpass_i18n::codes()
                    .into_iter()
                    .filter(|l| get(v, &format!("lang.{l}")) == "on")
                    .map(String::from)
                    .collect(),
                vat_id: opt(v, "vat_id"),
                iban,
                bic,
                address,
            };
        }
        Kind::Category => {
            let name = names_from(v, "name");
            if name.is_empty() {
                p.add("name", ctx.t("cat_err_name"));
            }
            let all = cat.all_categories();
            // A new category takes the next number (signed into passes, never reused).
            let id = all
                .iter()
                .find(|c| c.code == code)
                .map_or_else(|| all.iter().map(|c| c.id).max().unwrap_or(0) + 1, |c| c.id);
            let item = townpass_core::catalog::CategoryDef {
                id,
                code: code.to_string(),
                name,
            };
            put(&mut cat.categories, item, |x| &x.code);
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
    #[serde(default)]
    version: Option<u32>,
}

/// Every town, partner, venue, sales point, offer and product by name, with the recent changes.
pub async fn index(
    State(state): State<Shared>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> Result<Response, WebError> {
    ctx.require(&["admin"])?;
    let lang = ctx.lang;
    let Some(cat) = state.store.load_catalogue().await? else {
        // From scratch: the operator's details first, then everything else.
        let body = html! {
            p { (ctx.t("cat_empty")) }
            p { a.button #set-up href={ "/admin/catalogue/operator/" (OPERATOR) } { (ctx.t("cat_set_up")) } }
        };
        return Ok(ctx.page(&ctx.t("cat_title"), body));
    };
    let zone = cat.operator.time_zone.clone();
    let saved = q.saved.as_deref().and_then(|s| {
        let (kind, code) = s.split_once('/')?;
        let kind = Kind::from_path(kind)?;
        // Only ever an item that exists: the address cannot make the page say anything else.
        if !kind.exists(&cat, code) {
            return None;
        }
        let name = item_name(&cat, kind.word(), code, lang);
        Some(match q.version {
            Some(v) => ctx.tf(
                "cat_saved_version",
                &[("name", &name), ("version", &v.to_string())],
            ),
            None => ctx.tf("cat_saved", &[("name", &name)]),
        })
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
    // Each item by its name, a link to its form, with its code in small type beneath: on a
    // phone the table stays narrow enough to read and to tap.
    let item = |kind: Kind, code: &str, name: &str| {
        html! { a href={ "/admin/catalogue/" (kind.path()) "/" (code) } { (name) } br; small.code { (code) } }
    };
    let add = |kind: Kind| {
        html! { p { a.button href={ "/admin/catalogue/" (kind.path()) "/new" } #{ "add-" (kind.path()) } { (ctx.t(&format!("cat_add_{}", kind.path().replace('-', "_")))) } } }
    };
    let body = html! {
        @if let Some(m) = &saved { p.ok role="status" { (m) } }
        p { (ctx.t("cat_intro")) }
        nav { a href="#operator" { (ctx.t("cat_kind_operator")) } " · " a href="#categories" { (ctx.t("cat_categories")) } " · " a href="#towns" { (ctx.t("cat_towns")) } " · " a href="#partners" { (ctx.t("cat_partners")) } " · " a href="#venues" { (ctx.t("cat_venues")) } " · " a href="#sales-points" { (ctx.t("cat_sales_points")) } " · " a href="#offers" { (ctx.t("cat_offers")) } " · " a href="#products" { (ctx.t("cat_products")) } " · " a href="#file" { (ctx.t("cat_file")) } " · " a href="#changes" { (ctx.t("cat_changes")) } }

        h2 #operator { (ctx.t("cat_kind_operator")) }
        p { strong { (cat.operator.name) } " · " (cat.operator.email) " · " (cat.operator.time_zone)
            @if !cat.operator.languages.is_empty() { " · " (ctx.t("cat_languages")) ": " (cat.operator.languages.join(", ")) }
            " · " a href={ "/admin/catalogue/operator/" (OPERATOR) } { (ctx.t("cat_edit")) } }

        h2 #categories { (ctx.t("cat_categories")) }
        div.scroll { table #categories-table {
            thead { tr { th { (ctx.t("cat_name")) } } }
            tbody { @for c in cat.all_categories() { tr { td { (item(Kind::Category, &c.code, pick(&c.name, lang))) } } } }
        } }
        (add(Kind::Category))

        h2 #towns { (ctx.t("cat_towns")) }
        div.scroll { table #towns-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_col_country")) } th { (ctx.t("cat_time_zone")) } } }
            tbody { @for t in &cat.towns { tr { td { (item(Kind::Town, &t.code, pick(&t.name, lang))) } td { (t.country) } td { (t.time_zone) } } } }
        } }
        (add(Kind::Town))

        h2 #partners { (ctx.t("cat_partners")) }
        div.scroll { table #partners-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_currency")) } th { (ctx.t("cat_iban")) } th { (ctx.t("cat_address")) } } }
            tbody { @for x in &cat.partners { tr {
                td { (item(Kind::Partner, &x.code, &x.name)) }
                td { (x.currency) }
                td { (x.iban.as_deref().unwrap_or("—")) }
                td { (x.address.as_ref().map_or_else(|| "—".to_string(), Address::one_line)) }
            } } }
        } }
        (add(Kind::Partner))

        h2 #venues { (ctx.t("cat_venues")) }
        div.scroll { table #venues-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_partner")) } th { (ctx.t("cat_town")) } } }
            tbody { @for x in &cat.venues { tr { td { (item(Kind::Venue, &x.code, &name_in(&x.name, lang))) } td { (partner_name(&x.partner)) } td { (town_name(&x.town)) } } } }
        } }
        (add(Kind::Venue))

        h2 #sales-points { (ctx.t("cat_sales_points")) }
        div.scroll { table #sales-points-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_town")) } th.num { (ctx.t("cat_commission")) } } }
            tbody { @for x in &cat.sales_points { tr { td { (item(Kind::SalesPoint, &x.code, &x.name)) } td { (x.town.as_deref().map_or_else(|| "—".to_string(), town_name)) } td.num { (crate::settlement::rates::local_rate(lang, &percent(x.commission_bp))) " %" } } } }
        } }
        (add(Kind::SalesPoint))

        h2 #offers { (ctx.t("cat_offers")) }
        div.scroll { table #offers-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_offer_kind")) } th { (ctx.t("cat_limit")) } } }
            tbody { @for o in &cat.offers { tr {
                td { (item(Kind::Offer, &o.code, &offer_label(&cat, o, lang))) }
                td { (ctx.t(if o.kind == OfferKind::Entry { "cat_offer_entry" } else { "cat_offer_discount" })) }
                td { (ctx.t(&format!("cat_limit_{}", enum_word(&o.limit)))) }
            } } }
        } }
        (add(Kind::Offer))

        h2 #products { (ctx.t("cat_products")) }
        div.scroll { table #products-table {
            thead { tr { th { (ctx.t("cat_name")) } th { (ctx.t("cat_product_kind")) } th { (ctx.t("cat_validity")) } th { (ctx.t("cat_on_sale")) } } }
            tbody { @for x in &cat.products { tr {
                td { (item(Kind::Product, &x.code, pick(&x.name, lang))) }
                td { (ctx.t(&format!("cat_kind_{}", enum_word(&x.kind)))) }
                td { (crate::i18n::present::validity(lang, x)) }
                td { (ctx.t(if x.on_sale { "cat_yes" } else { "cat_no" })) }
            } } }
        } }
        (add(Kind::Product))

        h2 #file { (ctx.t("cat_file")) }
        p { (ctx.t("cat_file_intro")) }
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
            .map(|x| offer_label(cat, x, lang)),
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
    let cat = match state.store.load_catalogue().await? {
        Some(cat) => cat,
        // From scratch, the operator's details come first.
        None if kind == Kind::Operator => empty_catalogue(),
        None => return Err(WebError::NotFound),
    };
    let creating = code == "new" && kind != Kind::Operator;
    if !creating && !kind.exists(&cat, &code) {
        return Err(WebError::NotFound);
    }
    let mut values = values_of(kind, &cat, if creating { "" } else { &code });
    if !creating {
        values.insert("base".into(), base_of(&cat, kind, &code));
    }
    let history = if creating {
        Vec::new()
    } else {
        state
            .store
            .catalogue_changes(Some((kind.word(), kind.audit_code(&code))), 10)
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

/// Why a save was refused.
enum Refusal {
    NotFound,
    /// The item changed since the form was opened (another operator saved it).
    Stale,
    Problems(Problems),
}

/// The item as stored, as JSON (`None` if there is no such item): the store's own document of
/// it, the one the audit log keeps.
fn item_doc(cat: &Catalogue, kind: Kind, code: &str) -> Option<String> {
    crate::store::catalogue_item_doc(cat, kind.word(), kind.audit_code(code)).map(|d| d.to_string())
}

/// What the form was opened on: a digest of the item as it was stored then (empty for a new
/// item), sent back with the form so a save can tell whether someone changed it meanwhile.
fn base_of(cat: &Catalogue, kind: Kind, code: &str) -> String {
    use sha2::Digest;
    item_doc(cat, kind, code).map_or_else(String::new, |doc| {
        hex::encode(&sha2::Sha256::digest(doc.as_bytes())[..12])
    })
}

/// Saves one item: the form's checks, then the catalogue's own validation and apply, all in
/// one transaction that holds the catalogue's lock (two saves at once never undo each other).
pub async fn save(
    State(state): State<Shared>,
    ctx: Ctx,
    Path((kind, code)): Path<(String, String)>,
    CsrfForm(mut values): CsrfForm<Values>,
) -> Result<Response, WebError> {
    let me = ctx.require(&["admin"])?;
    let kind = Kind::from_path(&kind).ok_or(WebError::NotFound)?;
    let creating = code == "new" && kind != Kind::Operator;
    let code = if creating {
        get(&values, "code").to_lowercase()
    } else {
        // The form shows the code it edits (it is not a field of its own).
        values.insert("code".into(), code.clone());
        code
    };
    let base = get(&values, "base").to_string();
    let actor = format!("admin:{}", me.email);
    let outcome = state
        .store
        .edit_catalogue(crate::store::now(), &actor, |stored| {
            let mut cat = match stored {
                Some(cat) => cat,
                None if kind == Kind::Operator => empty_catalogue(),
                None => return Err(Refusal::NotFound),
            };
            if !creating && !kind.exists(&cat, &code) {
                return Err(Refusal::NotFound);
            }
            let before = item_doc(&cat, kind, &code);
            if !creating && base != base_of(&cat, kind, &code) {
                return Err(Refusal::Stale);
            }
            let mut problems = Problems::default();
            let taken = creating && kind.exists(&cat, &code);
            if creating && !code_ok(&code) {
                problems.add("code", ctx.t("cat_err_code"));
            }
            for (key, value) in &values {
                if let Some(max) = too_long(key, value) {
                    problems.general.push(ctx.tf(
                        "cat_err_too_long",
                        &[("field", key.as_str()), ("max", &max.to_string())],
                    ));
                }
            }
            let form_problems = apply_form(&ctx, kind, &mut cat, &code, &values);
            if taken {
                // The same form sent twice (a double click) saved it the first time.
                if form_problems.is_empty() && item_doc(&cat, kind, &code) == before {
                    return Ok(cat);
                }
                problems.add("code", ctx.t("cat_err_code_taken"));
            }
            for (field, list) in form_problems.fields {
                for m in list {
                    problems.add(field, m);
                }
            }
            if !problems.is_empty() {
                return Err(Refusal::Problems(problems));
            }
            match crate::catalog::validate(&cat) {
                Ok(()) => Ok(cat),
                Err(CatalogError::Invalid(list)) => {
                    let mine = kind.named(&code);
                    for m in list {
                        match m.contains(&mine).then(|| kind.field_of(&m)).flatten() {
                            Some(field) => problems.add(field, m),
                            None => problems.general.push(m),
                        }
                    }
                    Err(Refusal::Problems(problems))
                }
                Err(e) => {
                    problems.general.push(e.to_string());
                    Err(Refusal::Problems(problems))
                }
            }
        })
        .await?;
    let stale = matches!(outcome, Err(Refusal::Stale));
    let problems = match outcome {
        Ok(report) => {
            tracing::info!(by = %me.email, kind = kind.word(), %code, changed = report.changed(), "catalogue item saved");
            // A sold product's change became a new version: the page says so.
            let version = report
                .changes
                .iter()
                .find_map(|c| match c.action {
                    crate::store::ApplyAction::NewVersion { version, .. }
                        if c.kind == kind.word() && c.code == code =>
                    {
                        Some(format!("&version={version}"))
                    }
                    _ => None,
                })
                .unwrap_or_default();
            return Ok(Redirect::to(&format!(
                "/admin/catalogue?saved={}/{code}{version}#{}",
                kind.path(),
                kind.path()
            ))
            .into_response());
        }
        Err(Refusal::NotFound) => return Err(WebError::NotFound),
        Err(Refusal::Stale) => {
            let mut p = Problems::default();
            p.general.push(ctx.t("cat_stale"));
            p
        }
        Err(Refusal::Problems(p)) => p,
    };
    let cat = state
        .store
        .load_catalogue()
        .await?
        .unwrap_or_else(empty_catalogue);
    if stale {
        // The form now holds what is stored; what was typed is on the page above it.
        values.insert("base".into(), base_of(&cat, kind, &code));
    }
    let history = if creating {
        Vec::new()
    } else {
        state
            .store
            .catalogue_changes(Some((kind.word(), kind.audit_code(&code))), 10)
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
        Some(_) if kind == Kind::Operator => kind_word(ctx, "operator"),
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
            input type="hidden" name="base" value=(get(v, "base"));
            @if kind == Kind::Operator {
                p { (ctx.t("cat_operator_intro")) }
            } @else if code.is_none() {
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
                Kind::Operator => {
                    (text("name", &ctx.t("cat_name"), "required"))
                    (text("email", &ctx.t("cat_operator_email"), "email"))
                    (text("time_zone", &ctx.t("cat_time_zone"), "required"))
                    p.hint { (ctx.t("cat_operator_zone_hint")) }
                    fieldset #languages {
                        legend { (ctx.t("cat_languages")) }
                        @for (l, name) in townpass_i18n::languages() {
                            @let id = format!("lang.{l}");
                            label.check { input type="checkbox" #(id) name=(id) value="on" checked[get(v, &id) == "on"]; " " (name) }
                        }
                        p.hint { (ctx.t("cat_languages_hint")) }
                        (field_errors("languages", problems.fields.get("languages")))
                    }
                    (text("vat_id", &ctx.t("cat_vat"), ""))
                    fieldset {
                        legend { (ctx.t("cat_bank")) }
                        (text("iban", &ctx.t("cat_iban"), ""))
                        (text("bic", &ctx.t("cat_bic"), ""))
                        p.hint { (ctx.t("cat_operator_bank_hint")) }
                    }
                    fieldset {
                        legend { (ctx.t("cat_address")) }
                        (text("addr_street", &ctx.t("cat_street"), ""))
                        (text("addr_building", &ctx.t("cat_building"), ""))
                        (text("addr_post_code", &ctx.t("cat_post_code"), ""))
                        (text("addr_town", &ctx.t("cat_town"), ""))
                        (text("addr_country", &ctx.t("cat_country"), ""))
                    }
                }
                Kind::Category => {
                    (names("name", &ctx.t("cat_name"), true))
                    p.hint { (ctx.t("cat_category_hint")) }
                }
                Kind::Offer => {
                    p.note { (ctx.t("cat_offer_note")) }
                    (select("venue", &ctx.t("cat_venue"), cat.venues.iter().map(|x| (x.code.clone(), format!("{} ({})", name_in(&x.name, lang), town_of(cat, &x.town, lang)))).collect(), Some(ctx.t("cat_choose"))))
                    (names("name", &ctx.t("cat_offer_name"), false))
                    (select("kind", &ctx.t("cat_offer_kind"), vec![("entry".into(), ctx.t("cat_offer_entry")), ("discount".into(), ctx.t("cat_offer_discount"))], None))
                    fieldset #discount {
                        legend { (ctx.t("cat_discount")) }
                        (text("discount_percent", &ctx.t("cat_discount_percent"), ""))
                        (text("discount_amount", &ctx.t("cat_discount_amount"), ""))
                        p.hint { (ctx.t("cat_discount_hint")) }
                        (field_errors("discount", problems.fields.get("discount")))
                    }
                    (select("limit", &ctx.t("cat_limit"), ["once", "daily", "unlimited"].iter().map(|l| (l.to_string(), ctx.t(&format!("cat_limit_{l}")))).collect(), None))
                    (select("currency", &ctx.t("cat_offer_currency"), currencies(get(v, "currency")), Some(ctx.t("cat_offer_currency_none"))))
                    fieldset #amounts {
                        legend { (ctx.t("cat_amounts")) }
                        div.scroll { table {
                            thead { tr { th { (ctx.t("pass_category")) } th { (ctx.t("cat_rack_rate")) } th { (ctx.t("cat_reimbursement")) } } }
                            tbody { @for c in cat.all_categories() {
                                @let rack = format!("rack.{}", c.code);
                                @let reimb = format!("reimb.{}", c.code);
                                tr {
                                    td { (pick(&c.name, lang)) }
                                    td { input #(rack) name=(rack) value=(get(v, &rack)) inputmode="decimal" size="8" aria-label={ (pick(&c.name, lang)) ": " (ctx.t("cat_rack_rate")) }; }
                                    td { input #(reimb) name=(reimb) value=(get(v, &reimb)) inputmode="decimal" size="8" aria-label={ (pick(&c.name, lang)) ": " (ctx.t("cat_reimbursement")) }; }
                                }
                            } }
                        } }
                        p.hint { (ctx.t("cat_amounts_hint")) }
                        (field_errors("amounts", problems.fields.get("amounts")))
                    }
                    (text("from", &ctx.t("cat_from"), ""))
                    (text("until", &ctx.t("cat_until"), ""))
                    (text("hours", &ctx.t("cat_offer_hours"), ""))
                    @if let Some(o) = code.and_then(|c| cat.offers.iter().find(|o| o.code == c)) && !o.amounts_in.is_empty() {
                        p.hint { (ctx.tf("cat_amounts_in_kept", &[("currencies", &o.amounts_in.keys().map(ToString::to_string).collect::<Vec<_>>().join(", "))])) }
                    }
                }
                Kind::Product => {
                    p.note { (ctx.t("cat_version_note")) }
                    (names("name", &ctx.t("cat_name"), true))
                    (names("description", &ctx.t("cat_description"), false))
                    (select("kind", &ctx.t("cat_product_kind"), vec![("pass".into(), ctx.t("cat_kind_pass")), ("booklet".into(), ctx.t("cat_kind_booklet"))], None))
                    (select("currency", &ctx.t("cat_price_currency"), currencies(get(v, "currency")), None))
                    (text("time_zone", &ctx.t("cat_time_zone"), "required"))
                    fieldset #validity {
                        legend { (ctx.t("cat_validity")) }
                        select #validity-model name="validity" aria-label=(ctx.t("cat_validity")) {
                            @for m in ["hours", "days", "dates"] { option value=(m) selected[get(v, "validity") == m] { (ctx.t(&format!("cat_validity_{m}"))) } }
                        }
                        (text("validity_hours", &ctx.t("cat_validity_hours_n"), ""))
                        (text("validity_days", &ctx.t("cat_validity_days_n"), ""))
                        (text("validity_from", &ctx.t("cat_from"), ""))
                        (text("validity_until", &ctx.t("cat_until"), ""))
                        p.hint { (ctx.t("cat_validity_hint")) }
                        (field_errors("validity", problems.fields.get("validity")))
                    }
                    (text("expires_after_days", &ctx.t("cat_expires"), "required"))
                    (text("choose", &ctx.t("cat_choose_n"), ""))
                    fieldset #offers {
                        legend { (ctx.t("cat_offers")) }
                        @for o in &cat.offers {
                            @let id = format!("offer.{}", o.code);
                            label.check { input type="checkbox" #(id) name=(id) value="on" checked[get(v, &id) == "on"]; " " (offer_label(cat, o, lang)) }
                        }
                        (field_errors("offers", problems.fields.get("offers")))
                    }
                    @let others: Vec<&str> = get(v, "prices_in").split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
                    fieldset #prices {
                        legend { (ctx.t("cat_prices")) }
                        input type="hidden" name="prices_in" value=(get(v, "prices_in"));
                        div.scroll { table {
                            thead { tr { th { (ctx.t("pass_category")) } th { (get(v, "currency")) } @for c in &others { th { (c) } } } }
                            tbody { @for c in cat.all_categories() {
                                @let main = format!("price.main.{}", c.code);
                                tr {
                                    td { (pick(&c.name, lang)) }
                                    td { input #(main) name=(main) value=(get(v, &main)) inputmode="decimal" size="8" aria-label={ (pick(&c.name, lang)) " " (get(v, "currency")) }; }
                                    @for cur in &others {
                                        @let id = format!("price.{cur}.{}", c.code);
                                        td { input #(id) name=(id) value=(get(v, &id)) inputmode="decimal" size="8" aria-label={ (pick(&c.name, lang)) " " (cur) }; }
                                    }
                                }
                            } }
                        } }
                        p.hint { (ctx.t("cat_prices_hint")) }
                        (field_errors("prices", problems.fields.get("prices")))
                    }
                    fieldset {
                        legend { (ctx.t("cat_revenue")) }
                        (select("revenue_model", &ctx.t("cat_revenue_model"), ["per_visit", "pool", "fixed_share"].iter().map(|m| (m.to_string(), ctx.t(&format!("cat_model_{m}")))).collect(), None))
                        (text("operator_fee", &ctx.t("cat_operator_fee"), "required"))
                        (select("breakage", &ctx.t("cat_breakage"), std::iter::once(("operator".to_string(), ctx.t("cat_operator"))).chain(cat.partners.iter().map(|p| (p.code.clone(), p.name.clone()))).collect(), None))
                        fieldset #shares {
                            legend { (ctx.t("cat_shares")) }
                            @for partner in &cat.partners {
                                @let id = format!("share.{}", partner.code);
                                label for=(id) { (partner.name) }
                                input #(id) name=(id) value=(get(v, &id)) inputmode="numeric" size="5";
                            }
                            (field_errors("shares", problems.fields.get("shares")))
                        }
                    }
                    label.check { input type="checkbox" #on_sale name="on_sale" value="on" checked[get(v, "on_sale") == "on"]; " " (ctx.t("cat_on_sale")) }
                    p.hint { (ctx.t("cat_on_sale_hint")) }
                    label.check { input type="checkbox" #pay_at_pickup name="pay_at_pickup" value="on" checked[get(v, "pay_at_pickup") == "on"]; " " (ctx.t("cat_pay_at_pickup")) }
                    (text("photo", &ctx.t("cat_photo"), ""))
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

/// A town's name in `lang` (its code if it is gone).
fn town_of(cat: &Catalogue, code: &str, lang: &str) -> String {
    cat.towns
        .iter()
        .find(|t| t.code == code)
        .map_or_else(|| code.to_string(), |t| pick(&t.name, lang).to_string())
}

/// An offer as an operator reads it: its name (else its venue's), the venue and what it gives.
fn offer_label(cat: &Catalogue, o: &Offer, lang: &str) -> String {
    let venue = cat
        .venues
        .iter()
        .find(|v| v.code == o.venue)
        .map_or_else(|| o.venue.clone(), |v| name_in(&v.name, lang));
    if o.name.is_empty() {
        venue
    } else {
        format!("{} — {venue}", pick(&o.name, lang))
    }
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
