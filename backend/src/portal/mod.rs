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
/// that says what is allowed.
pub fn check_range(from: Date, to: Date, today: Date) -> Result<(), String> {
    let latest = latest(today);
    let allowed = format!(
        "dates go from {EARLIEST} to {latest}, and one range covers at most {MAX_RANGE_DAYS} days"
    );
    if from < EARLIEST || to < EARLIEST || from > latest || to > latest {
        return Err(format!("Out of range: {allowed}."));
    }
    if from > to {
        return Err("The range starts after it ends.".into());
    }
    let days = to.since(from).map(|s| s.get_days()).unwrap_or(i32::MAX);
    if i64::from(days) >= MAX_RANGE_DAYS {
        return Err(format!("Too long a range: {allowed}."));
    }
    Ok(())
}
