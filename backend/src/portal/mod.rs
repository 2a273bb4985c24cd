//! The partner portal (pages for a partner's staff) and the partner API (the same facts for a
//! partner's own systems). A partner only ever sees its own rows.

pub mod api;
pub mod pages;

use jiff::civil::{Date, date};

/// The first date a page or API call may name.
pub const EARLIEST: Date = date(2000, 1, 1);
/// The widest range one page covers (a chart bar per day).
pub const MAX_RANGE_DAYS: i64 = 366;
/// The last page number a request may ask for.
pub const MAX_PAGE: i64 = 100_000;

/// The latest date a request may name: a year after `today`.
pub fn latest(today: Date) -> Date {
    today
        .checked_add(jiff::Span::new().days(MAX_RANGE_DAYS))
        .unwrap_or(today)
}

/// Refuses dates outside [2000-01-01, a year from today] and ranges over 366 days, with a sentence
/// in `lang` that says what is allowed.
pub fn check_range(from: Date, to: Date, today: Date, lang: &str) -> Result<(), String> {
    let last = latest(today);
    let (earliest, last_text, days) = (
        EARLIEST.to_string(),
        last.to_string(),
        MAX_RANGE_DAYS.to_string(),
    );
    let args = [
        ("earliest", earliest.as_str()),
        ("latest", last_text.as_str()),
        ("days", days.as_str()),
    ];
    if from < EARLIEST || to < EARLIEST || from > last || to > last {
        return Err(crate::i18n::tf(lang, "range_out", &args));
    }
    if from > to {
        return Err(crate::i18n::t(lang, "range_reversed"));
    }
    let span = to.since(from).map(|s| s.get_days()).unwrap_or(i32::MAX);
    if i64::from(span) >= MAX_RANGE_DAYS {
        return Err(crate::i18n::tf(lang, "range_too_long", &args));
    }
    Ok(())
}
