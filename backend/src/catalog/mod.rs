//! The catalogue as a TOML file: parse, validate (including time-zone names, which core cannot
//! check), apply to the store, export back. `catalog/demo.toml` documents the format by example.

use townpass_core::catalog::Catalogue;

use crate::store::{ApplyReport, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalogue file is not valid TOML for townpass:\n{0}")]
    Parse(String),
    #[error("the catalogue has {} problem(s), nothing was changed:\n  - {}", .0.len(), .0.join("\n  - "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not write the catalogue as TOML: {0}")]
    Export(String),
}

/// The demo region (also the format's documentation by example).
pub const DEMO: &str = include_str!("../../../catalog/demo.toml");

pub fn parse(text: &str) -> Result<Catalogue, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError::Parse(e.to_string()))
}

/// Core's checks plus the IANA time-zone names.
pub fn validate(cat: &Catalogue) -> Result<(), CatalogError> {
    let mut errors = cat.validate().err().unwrap_or_default();
    for lang in &cat.operator.languages {
        if crate::i18n::supported(lang) != Some(lang.as_str()) {
            errors.push(format!(
                "operator.languages: '{lang}' is not a language on offer (use: {})",
                townpass_i18n::codes().join(", ")
            ));
        }
    }
    let mut zone = |what: String, tz: &str| {
        if jiff::tz::TimeZone::get(tz).is_err() {
            errors.push(format!(
                "{what}: unknown time zone '{tz}' (use an IANA name such as Europe/Sofia)"
            ));
        }
    };
    zone("operator".into(), &cat.operator.time_zone);
    for t in &cat.towns {
        zone(format!("town '{}'", t.code), &t.time_zone);
    }
    for p in &cat.products {
        zone(format!("product '{}'", p.code), &p.time_zone);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(errors))
    }
}

/// Parses, validates and applies a catalogue file's text; nothing changes unless all of it is valid.
pub async fn apply(store: &Store, text: &str, now: i64) -> Result<ApplyReport, CatalogError> {
    let cat = parse(text)?;
    validate(&cat)?;
    Ok(store.apply_catalogue(&cat, now).await?)
}

/// The stored catalogue as TOML (`None` before the first apply).
pub async fn export(store: &Store) -> Result<Option<String>, CatalogError> {
    let Some(cat) = store.load_catalogue().await? else {
        return Ok(None);
    };
    let body = toml::to_string(&cat).map_err(|e| CatalogError::Export(e.to_string()))?;
    Ok(Some(format!(
        "# townpass catalogue, exported by `townpass catalog export`.\n\
         # Apply it with `townpass catalog apply FILE`; the format is documented in catalog/demo.toml.\n\n{body}"
    )))
}
