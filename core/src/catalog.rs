//! The catalogue: towns, partners, venues, offers, products, categories, sales points. One model for
//! the TOML file (`townpass catalog apply/export`), the admin pages, the store and the scanner bundle.
//! Everything is named by a stable `code`; amounts are minor units; percentages are basis points.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// Text in several languages: `{ en = "Sofia", bg = "София" }`. English is the fallback.
pub type Names = BTreeMap<String, String>;

/// Picks the text for `lang`, else for its language without script or region (Serbian in Cyrillic
/// for `sr-Latn`: every Serbian reader reads both scripts), else English, else any.
pub fn pick<'a>(names: &'a Names, lang: &str) -> &'a str {
    names
        .get(lang)
        .or_else(|| {
            lang.split_once('-')
                .and_then(|(primary, _)| names.get(primary))
        })
        .or_else(|| names.get("en"))
        .or_else(|| names.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub operator: Operator,
    #[serde(default, rename = "category", skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryDef>,
    #[serde(default, rename = "town")]
    pub towns: Vec<Town>,
    #[serde(default, rename = "partner")]
    pub partners: Vec<Partner>,
    #[serde(default, rename = "venue")]
    pub venues: Vec<Venue>,
    #[serde(default, rename = "offer")]
    pub offers: Vec<Offer>,
    #[serde(default, rename = "product")]
    pub products: Vec<Product>,
    #[serde(default, rename = "sales_point")]
    pub sales_points: Vec<SalesPoint>,
}

/// The association or DMO that runs the scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    pub name: String,
    /// Settlement months are calendar months in this zone (IANA name).
    pub time_zone: String,
    pub email: String,
    /// The languages every name shown to visitors must be written in (town, venue, product and
    /// category names, product descriptions), e.g. `["en", "mk", "sr"]`; `catalog apply` refuses
    /// a catalogue that misses one. Empty: any one language will do (English is the fallback).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    /// The account partners are paid from (SEPA payout files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Where the operator is registered: on statements, and the debtor's address of payout files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// A structured postal address (ISO 20022 `PstlAdr`): European banks no longer take an address
/// as free lines of text in a transfer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// The building number (`12`, `12a`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    pub town: String,
    /// ISO 3166-1 alpha-2, e.g. BG, RS, MK.
    pub country: String,
}

impl Address {
    /// The address on one line, as on a letter: "ul. Vitosha 1, 1000 Sofia, BG".
    pub fn one_line(&self) -> String {
        let street = [self.street.as_deref(), self.building.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let town = [self.post_code.as_deref(), Some(self.town.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [street, town, self.country.clone()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A price category. 1 adult, 2 child, 3 senior, 4 student are built in; a catalogue may add more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: u32,
    pub code: String,
    pub name: Names,
}

impl CategoryDef {
    pub fn builtin() -> Vec<CategoryDef> {
        const LANGS: [&str; 8] = ["en", "bg", "mk", "sr", "sr-Latn", "sl", "de", "hu"];
        let c = |id, code: &str, names: [&str; 8]| CategoryDef {
            id,
            code: code.into(),
            name: LANGS
                .iter()
                .zip(names)
                .map(|(l, n)| (l.to_string(), n.to_string()))
                .collect(),
        };
        vec![
            c(
                1,
                "adult",
                [
                    "Adult",
                    "Възрастен",
                    "Возрасен",
                    "Одрасли",
                    "Odrasli",
                    "Odrasli",
                    "Erwachsene",
                    "Felnőtt",
                ],
            ),
            c(
                2,
                "child",
                [
                    "Child", "Дете", "Дете", "Дете", "Dete", "Otrok", "Kind", "Gyermek",
                ],
            ),
            c(
                3,
                "senior",
                [
                    "Senior",
                    "Пенсионер",
                    "Пензионер",
                    "Пензионер",
                    "Penzioner",
                    "Upokojenec",
                    "Senior",
                    "Nyugdíjas",
                ],
            ),
            c(
                4,
                "student",
                [
                    "Student",
                    "Студент",
                    "Студент",
                    "Студент",
                    "Student",
                    "Študent",
                    "Student",
                    "Diák",
                ],
            ),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Town {
    pub code: String,
    pub name: Names,
    /// ISO 3166-1 alpha-2, e.g. BG, RS, MK.
    pub country: String,
    /// IANA zone, e.g. Europe/Sofia.
    pub time_zone: String,
}

/// A legal entity that is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// The partner's bank (ISO 9362), checked with the IBAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    pub currency: Currency,
    pub email: String,
    /// Where the partner is registered: on its statements, and in payout files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    pub code: String,
    pub partner: String,
    pub town: String,
    pub name: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Opening hours as text for people, per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: Names,
    /// A photo: the name of a JPEG, PNG or WebP file in the server's photo folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Free admission.
    Entry,
    /// A percentage or an amount off the rack rate.
    Discount,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Once per pass.
    Once,
    /// Once per pass and local day.
    Daily,
    Unlimited,
}

/// What a pass gives at one venue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub code: String,
    pub venue: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub name: Names,
    pub kind: OfferKind,
    /// For discounts: basis points off (2000 = 20 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_bp: Option<u32>,
    /// For discounts: a fixed amount off, in the partner's minor unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_minor: Option<i64>,
    pub limit: Limit,
    /// The venue's normal price per category code, minor units.
    #[serde(default)]
    pub rack_rate: BTreeMap<String, i64>,
    /// What the venue is paid per use, per category code, minor units (per_visit model).
    #[serde(default)]
    pub reimbursement: BTreeMap<String, i64>,
    /// The currency of the amounts above; without it, the main currency of each product that
    /// includes the offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The amounts above (rack rate, reimbursement, a fixed discount) in more currencies, for
    /// passes sold in them: `amounts_in = { MKD = { rack_rate = { adult = 30000 } } }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amounts_in: BTreeMap<Currency, OfferAmounts>,
    /// Events: first and last day (YYYY-MM-DD, the venue's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Accepted only between these local times, e.g. "10:00-18:00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// An offer's amounts in one more currency (see [`Offer::amounts_in`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferAmounts {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rack_rate: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reimbursement: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_minor: Option<i64>,
}

static NO_AMOUNTS: BTreeMap<String, i64> = BTreeMap::new();

impl Offer {
    /// Whether the offer states any amount (which then has to exist in every currency its
    /// products are sold in).
    pub fn has_amounts(&self) -> bool {
        !self.rack_rate.is_empty()
            || !self.reimbursement.is_empty()
            || self.discount_minor.is_some()
    }

    /// Whether the offer states its amounts in `currency` (for a product whose main currency is
    /// `main`).
    pub fn has_amounts_in(&self, currency: Currency, main: Currency) -> bool {
        currency == self.currency.unwrap_or(main) || self.amounts_in.contains_key(&currency)
    }

    /// The rack rates for a pass sold in `currency` of a product whose main currency is `main`.
    pub fn rack_rate_in(&self, currency: Currency, main: Currency) -> &BTreeMap<String, i64> {
        if currency == self.currency.unwrap_or(main) {
            &self.rack_rate
        } else {
            self.amounts_in
                .get(&currency)
                .map_or(&NO_AMOUNTS, |a| &a.rack_rate)
        }
    }

    /// The reimbursements for a pass sold in `currency` of a product whose main currency is `main`.
    pub fn reimbursement_in(&self, currency: Currency, main: Currency) -> &BTreeMap<String, i64> {
        if currency == self.currency.unwrap_or(main) {
            &self.reimbursement
        } else {
            self.amounts_in
                .get(&currency)
                .map_or(&NO_AMOUNTS, |a| &a.reimbursement)
        }
    }

    /// The fixed discount for a pass sold in `currency` of a product whose main currency is `main`.
    pub fn discount_minor_in(&self, currency: Currency, main: Currency) -> Option<i64> {
        if currency == self.currency.unwrap_or(main) {
            self.discount_minor
        } else {
            self.amounts_in
                .get(&currency)
                .and_then(|a| a.discount_minor)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Pass,
    Booklet,
}

/// How long a pass is valid once in use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged, deny_unknown_fields)]
pub enum Validity {
    /// Hours from first use (24, 48, 72).
    Hours { hours: u32 },
    /// Calendar days from first use, ending at midnight in the product's zone.
    Days { days: u32 },
    /// A fixed date range (YYYY-MM-DD, inclusive, the product's zone).
    Dates { from: String, until: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevenueModel {
    PerVisit,
    Pool,
    FixedShare,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    pub model: RevenueModel,
    /// The operator's fee, basis points of the price.
    #[serde(default)]
    pub operator_fee_bp: u32,
    /// Who receives unused passes' net revenue: a partner code or "operator".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakage: Option<String>,
    /// fixed_share: weights per partner code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, u32>,
}

/// What a tourist buys. A product that has been sold is never edited: a change makes a new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub code: String,
    pub kind: ProductKind,
    pub name: Names,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub description: Names,
    pub currency: Currency,
    /// Calendar-day validity and date ranges are evaluated in this zone.
    pub time_zone: String,
    pub validity: Validity,
    /// Hard expiry after sale, in days (e.g. 365).
    pub expires_after_days: u32,
    /// "Choose N": at most this many different offers may be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<u32>,
    /// Offer codes included.
    pub offers: Vec<String>,
    /// Price per category code, minor units of `currency` (the main currency).
    pub prices: BTreeMap<String, i64>,
    /// The same prices in more currencies, e.g. `[product.prices_in] MKD = { adult = 153000 }`:
    /// the buyer picks the currency, an order is in one. Every category has a price in each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices_in: BTreeMap<Currency, BTreeMap<String, i64>>,
    pub revenue: Revenue,
    #[serde(default = "yes")]
    pub on_sale: bool,
    /// Whether a web order of this product may wait to be paid at a sales desk ("pay at
    /// pickup"); `false`: paid online by card only. Desk and API sales pay at once either way.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub pay_at_pickup: bool,
    /// A photo: the name of a JPEG, PNG or WebP file in the server's photo folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

impl Product {
    /// Every currency the product is sold in: the main one first.
    pub fn currencies(&self) -> Vec<Currency> {
        std::iter::once(self.currency)
            .chain(
                self.prices_in
                    .keys()
                    .copied()
                    .filter(|c| *c != self.currency),
            )
            .collect()
    }

    /// The price list in `currency`, if the product is sold in it.
    pub fn prices_in(&self, currency: Currency) -> Option<&BTreeMap<String, i64>> {
        if currency == self.currency {
            Some(&self.prices)
        } else {
            self.prices_in.get(&currency)
        }
    }
}

/// Whether `name` can name a photo file: letters, digits, `.`, `_`, `-` (no folder, nothing
/// hidden), ending in .jpg, .jpeg, .png or .webp.
pub fn valid_photo_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (1..=100).contains(&name.len())
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.contains("..")
        && [".jpg", ".jpeg", ".png", ".webp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_yes(value: &bool) -> bool {
    *value
}

/// A tourist information centre, hotel or agency that sells at a desk and earns a commission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesPoint {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    /// Commission, basis points of the price (850 = 8.5 %).
    pub commission_bp: u32,
}

/// The largest price or amount one pass or visit may carry, in minor units (ten million in the
/// currency's major unit): far above any real pass, far below where sums of many could overflow.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000;
/// The longest validity from first use, and the longest a pass may wait unused.
pub const MAX_VALIDITY_DAYS: u32 = 366;
pub const MAX_EXPIRY_DAYS: u32 = 3650;

impl Catalogue {
    /// What no real catalogue needs and a typing slip can make: opening hours gates cannot read,
    /// an event that ends before it starts, amounts and periods beyond any pass, a discount of
    /// nothing, "choose 0".
    fn validate_bounds(&self, errors: &mut Vec<String>) {
        for o in &self.offers {
            if let Some(h) = &o.hours
                && crate::protocol::parse_hours(h).is_none()
            {
                errors.push(format!(
                    "offer '{}': hours '{h}' should be two times HH:MM-HH:MM, e.g. 10:00-18:00 (gates could not read it)",
                    o.code
                ));
            }
            for (what, day) in [("from", &o.from), ("until", &o.until)] {
                if let Some(d) = day
                    && !is_date(d)
                {
                    errors.push(format!(
                        "offer '{}': {what} '{d}' should be a date, YYYY-MM-DD",
                        o.code
                    ));
                }
            }
            if let (Some(f), Some(u)) = (&o.from, &o.until)
                && is_date(f)
                && is_date(u)
                && f > u
            {
                errors.push(format!("offer '{}': from {f} is after until {u}", o.code));
            }
            if o.discount_bp == Some(0) || o.discount_minor == Some(0) {
                errors.push(format!("offer '{}': a discount of nothing (0)", o.code));
            }
            let amounts = o
                .rack_rate
                .values()
                .chain(o.reimbursement.values())
                .chain(o.discount_minor.iter())
                .chain(o.amounts_in.values().flat_map(|a| {
                    a.rack_rate
                        .values()
                        .chain(a.reimbursement.values())
                        .chain(a.discount_minor.iter())
                }));
            if amounts.into_iter().any(|v| *v > MAX_AMOUNT_MINOR) {
                errors.push(format!(
                    "offer '{}': an amount is over {MAX_AMOUNT_MINOR} minor units",
                    o.code
                ));
            }
        }
        for p in &self.products {
            if p.prices
                .values()
                .chain(p.prices_in.values().flat_map(|l| l.values()))
                .any(|v| *v > MAX_AMOUNT_MINOR)
            {
                errors.push(format!(
                    "product '{}': a price is over {MAX_AMOUNT_MINOR} minor units",
                    p.code
                ));
            }
            match &p.validity {
                Validity::Hours { hours } if *hours > MAX_VALIDITY_DAYS * 24 => {
                    errors.push(format!(
                        "product '{}': validity of {hours} hours is over a year",
                        p.code
                    ))
                }
                Validity::Days { days } if *days > MAX_VALIDITY_DAYS => errors.push(format!(
                    "product '{}': validity of {days} days is over a year",
                    p.code
                )),
                _ => {}
            }
            if p.expires_after_days > MAX_EXPIRY_DAYS {
                errors.push(format!(
                    "product '{}': expires_after_days is at most {MAX_EXPIRY_DAYS} (ten years)",
                    p.code
                ));
            }
            if let Some(n) = p.choose
                && (n == 0 || n as usize > p.offers.len())
            {
                errors.push(format!(
                    "product '{}': choose {n} must be from 1 to its {} offers (leave it out for all)",
                    p.code,
                    p.offers.len()
                ));
            }
        }
    }

    /// The categories in force: the built-in four, overridden or extended by the file.
    pub fn all_categories(&self) -> Vec<CategoryDef> {
        let mut by_id: BTreeMap<u32, CategoryDef> = CategoryDef::builtin()
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        for c in &self.categories {
            by_id.insert(c.id, c.clone());
        }
        by_id.into_values().collect()
    }

    /// Every problem in the catalogue, each as a sentence naming the item and what to fix.
    /// Time zones are checked by the caller (core has no time-zone database).
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let categories = self.all_categories();
        let category_codes: BTreeSet<&str> = categories.iter().map(|c| c.code.as_str()).collect();
        if categories
            .iter()
            .map(|c| c.code.as_str())
            .collect::<BTreeSet<_>>()
            .len()
            != categories.len()
        {
            errors.push("two categories share a code".to_string());
        }
        let towns = codes("town", &self.towns, |t| &t.code, &mut errors);
        let partners = codes("partner", &self.partners, |p| &p.code, &mut errors);
        let venues = codes("venue", &self.venues, |v| &v.code, &mut errors);
        let offers = codes("offer", &self.offers, |o| &o.code, &mut errors);
        codes("product", &self.products, |p| &p.code, &mut errors);
        codes("sales point", &self.sales_points, |s| &s.code, &mut errors);

        // Names visitors read, in every language the operator requires.
        for lang in &self.operator.languages {
            let mut need = |what: String, names: &Names, optional: bool| {
                if !(optional && names.is_empty())
                    && names.get(lang).is_none_or(|n| n.trim().is_empty())
                {
                    errors.push(format!(
                        "{what}: no '{lang}' text, and the operator requires every name in {lang} (operator.languages)"
                    ));
                }
            };
            for t in &self.towns {
                need(format!("town '{}' name", t.code), &t.name, false);
            }
            for v in &self.venues {
                need(format!("venue '{}' name", v.code), &v.name, false);
            }
            for p in &self.products {
                need(format!("product '{}' name", p.code), &p.name, false);
                need(
                    format!("product '{}' description", p.code),
                    &p.description,
                    true,
                );
            }
            for c in &categories {
                need(format!("category '{}' name", c.code), &c.name, false);
            }
        }
        for t in &self.towns {
            if t.country.len() != 2 || !t.country.chars().all(|c| c.is_ascii_uppercase()) {
                errors.push(format!(
                    "town '{}': country must be a two-letter code such as BG",
                    t.code
                ));
            }
        }
        for v in &self.venues {
            if !partners.contains(v.partner.as_str()) {
                errors.push(format!(
                    "venue '{}': unknown partner '{}'",
                    v.code, v.partner
                ));
            }
            if !towns.contains(v.town.as_str()) {
                errors.push(format!("venue '{}': unknown town '{}'", v.code, v.town));
            }
        }
        for o in &self.offers {
            if !venues.contains(o.venue.as_str()) {
                errors.push(format!("offer '{}': unknown venue '{}'", o.code, o.venue));
            }
            for cat in o.rack_rate.keys().chain(o.reimbursement.keys()) {
                if !category_codes.contains(cat.as_str()) {
                    errors.push(format!("offer '{}': unknown category '{cat}'", o.code));
                }
            }
            if o.rack_rate
                .values()
                .chain(o.reimbursement.values())
                .any(|v| *v < 0)
            {
                errors.push(format!("offer '{}': amounts cannot be negative", o.code));
            }
            for (currency, a) in &o.amounts_in {
                for cat in a.rack_rate.keys().chain(a.reimbursement.keys()) {
                    if !category_codes.contains(cat.as_str()) {
                        errors.push(format!(
                            "offer '{}': unknown category '{cat}' in its {currency} amounts",
                            o.code
                        ));
                    }
                }
                if a.rack_rate
                    .values()
                    .chain(a.reimbursement.values())
                    .chain(a.discount_minor.iter())
                    .any(|v| *v < 0)
                {
                    errors.push(format!(
                        "offer '{}': {currency} amounts cannot be negative",
                        o.code
                    ));
                }
                if a.discount_minor.is_some() != o.discount_minor.is_some() {
                    errors.push(format!(
                        "offer '{}': discount_minor is given in {} but not in {currency} (or the other way round)",
                        o.code,
                        if o.discount_minor.is_some() { "the main currency" } else { "no other" }
                    ));
                }
            }
            match o.kind {
                OfferKind::Discount if o.discount_bp.is_none() == o.discount_minor.is_none() => {
                    errors.push(format!(
                        "offer '{}': a discount needs exactly one of discount_bp or discount_minor",
                        o.code
                    ))
                }
                OfferKind::Entry if o.discount_bp.is_some() || o.discount_minor.is_some() => errors
                    .push(format!(
                        "offer '{}': an entry offer has no discount",
                        o.code
                    )),
                _ => {}
            }
            if o.discount_bp.is_some_and(|bp| bp > 10_000) {
                errors.push(format!(
                    "offer '{}': discount_bp is at most 10000 (100 %)",
                    o.code
                ));
            }
        }
        let photos = self
            .venues
            .iter()
            .map(|v| ("venue", &v.code, &v.photo))
            .chain(self.products.iter().map(|p| ("product", &p.code, &p.photo)));
        for (what, code, photo) in photos {
            if let Some(name) = photo
                && !valid_photo_name(name)
            {
                errors.push(format!(
                    "{what} '{code}': photo '{name}' should be a file name (letters, digits, . _ -) ending in .jpg, .jpeg, .png or .webp"
                ));
            }
        }
        for p in &self.products {
            if p.offers.is_empty() {
                errors.push(format!("product '{}': includes no offers", p.code));
            }
            for o in &p.offers {
                if !offers.contains(o.as_str()) {
                    errors.push(format!("product '{}': unknown offer '{o}'", p.code));
                }
            }
            if p.prices.is_empty() {
                errors.push(format!("product '{}': has no prices", p.code));
            }
            for (currency, list) in &p.prices_in {
                if *currency == p.currency {
                    errors.push(format!(
                        "product '{}': prices_in.{currency} repeats the main currency: put those prices in prices",
                        p.code
                    ));
                    continue;
                }
                let main: BTreeSet<&String> = p.prices.keys().collect();
                let here: BTreeSet<&String> = list.keys().collect();
                if main != here {
                    errors.push(format!(
                        "product '{}': its {currency} prices must name the same categories as its {} prices ({}), not ({})",
                        p.code,
                        p.currency,
                        main.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        here.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
                if list.values().any(|v| *v < 0) {
                    errors.push(format!(
                        "product '{}': a {currency} price is negative",
                        p.code
                    ));
                }
            }
            for currency in p.currencies() {
                for code in &p.offers {
                    let Some(o) = self.offers.iter().find(|o| &o.code == code) else {
                        continue;
                    };
                    if !o.has_amounts() || o.has_amounts_in(currency, p.currency) {
                        if let Some(a) = o.amounts_in.get(&currency) {
                            let same =
                                |main: &BTreeMap<String, i64>, other: &BTreeMap<String, i64>| {
                                    main.keys().eq(other.keys())
                                };
                            if !same(&o.rack_rate, &a.rack_rate)
                                || !same(&o.reimbursement, &a.reimbursement)
                            {
                                errors.push(format!(
                                    "offer '{code}': its {currency} rack_rate and reimbursement must name the same categories as its main ones (product '{}' is sold in {currency})",
                                    p.code
                                ));
                            }
                        }
                        continue;
                    }
                    errors.push(format!(
                        "product '{}' is sold in {currency}, but its offer '{code}' has no {currency} amounts: add amounts_in.{currency} with its rack_rate and reimbursement in {currency}",
                        p.code
                    ));
                }
            }
            for (cat, price) in &p.prices {
                if !category_codes.contains(cat.as_str()) {
                    errors.push(format!("product '{}': unknown category '{cat}'", p.code));
                }
                if *price < 0 {
                    errors.push(format!(
                        "product '{}': price for '{cat}' is negative",
                        p.code
                    ));
                }
            }
            if p.revenue.operator_fee_bp > 10_000 {
                errors.push(format!(
                    "product '{}': operator_fee_bp is at most 10000",
                    p.code
                ));
            }
            if let Some(b) = &p.revenue.breakage
                && b != "operator"
                && !partners.contains(b.as_str())
            {
                errors.push(format!(
                    "product '{}': breakage goes to unknown partner '{b}'",
                    p.code
                ));
            }
            for partner in p.revenue.shares.keys() {
                if !partners.contains(partner.as_str()) {
                    errors.push(format!(
                        "product '{}': share for unknown partner '{partner}'",
                        p.code
                    ));
                }
            }
            if p.revenue.model == RevenueModel::FixedShare
                && p.revenue.shares.values().all(|w| *w == 0)
            {
                errors.push(format!(
                    "product '{}': fixed_share needs shares with a positive weight",
                    p.code
                ));
            }
            match &p.validity {
                Validity::Hours { hours: 0 } | Validity::Days { days: 0 } => {
                    errors.push(format!("product '{}': validity must be positive", p.code))
                }
                Validity::Dates { from, until }
                    if !(is_date(from) && is_date(until) && from <= until) =>
                {
                    errors.push(format!(
                        "product '{}': validity dates must be YYYY-MM-DD with from <= until",
                        p.code
                    ))
                }
                _ => {}
            }
            if p.expires_after_days == 0 {
                errors.push(format!(
                    "product '{}': expires_after_days must be positive",
                    p.code
                ));
            }
        }
        for s in &self.sales_points {
            if s.commission_bp > 10_000 {
                errors.push(format!(
                    "sales point '{}': commission_bp is at most 10000",
                    s.code
                ));
            }
            if let Some(t) = &s.town
                && !towns.contains(t.as_str())
            {
                errors.push(format!("sales point '{}': unknown town '{t}'", s.code));
            }
        }
        // An offer whose plain amounts have no currency of their own takes each product's main
        // currency: products with different main currencies would read the same numbers as
        // different money.
        for o in self
            .offers
            .iter()
            .filter(|o| o.has_amounts() && o.currency.is_none())
        {
            let including: Vec<&Product> = self
                .products
                .iter()
                .filter(|p| p.offers.contains(&o.code))
                .collect();
            let mains: BTreeSet<Currency> = including.iter().map(|p| p.currency).collect();
            // Where the numbers are money (a visit's reimbursement, a fixed discount shown to
            // visitors) they must be in one currency; rack rates alone only weigh a pool.
            let paid_in: BTreeSet<Currency> = including
                .iter()
                .filter(|p| p.revenue.model == RevenueModel::PerVisit || o.discount_minor.is_some())
                .map(|p| p.currency)
                .collect();
            if paid_in.len() > 1 {
                errors.push(format!(
                    "offer '{}': the products that pay its amounts are in {}, so say which currency its reimbursement and discount are in (currency = \"...\")",
                    o.code,
                    paid_in.iter().map(Currency::to_string).collect::<Vec<_>>().join(" and ")
                ));
            }
            for main in &mains {
                if o.amounts_in.contains_key(main) {
                    errors.push(format!(
                        "offer '{}': amounts_in.{main} repeats the currency of its plain amounts (without currency = they are in {main}): set currency or drop amounts_in.{main}",
                        o.code
                    ));
                }
            }
        }
        for o in &self.offers {
            if let Some(c) = o.currency
                && o.amounts_in.contains_key(&c)
            {
                errors.push(format!(
                    "offer '{}': amounts_in.{c} repeats its plain amounts, which are in {c}",
                    o.code
                ));
            }
        }
        self.validate_bounds(&mut errors);
        // A problem found through two products is named once.
        let mut seen = BTreeSet::new();
        errors.retain(|e| seen.insert(e.clone()));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The set of codes of `items`, noting bad and duplicate codes.
fn codes<'a, T>(
    what: &str,
    items: &'a [T],
    code: impl Fn(&'a T) -> &'a str,
    errors: &mut Vec<String>,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    for c in items.iter().map(code) {
        if c.is_empty()
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            errors.push(format!(
                "{what} '{c}': a code is letters, digits, '-' and '_' only"
            ));
        }
        if !seen.insert(c) {
            errors.push(format!("{what} '{c}' appears twice"));
        }
    }
    seen
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod photo_tests {
    use super::valid_photo_name;

    #[test]
    fn a_photo_is_a_plain_image_file_name_in_the_photo_folder() {
        for ok in ["nim.jpg", "Rila-Monastery_2.JPEG", "a.png", "x1.webp"] {
            assert!(valid_photo_name(ok), "{ok}");
        }
        for bad in [
            "",
            "../secret.png",
            "dir/a.png",
            ".hidden.png",
            "a..png",
            "a.svg",
            "a.html",
            "a png.png",
            "a\\b.png",
            "-a.png",
        ] {
            assert!(!valid_photo_name(bad), "{bad}");
        }
        assert!(!valid_photo_name(&format!("{}.png", "a".repeat(100))));
    }
}
