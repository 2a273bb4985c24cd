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
    let op = &cat.operator;
    bank_details(
        "operator",
        op.iban.as_deref(),
        op.bic.as_deref(),
        op.address.as_ref(),
        &mut errors,
    );
    for p in &cat.partners {
        let latin = crate::settlement::payouts::latin(&p.name);
        let max = crate::settlement::payouts::MAX_NAME;
        if p.iban.is_some() && latin > max {
            errors.push(format!(
                "partner '{}': the name is {latin} characters in Latin letters; bank transfers \
                 take {max} (shorten it)",
                p.code
            ));
        }
        bank_details(
            &format!("partner '{}'", p.code),
            p.iban.as_deref(),
            p.bic.as_deref(),
            p.address.as_ref(),
            &mut errors,
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(errors))
    }
}

/// An IBAN (ISO 13616: country, length, check digits), a BIC (ISO 9362) and a structured postal
/// address (ISO 3166 country, the lengths ISO 20022 allows), each where given.
fn bank_details(
    who: &str,
    iban: Option<&str>,
    bic: Option<&str>,
    address: Option<&townpass_core::catalog::Address>,
    errors: &mut Vec<String>,
) {
    if let Some(iban) = iban
        && let Err(e) = sepa::validate_iban(iban)
    {
        errors.push(format!("{who}: IBAN '{iban}' is not valid: {e}"));
    }
    if let Some(bic) = bic
        && let Err(e) = sepa::validate_bic(bic)
    {
        errors.push(format!(
            "{who}: BIC '{bic}' is not valid: {e} (8 or 11 letters and digits, e.g. UNCRBGSF)"
        ));
    }
    if bic.is_some() && iban.is_none() {
        errors.push(format!(
            "{who}: a BIC without an IBAN (add the account's IBAN)"
        ));
    }
    let Some(a) = address else { return };
    if !sepa::is_country_code(&a.country) || a.country.to_uppercase() != a.country {
        errors.push(format!(
            "{who}: address country '{}' is not an ISO 3166 code (two capital letters, e.g. BG, MK, RS)",
            a.country
        ));
    }
    for (field, value, _) in crate::settlement::payouts::address_fields(a) {
        if value.is_some_and(|v| v.trim().is_empty()) {
            errors.push(format!(
                "{who}: address {field} is empty (leave it out instead)"
            ));
        }
    }
    errors.extend(crate::settlement::payouts::too_long(who, a));
}

/// Who changed the catalogue from the command line, in the audit log.
pub const COMMAND_LINE: &str = "command line";

/// Parses, validates and applies a catalogue file's text; nothing changes unless all of it is valid.
pub async fn apply(store: &Store, text: &str, now: i64) -> Result<ApplyReport, CatalogError> {
    let cat = parse(text)?;
    apply_as(store, &cat, now, COMMAND_LINE).await
}

/// Validates and applies a whole catalogue for `actor` (the one path for the file and the
/// operator's pages: the same checks, the same product versioning, the same audit log).
pub async fn apply_as(
    store: &Store,
    cat: &Catalogue,
    now: i64,
    actor: &str,
) -> Result<ApplyReport, CatalogError> {
    validate(cat)?;
    Ok(store.apply_catalogue(cat, now, actor).await?)
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
