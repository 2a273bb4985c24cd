//! The catalogue: towns, partners, venues, offers, products, categories, sales points. One model for
//! the TOML file (`townpass catalog apply/export`), the admin pages, the store and the scanner bundle.
//! Everything is named by a stable `code`; amounts are minor units; percentages are basis points.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// Text in several languages: `{ en = "Sofia", bg = "София" }`. English is the fallback.
pub type Names = BTreeMap<String, String>;

/// Picks the text for `lang`, else English, else any.
pub fn pick<'a>(names: &'a Names, lang: &str) -> &'a str {
    names
        .get(lang)
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
        let c = |id, code: &str, en: &str, bg: &str| CategoryDef {
            id,
            code: code.into(),
            name: [
                ("en".to_string(), en.to_string()),
                ("bg".to_string(), bg.to_string()),
            ]
            .into(),
        };
        vec![
            c(1, "adult", "Adult", "Възрастен"),
            c(2, "child", "Child", "Дете"),
            c(3, "senior", "Senior", "Пенсионер"),
            c(4, "student", "Student", "Студент"),
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
    pub currency: Currency,
    pub email: String,
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
    /// Events: first and last day (YYYY-MM-DD, the venue's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Accepted only between these local times, e.g. "10:00-18:00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
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
    /// Price per category code, minor units.
    pub prices: BTreeMap<String, i64>,
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

impl Catalogue {
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
