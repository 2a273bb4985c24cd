//! The sentence venue staff read for a verdict: the rules (in `townpass-core`, which has no words)
//! give a code and its facts (times, venue, gate, counts); the words come from the language's
//! Fluent file, `verdict-*` messages. The same sentences on the scanner binary, the web scanner
//! and the server.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use townpass_core::catalog::{Validity, pick};
use townpass_core::rules::{Code, Detail, ProductRules, Venue, Verdict};

use crate::{Arg, format, t};

fn zoned(ms: i64, zone: &TimeZone) -> jiff::Zoned {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
}

/// "24 Oct 10:00" (as the language writes a day, a short month and a 24-hour time) in `zone`.
fn when(lang: &str, ms: i64, zone: &TimeZone) -> String {
    let z = zoned(ms, zone);
    let month = t(lang, &format!("month-short-{}", z.month()));
    let time = z.strftime("%H:%M").to_string();
    format(
        lang,
        "verdict-when",
        &[
            ("day", Arg::Number(i64::from(z.day()))),
            ("month", Arg::Text(&month)),
            ("time", Arg::Text(&time)),
        ],
    )
}

/// "10:42" in `zone`.
fn clock(ms: i64, zone: &TimeZone) -> String {
    zoned(ms, zone).strftime("%H:%M").to_string()
}

/// The verdict in words for `lang`, times in the venue's zone; `product` names the pass when
/// known (in `lang`, with the catalogue's fallbacks).
pub fn sentence(
    verdict: &Verdict,
    lang: &str,
    venue: &Venue,
    product: Option<&ProductRules>,
) -> String {
    let z = &venue.time_zone;
    let product_name = product
        .map(|p| pick(&p.name, lang).to_string())
        .unwrap_or_default();
    let text = |key: &str| t(lang, key);
    let with = |key: &str, args: &[(&str, Arg)]| format(lang, key, args);
    match (&verdict.code, &verdict.detail) {
        (Code::Ok, Detail::Welcome { until_ms, first }) => {
            let mut parts = vec![if product_name.is_empty() {
                text("verdict-welcome")
            } else {
                product_name.clone()
            }];
            if let Some(u) = until_ms {
                if *first {
                    parts.push(text("verdict-first-use"));
                }
                let until = when(lang, *u, z);
                parts.push(with("verdict-valid-until", &[("when", Arg::Text(&until))]));
            }
            parts.join(" · ")
        }
        (Code::Ok, _) => text("verdict-welcome"),
        (Code::Malformed, _) => text("verdict-malformed"),
        (Code::UnsupportedAlg | Code::BadSignature, _) => text("verdict-forged"),
        (Code::UnknownKey, _) => text("verdict-unknown-key"),
        (Code::KeyRevoked, _) => text("verdict-key-revoked"),
        (Code::Revoked, _) => text("verdict-revoked"),
        (Code::NotYetValid, Detail::NotBefore(s)) => {
            let from = when(lang, s.saturating_mul(1000), z);
            with("verdict-not-yet-valid", &[("when", Arg::Text(&from))])
        }
        (Code::Expired, Detail::ExpiredAt(s)) => {
            let at = when(lang, s.saturating_mul(1000), z);
            with("verdict-expired", &[("when", Arg::Text(&at))])
        }
        (Code::UnknownProduct, Detail::Product(p)) => with(
            "verdict-unknown-product",
            &[("product", Arg::Number(i64::from(p.0)))],
        ),
        (Code::NotIncluded, _) => {
            let venue_name = pick(&venue.name, lang);
            if product_name.is_empty() {
                with("verdict-not-included", &[("venue", Arg::Text(venue_name))])
            } else {
                with(
                    "verdict-product-not-included",
                    &[
                        ("product", Arg::Text(&product_name)),
                        ("venue", Arg::Text(venue_name)),
                    ],
                )
            }
        }
        (Code::OutsideHours, Detail::Window(w)) => {
            with("verdict-outside-hours", &[("window", Arg::Text(w))])
        }
        (Code::ValidityElapsed, Detail::Elapsed { first_ms, what, .. }) => {
            let first = when(lang, *first_ms, z);
            let first = Arg::Text(&first);
            match product.map(|p| &p.validity) {
                Some(Validity::Hours { hours }) => with(
                    "verdict-elapsed-hours",
                    &[("hours", Arg::from(*hours)), ("when", first)],
                ),
                Some(Validity::Days { days }) => with(
                    "verdict-elapsed-days",
                    &[("days", Arg::from(*days)), ("when", first)],
                ),
                _ => with(
                    "verdict-elapsed",
                    &[("what", Arg::Text(what)), ("when", first)],
                ),
            }
        }
        (Code::AlreadyUsed, Detail::Used { used, today, here }) => {
            let place = Arg::Text(&used.place);
            let key = match (today, here) {
                (true, true) => "verdict-used-here-today",
                (true, false) => "verdict-used-today",
                (false, true) => "verdict-used-here",
                (false, false) => "verdict-used",
            };
            let at = if *today {
                clock(used.at_ms, z)
            } else {
                when(lang, used.at_ms, z)
            };
            with(key, &[("when", Arg::Text(&at)), ("place", place)])
        }
        (Code::ChoiceUsedUp, Detail::Choices(n)) => {
            with("verdict-choices-used-up", &[("n", Arg::from(*n))])
        }
        (code, _) => code.as_str().to_string(),
    }
}
