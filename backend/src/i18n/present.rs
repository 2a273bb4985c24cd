//! Words for catalogue facts, shared by pages, PDFs and e-mails so they always say the same.

use townpass_core::catalog::{
    Limit, Names, Offer, OfferKind, Product, Town, Validity, Venue, pick,
};
use townpass_core::money::Currency;

use crate::i18n::{Arg, format, t, tf};

pub fn validity(lang: &str, p: &Product) -> String {
    match &p.validity {
        Validity::Hours { hours } => {
            format(lang, "validity_hours", &[("hours", Arg::from(*hours))])
        }
        Validity::Days { days } => format(lang, "validity_days", &[("days", Arg::from(*days))]),
        Validity::Dates { from, until } => {
            tf(lang, "validity_dates", &[("from", from), ("until", until)])
        }
    }
}

pub fn kind(lang: &str, p: &Product) -> String {
    t(
        lang,
        if p.kind == townpass_core::catalog::ProductKind::Pass {
            "kind_pass"
        } else {
            "kind_booklet"
        },
    )
}

/// "Free entry, once" / "15 % off, once a day".
pub fn offer(lang: &str, o: &Offer, currency: Currency, main: Currency) -> String {
    let what = match o.kind {
        OfferKind::Entry => t(lang, "offer_entry"),
        OfferKind::Discount => match (o.discount_bp, o.discount_minor_in(currency, main)) {
            (Some(bp), _) => tf(lang, "offer_discount_pct", &[("pct", &percent(bp))]),
            (_, Some(minor)) => tf(
                lang,
                "offer_discount_amount",
                &[("amount", &amount(lang, minor, currency))],
            ),
            _ => tf(lang, "offer_discount_pct", &[("pct", "?")]),
        },
    };
    let limit = t(
        lang,
        match o.limit {
            Limit::Once => "limit_once",
            Limit::Daily => "limit_daily",
            Limit::Unlimited => "limit_unlimited",
        },
    );
    let name = pick(&o.name, lang);
    let hours = o
        .hours
        .as_deref()
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    // A named offer says what it gives in its own words ("15 % off the bill").
    if name.is_empty() {
        format!("{what}, {limit}{hours}")
    } else {
        format!("{name}, {limit}{hours}")
    }
}

/// Basis points as a percentage: 1500 -> "15", 850 -> "8.5".
pub fn percent(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        (bp / 100).to_string()
    } else {
        format!("{}.{:02}", bp / 100, bp % 100)
            .trim_end_matches('0')
            .to_string()
    }
}

/// A venue's name and what a pass gives there.
pub type VenueOffers = (String, Vec<String>);
/// A town's name and its venues.
pub type TownVenues = (String, Vec<VenueOffers>);

/// Venues grouped by town, in catalogue order.
/// The included venues by town, with each offer in words; amounts in `currency`, the currency a
/// pass is (to be) sold in, of a product whose main currency is `main`.
pub fn by_town(
    lang: &str,
    rows: &[(Town, Venue, Offer)],
    currency: Currency,
    main: Currency,
) -> Vec<TownVenues> {
    let mut out: Vec<TownVenues> = Vec::new();
    for (town, venue, o) in rows {
        let tn = pick(&town.name, lang).to_string();
        if out.last().is_none_or(|(n, _)| *n != tn) {
            out.push((tn, Vec::new()));
        }
        let venues = &mut out.last_mut().expect("pushed above").1;
        let vn = pick(&venue.name, lang).to_string();
        if venues.last().is_none_or(|(n, _)| *n != vn) {
            venues.push((vn, Vec::new()));
        }
        venues
            .last_mut()
            .expect("pushed above")
            .1
            .push(offer(lang, o, currency, main));
    }
    out
}

pub fn town_names(lang: &str, rows: &[(Town, Venue, Offer)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (town, _, _) in rows {
        let n = pick(&town.name, lang).to_string();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

pub fn name(names: &Names, lang: &str) -> String {
    pick(names, lang).to_string()
}

/// "2027-11-21 10:15" in the zone given (the product's), with the zone's abbreviation.
/// "12.34 EUR" from minor units and a stored currency code (shown raw if the code is not one).
pub fn money(minor: i64, currency: &str) -> String {
    match currency.parse() {
        Ok(c) => townpass_core::money::Money::new(minor, c).to_string(),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// An amount as `lang` writes it ("€12.34", "12,34 €", "1.230,00 ден."), from minor units and
/// a stored currency code (shown raw if the code is not one).
pub fn money_in(lang: &str, minor: i64, currency: &str) -> String {
    match currency.parse::<Currency>() {
        Ok(c) => amount(lang, minor, c),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// An amount of `currency` as `lang` writes it.
pub fn amount(lang: &str, minor: i64, currency: Currency) -> String {
    townpass_i18n::numbers::money(lang, minor, currency.as_str(), currency.exponent())
}

/// A moment in `zone` as `lang` writes it: its date, a 24-hour time and the zone's abbreviation
/// ("3 Dec 2026 16:50 CET", "03.12.2026 16:50 CET").
pub fn local_time_in(lang: &str, unix: i64, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(unix)
        .map(|ts| {
            let z = ts.to_zoned(tz);
            format!(
                "{} {}",
                townpass_i18n::numbers::date(lang, z.year(), z.month(), z.day()),
                z.strftime("%H:%M %Z")
            )
        })
        .unwrap_or_else(|_| unix.to_string())
}

pub fn local_time(unix: i64, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(unix)
        .map(|ts| ts.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_else(|_| unix.to_string())
}

/// The short code a buyer reads out at a desk: the first 8 characters of the order id, grouped.
pub fn order_code(public_id: &str) -> String {
    let head: String = public_id.chars().take(8).collect::<String>().to_uppercase();
    if head.len() == 8 {
        format!("{}-{}", &head[..4], &head[4..])
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_read_as_percentages() {
        assert_eq!(percent(1500), "15");
        assert_eq!(percent(850), "8.5");
        assert_eq!(percent(1234), "12.34");
        assert_eq!(order_code("4f3a9c0012ab"), "4F3A-9C00");
    }
}
