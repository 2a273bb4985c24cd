//! The redemption rules: one pure function from (token, what the device knows, now) to a verdict.
//! The scanner calls it at the gate and the server calls it again on upload, so they can never
//! disagree. Checked in this order: format and signature; key revoked; pass revoked; nbf/exp;
//! product known here; offer included at this venue (its dates and hours); validity since first
//! use; the offer's limit. Offer dates, hours and "once a day" are in the venue's time zone;
//! calendar-day validity in the product's, correctly across DST changes.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::catalog::{Limit, Names, Validity};
use crate::token::{Claims, KeySet, KeyStatus, Kid, ProductId, Serial, Token, TokenError};

/// Why a pass is accepted or refused; `as_str` is the stable code in `--json` output and uploads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Ok,
    Malformed,
    UnsupportedAlg,
    UnknownKey,
    BadSignature,
    KeyRevoked,
    Revoked,
    NotYetValid,
    Expired,
    UnknownProduct,
    NotIncluded,
    OutsideHours,
    ValidityElapsed,
    AlreadyUsed,
    /// "Choose N": N different offers have been used already.
    ChoiceUsedUp,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "ok",
            Code::Malformed => "malformed",
            Code::UnsupportedAlg => "unsupported_alg",
            Code::UnknownKey => "unknown_key",
            Code::BadSignature => "bad_signature",
            Code::KeyRevoked => "key_revoked",
            Code::Revoked => "revoked",
            Code::NotYetValid => "not_yet_valid",
            Code::Expired => "expired",
            Code::UnknownProduct => "unknown_product",
            Code::NotIncluded => "not_included",
            Code::OutsideHours => "outside_hours",
            Code::ValidityElapsed => "validity_elapsed",
            Code::AlreadyUsed => "already_used",
            Code::ChoiceUsedUp => "choice_used_up",
        }
    }

    fn of(e: &TokenError) -> Code {
        match e {
            TokenError::Malformed(_) => Code::Malformed,
            TokenError::UnsupportedAlg => Code::UnsupportedAlg,
            TokenError::UnknownKey(_) => Code::UnknownKey,
            TokenError::BadSignature => Code::BadSignature,
        }
    }
}

/// The venue the device stands at.
#[derive(Clone, Debug)]
pub struct Venue {
    pub code: String,
    pub name: Names,
    pub time_zone: TimeZone,
}

/// An offer as the rules need it.
#[derive(Clone, Debug)]
pub struct OfferRules {
    pub code: String,
    /// The venue the offer is at.
    pub venue: String,
    pub name: Names,
    pub limit: Limit,
    /// First and last day, in the venue's zone.
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// Accepted between these local times; `end <= start` spans midnight.
    pub hours: Option<(Time, Time)>,
}

/// A product as the rules need it.
#[derive(Clone, Debug)]
pub struct ProductRules {
    pub id: ProductId,
    pub name: Names,
    pub validity: Validity,
    /// Calendar-day validity and date ranges are evaluated here.
    pub time_zone: TimeZone,
    pub choose: Option<u32>,
    /// Every offer of the product (those at other venues count for "choose N").
    pub offers: Vec<OfferRules>,
}

/// A known use of the pass: by this device, or synced from others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub offer: String,
    pub venue: String,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// Where, in words staff know ("Gate 2").
    pub place: String,
}

/// What the device knows. Implemented over the scanner's SQLite bundle and the server's store;
/// every method is a plain lookup.
pub trait World {
    fn keys(&self) -> &KeySet;
    fn is_revoked(&self, serial: &Serial) -> bool;
    fn product(&self, id: ProductId) -> Option<&ProductRules>;
    /// Every known use of the pass, any order.
    fn uses(&self, serial: &Serial) -> Vec<Use>;
}

/// The facts behind a verdict, for the sentence staff read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    None,
    /// The token's own problem, in words.
    Token(String),
    NotBefore(i64),
    ExpiredAt(i64),
    Product(ProductId),
    /// Refused outside the offer's days or hours.
    Window(String),
    /// Validity since first use ended at `end_ms` (first use at `first_ms`).
    Elapsed {
        first_ms: i64,
        end_ms: i64,
        what: String,
    },
    /// The use that exhausted the limit; `today` for "once a day".
    Used {
        used: Use,
        today: bool,
        here: bool,
    },
    Choices(u32),
    /// Accepted: valid until `until_ms` (None: no time limit from first use); `first` on first use.
    Welcome {
        until_ms: Option<i64>,
        first: bool,
    },
}

/// The answer at the gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub code: Code,
    pub claims: Option<Claims>,
    pub kid: Option<Kid>,
    /// The offer applied (accepted) or judged (refused).
    pub offer: Option<String>,
    pub detail: Detail,
}

impl Verdict {
    pub fn accepted(&self) -> bool {
        self.code == Code::Ok
    }

    fn refuse(
        code: Code,
        claims: Option<&Claims>,
        kid: Option<Kid>,
        offer: Option<&str>,
        detail: Detail,
    ) -> Verdict {
        Verdict {
            code,
            claims: claims.cloned(),
            kid,
            offer: offer.map(String::from),
            detail,
        }
    }
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The end of validity from first use, in unix ms; `None` when validity is a date range (nbf/exp
/// and the range check cover it).
pub fn validity_end(validity: &Validity, first_ms: i64, zone: &TimeZone) -> Option<i64> {
    match validity {
        Validity::Hours { hours } => Some(first_ms + i64::from(*hours) * 3_600_000),
        Validity::Days { days } => {
            // Day 1 is the day of first use; validity ends at the local midnight after day N.
            let first_day = ts(first_ms).to_zoned(zone.clone()).date();
            let end_day = first_day.checked_add(i64::from(*days).days()).ok()?;
            let end = end_day.to_zoned(zone.clone()).ok()?;
            Some(end.timestamp().as_millisecond())
        }
        Validity::Dates { .. } => None,
    }
}

fn in_window(offer: &OfferRules, now: &jiff::Zoned) -> bool {
    let day = now.date();
    if offer.from.is_some_and(|f| day < f) || offer.until.is_some_and(|u| day > u) {
        return false;
    }
    match offer.hours {
        None => true,
        Some((start, end)) => {
            let t = now.time();
            if start < end {
                start <= t && t < end
            } else {
                t >= start || t < end
            }
        }
    }
}

fn window_text(offer: &OfferRules) -> String {
    let mut parts = Vec::new();
    match (offer.from, offer.until) {
        (Some(f), Some(u)) => parts.push(format!("{f} – {u}")),
        // Dashes, not words: the sentence around it is translated, the window is not.
        (Some(f), None) => parts.push(format!("{f} –")),
        (None, Some(u)) => parts.push(format!("– {u}")),
        (None, None) => {}
    }
    if let Some((s, e)) = offer.hours {
        parts.push(format!("{}–{}", s.strftime("%H:%M"), e.strftime("%H:%M")));
    }
    parts.join(", ")
}

/// Judges one scan. `offer` picks an offer (`--offer`); otherwise the first of the product's
/// offers at this venue that accepts, or the first one's refusal.
pub fn check(
    input: &str,
    world: &dyn World,
    venue: &Venue,
    now_ms: i64,
    offer: Option<&str>,
) -> Verdict {
    // 1. Format and signature.
    let token = match Token::decode(input) {
        Ok(t) => t,
        Err(e) => {
            return Verdict::refuse(Code::of(&e), None, None, None, Detail::Token(e.to_string()));
        }
    };
    let verified = world.keys().verify_token(&token);
    check_token(&token, verified, world, venue, now_ms, offer)
}

/// [`check`] for a token already decoded and verified against `world.keys()` (the server verifies
/// a batch on several cores first); `verified` is what `KeySet::verify_token` answered.
pub fn check_token(
    token: &Token,
    verified: Result<KeyStatus, TokenError>,
    world: &dyn World,
    venue: &Venue,
    now_ms: i64,
    offer: Option<&str>,
) -> Verdict {
    let claims = &token.claims;
    let kid = Some(token.kid);
    let status = match verified {
        Ok(s) => s,
        Err(e) => {
            return Verdict::refuse(
                Code::of(&e),
                Some(claims),
                kid,
                None,
                Detail::Token(e.to_string()),
            );
        }
    };
    // 2. Key revoked.
    if status == KeyStatus::Revoked {
        return Verdict::refuse(Code::KeyRevoked, Some(claims), kid, None, Detail::None);
    }
    // 3. Pass revoked.
    if world.is_revoked(&claims.serial) {
        return Verdict::refuse(Code::Revoked, Some(claims), kid, None, Detail::None);
    }
    // 4. nbf / exp.
    let now_s = now_ms.div_euclid(1000);
    if let Some(nbf) = claims.nbf
        && (now_s as i128) < i128::from(nbf)
    {
        return Verdict::refuse(
            Code::NotYetValid,
            Some(claims),
            kid,
            None,
            Detail::NotBefore(nbf as i64),
        );
    }
    if let Some(exp) = claims.exp
        && (now_s as i128) >= i128::from(exp)
    {
        return Verdict::refuse(
            Code::Expired,
            Some(claims),
            kid,
            None,
            Detail::ExpiredAt(exp as i64),
        );
    }
    // 5. Product known here.
    let Some(product) = world.product(claims.product) else {
        return Verdict::refuse(
            Code::UnknownProduct,
            Some(claims),
            kid,
            None,
            Detail::Product(claims.product),
        );
    };
    // 6. Offer included at this venue.
    let here: Vec<&OfferRules> = product
        .offers
        .iter()
        .filter(|o| o.venue == venue.code && offer.is_none_or(|wanted| o.code == wanted))
        .collect();
    if here.is_empty() {
        return Verdict::refuse(Code::NotIncluded, Some(claims), kid, offer, Detail::None);
    }
    let uses = world.uses(&claims.serial);
    let mut first_refusal = None;
    for o in here {
        let verdict = judge_offer(product, o, venue, claims, kid, &uses, now_ms);
        if verdict.accepted() {
            return verdict;
        }
        first_refusal.get_or_insert(verdict);
    }
    first_refusal.unwrap_or_else(|| {
        Verdict::refuse(Code::NotIncluded, Some(claims), kid, offer, Detail::None)
    })
}

fn judge_offer(
    product: &ProductRules,
    offer: &OfferRules,
    venue: &Venue,
    claims: &Claims,
    kid: Option<Kid>,
    uses: &[Use],
    now_ms: i64,
) -> Verdict {
    let refuse = |code, detail| Verdict::refuse(code, Some(claims), kid, Some(&offer.code), detail);
    let now_local = ts(now_ms).to_zoned(venue.time_zone.clone());
    if !in_window(offer, &now_local) {
        return refuse(Code::OutsideHours, Detail::Window(window_text(offer)));
    }
    // 7. Validity since first use: the earliest use known anywhere, else this one.
    let first_ms = uses.iter().map(|u| u.at_ms).min();
    let until_ms = validity_end(
        &product.validity,
        first_ms.unwrap_or(now_ms),
        &product.time_zone,
    );
    if let (Some(first), Some(end)) = (first_ms, until_ms)
        && now_ms >= end
    {
        let what = match product.validity {
            Validity::Hours { hours } => format!("{hours} h"),
            Validity::Days { days } => format!("{days} d"),
            Validity::Dates { .. } => String::new(),
        };
        return refuse(
            Code::ValidityElapsed,
            Detail::Elapsed {
                first_ms: first,
                end_ms: end,
                what,
            },
        );
    }
    if let Validity::Dates { from, until } = &product.validity {
        let today = ts(now_ms).to_zoned(product.time_zone.clone()).date();
        let inside = from.parse::<Date>().is_ok_and(|f| today >= f)
            && until.parse::<Date>().is_ok_and(|u| today <= u);
        if !inside {
            return refuse(
                Code::OutsideHours,
                Detail::Window(format!("{from} – {until}")),
            );
        }
    }
    // 8. The offer's limit, then "choose N".
    let same: Vec<&Use> = uses.iter().filter(|u| u.offer == offer.code).collect();
    let blocking = match offer.limit {
        Limit::Unlimited => None,
        Limit::Once => same.iter().min_by_key(|u| u.at_ms).map(|u| (*u, false)),
        Limit::Daily => {
            let today = now_local.date();
            same.iter()
                .filter(|u| ts(u.at_ms).to_zoned(venue.time_zone.clone()).date() == today)
                .max_by_key(|u| u.at_ms)
                .map(|u| (*u, true))
        }
    };
    if let Some((used, today)) = blocking {
        let here = used.venue == venue.code;
        return refuse(
            Code::AlreadyUsed,
            Detail::Used {
                used: used.clone(),
                today,
                here,
            },
        );
    }
    if let Some(n) = product.choose {
        let mut chosen: Vec<&str> = uses.iter().map(|u| u.offer.as_str()).collect();
        chosen.sort_unstable();
        chosen.dedup();
        if !chosen.contains(&offer.code.as_str()) && chosen.len() >= n as usize {
            return refuse(Code::ChoiceUsedUp, Detail::Choices(n));
        }
    }
    Verdict {
        code: Code::Ok,
        claims: Some(claims.clone()),
        kid,
        offer: Some(offer.code.clone()),
        detail: Detail::Welcome {
            until_ms,
            first: first_ms.is_none(),
        },
    }
}

// The sentence staff read is not here: the rules give a code and its facts, and the words come
// from the translation files (`townpass_i18n::verdict::sentence`).
