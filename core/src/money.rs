//! Money: integer minor units with an ISO 4217 currency. No floating point anywhere near it.
//!
//! Revenue sharing, as pure functions: what one sold pass pays to whom ([`settle_pass`]) under the
//! three models (`per_visit`, `pool`, `fixed_share`), with the sales point's commission, the
//! operator's fee and breakage, split by the largest-remainder method ([`split`]) so that every
//! pass's parts add up to its price, to the minor unit. The backend sums passes into statements;
//! because each pass balances, every period and currency balances too.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code, e.g. `EUR`, `RSD`, `MKD`, `HUF`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point in the minor unit (ISO 4217 exponent): 2 for EUR, MKD,
    /// RSD and HUF, 0 for JPY, 3 for KWD.
    pub fn exponent(&self) -> u32 {
        iso_currency::Currency::from_code(self.as_str())
            .and_then(|c| c.exponent())
            .map_or(2, u32::from)
    }

    /// The currency's English name from the ISO table ("Macedonian denar").
    pub fn name(&self) -> String {
        iso_currency::Currency::from_code(self.as_str())
            .map_or_else(String::new, |c| c.name().to_string())
    }
}

impl FromStr for Currency {
    type Err = String;
    /// Only a code of the ISO 4217 table (the maintained `iso_currency` crate) that money can be
    /// counted in: not a fund (BOV), precious metal or special code (XAU, XDR, XXX), nor a code
    /// that was replaced (the answer names its successor).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) {
            return Err(format!(
                "'{s}' is not an ISO 4217 currency code (three capital letters, e.g. EUR)"
            ));
        }
        let Some(iso) = iso_currency::Currency::from_code(s) else {
            return Err(format!(
                "'{s}' is not an ISO 4217 currency code (e.g. EUR, MKD, RSD, HUF; the Serbian dinar is RSD)"
            ));
        };
        if let Some(next) = iso.is_superseded() {
            return Err(format!(
                "'{s}' ({}) is no longer in use: it was replaced by {}",
                iso.name(),
                next.code()
            ));
        }
        if iso.is_fund() || iso.is_special() || iso.exponent().is_none() {
            return Err(format!(
                "'{s}' ({}) is not a currency passes can be sold or paid in",
                iso.name()
            ));
        }
        Ok(Currency([b[0], b[1], b[2]]))
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in a currency's minor unit (cents, stotinki, dinar para...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// The sum of two amounts, `None` if the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money::new(
            self.minor.checked_add(other.minor)?,
            self.currency,
        ))
    }
}

impl Money {
    /// The amount without its currency, exact from the integer: "45.00", "-3.50", "1200" (JPY).
    pub fn decimal(&self) -> String {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let unit = 10u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = exp as usize
        )
    }
}

/// "45.00 EUR", "-3.50 EUR", "1200 JPY": exact, from the integer.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency)
    }
}

/// An exchange rate: how many units of the quote currency one unit of the base currency buys
/// (`EUR/MKD 61.5000`: 1 EUR = 61.5 MKD), as the exact decimal the operator wrote, at most 8
/// digits after the point. Never a float: `units / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    units: u64,
    scale: u32,
}

/// The most digits a rate may have after its decimal point.
pub const RATE_MAX_DECIMALS: u32 = 8;

impl Rate {
    /// The rate as written, with the decimals it was given ("61.5000").
    pub fn as_decimal(&self) -> String {
        if self.scale == 0 {
            return self.units.to_string();
        }
        let unit = 10u64.pow(self.scale);
        format!(
            "{}.{:0width$}",
            self.units / unit,
            self.units % unit,
            width = self.scale as usize
        )
    }

    /// Converts `amount` minor units of `from` into minor units of `to`: multiplied by the rate
    /// when `from/to` is the rate's pair (`inverse` false), divided by it for the opposite pair
    /// (`inverse` true); rounded once, to the nearest minor unit of `to`, halves away from zero.
    /// Exact (128-bit integers); `None` only when the result does not fit in an i64.
    pub fn convert(&self, amount: i64, from: Currency, to: Currency, inverse: bool) -> Option<i64> {
        let pow = |e: u32| 10i128.checked_pow(e);
        // amount / 10^ef major units of `from`, times the rate, times 10^et minor units of `to`.
        let (num, den) = if inverse {
            (
                i128::from(amount)
                    .checked_mul(pow(self.scale)?)?
                    .checked_mul(pow(to.exponent())?)?,
                i128::from(self.units).checked_mul(pow(from.exponent())?)?,
            )
        } else {
            (
                i128::from(amount)
                    .checked_mul(i128::from(self.units))?
                    .checked_mul(pow(to.exponent())?)?,
                pow(self.scale)?.checked_mul(pow(from.exponent())?)?,
            )
        };
        if den == 0 {
            return None;
        }
        let q = num.abs() / den;
        let r = num.abs() % den;
        let rounded = if r * 2 >= den { q + 1 } else { q };
        i64::try_from(if num < 0 { -rounded } else { rounded }).ok()
    }
}

impl FromStr for Rate {
    type Err = String;
    /// "61.5", "61.5000", "0.016260": a positive decimal with at most 8 decimals.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "'{s}' is not an exchange rate: write a positive decimal with a point and at most {RATE_MAX_DECIMALS} decimals, e.g. 61.5000"
            )
        };
        let t = s.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > RATE_MAX_DECIMALS as usize
            || (t.contains('.') && frac.is_empty())
            || int.len() > 10
        {
            return Err(bad());
        }
        let scale = frac.len() as u32;
        let units: u64 = format!("{int}{frac}").parse().map_err(|_| bad())?;
        if units == 0 {
            return Err(format!(
                "'{s}' is not an exchange rate: it must be more than 0"
            ));
        }
        Ok(Rate { units, scale })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_decimal())
    }
}

/// `bp` basis points of `amount` (850 = 8.5 %), rounded to the nearest minor unit, halves away
/// from zero. Exact for every `i64` amount and `u32` rate (computed in 128 bits).
pub fn basis_points(amount: i64, bp: u32) -> i64 {
    let product = i128::from(amount) * i128::from(bp);
    let rounded = (product.abs() + 5_000) / 10_000;
    let signed = if product < 0 { -rounded } else { rounded };
    // |amount * bp / 10000| <= |amount| * 429497: may exceed i64 only for absurd inputs.
    i64::try_from(signed).unwrap_or(if signed < 0 { i64::MIN } else { i64::MAX })
}

/// Splits `total` in proportion to `weights` by the largest-remainder method: each part gets the
/// floor of its exact share, and the minor units left over go one each to the parts with the
/// largest remainders (ties to the earlier part). The parts always add up to `total` exactly, and
/// the same input always gives the same parts. A negative total is split as its opposite, negated.
/// `None` when there is nothing to split by (no weights, or all zero).
pub fn split(total: i64, weights: &[u64]) -> Option<Vec<i64>> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return None;
    }
    let magnitude = u128::from(total.unsigned_abs());
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given: u128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let exact = magnitude * u128::from(*w);
        let floor = exact / sum;
        given += floor;
        parts.push(floor);
        remainders.push((exact % sum, i));
    }
    // Largest remainder first; equal remainders in input order.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = magnitude - given; // < weights.len()
    for (_, i) in remainders.iter().take(left as usize) {
        parts[*i] += 1;
    }
    Some(
        parts
            .into_iter()
            .map(|p| {
                // p <= magnitude <= 2^63, so it fits once the sign is applied.
                let p = p as i128;
                (if total < 0 { -p } else { p }) as i64
            })
            .collect(),
    )
}

/// How a product's revenue reaches the partners (the catalogue's `revenue.model`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Model {
    /// Each paid visit earns the offer's reimbursement for the pass's category; what is left of
    /// the net revenue (possibly negative: the scheme paid out more than it took) is breakage.
    PerVisit,
    /// The net revenue is split over the pass's paid visits weighted by the offers' rack rates
    /// (equally if every rack rate is zero); a pass never used is all breakage.
    Pool,
    /// The net revenue is split by fixed weights, one per share-holder (the caller's order).
    FixedShare(Vec<u64>),
}

/// One sold pass, as settlement sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sale {
    /// The price paid, minor units.
    pub price: i64,
    /// The sales point's commission when the pass was sold (0 for the web shop).
    pub commission_bp: u32,
    /// The operator's fee for the product.
    pub operator_fee_bp: u32,
    /// Refunded in full: the buyer got the price back, so nobody is paid for this pass.
    pub refunded: bool,
}

/// One visit made with the pass, in the order they happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    /// Counts for payment: accepted and unflagged (or flagged and accepted on review), and the
    /// first at its offer that local day (see [`paid_visits`]).
    pub paid: bool,
    /// per_visit: what the venue is paid for this category.
    pub reimbursement: i64,
    /// pool: the weight, the venue's normal price for this category.
    pub rack_rate: i64,
}

/// Where one pass's money goes. `gross - refund` = `commission + operator_fee + sum(visits) +
/// sum(shares) + breakage`, always (see [`PassSplit::balances`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PassSplit {
    pub gross: i64,
    pub refund: i64,
    pub commission: i64,
    pub operator_fee: i64,
    /// Per visit, in the input order (0 for unpaid visits).
    pub visits: Vec<i64>,
    /// fixed_share: per share-holder, in the model's order.
    pub shares: Vec<i64>,
    /// Unused value, to the product's breakage recipient.
    pub breakage: i64,
}

impl PassSplit {
    /// What was handed out in total.
    pub fn distributed(&self) -> i128 {
        i128::from(self.commission)
            + i128::from(self.operator_fee)
            + self.visits.iter().map(|v| i128::from(*v)).sum::<i128>()
            + self.shares.iter().map(|v| i128::from(*v)).sum::<i128>()
            + i128::from(self.breakage)
    }

    /// The invariant: everything taken in is handed out, to the minor unit.
    pub fn balances(&self) -> bool {
        self.distributed() == i128::from(self.gross) - i128::from(self.refund)
    }
}

/// Settles one pass: commission and operator fee are basis points of the price; the rest (the net)
/// goes to the partners by `model`, and whatever no partner earns is breakage. A refunded pass
/// pays nobody: its gross and refund cancel out.
pub fn settle_pass(sale: &Sale, model: &Model, visits: &[Visit]) -> PassSplit {
    let mut out = PassSplit {
        gross: sale.price,
        visits: vec![0; visits.len()],
        shares: match model {
            Model::FixedShare(weights) => vec![0; weights.len()],
            _ => Vec::new(),
        },
        ..PassSplit::default()
    };
    if sale.refunded {
        out.refund = sale.price;
        return out;
    }
    out.commission = basis_points(sale.price, sale.commission_bp);
    out.operator_fee = basis_points(sale.price, sale.operator_fee_bp);
    let net = sale.price - out.commission - out.operator_fee;
    match model {
        Model::PerVisit => {
            let mut paid_out = 0i64;
            for (amount, visit) in out.visits.iter_mut().zip(visits) {
                if visit.paid {
                    *amount = visit.reimbursement;
                    paid_out = paid_out.saturating_add(visit.reimbursement);
                }
            }
            out.breakage = net - paid_out;
        }
        Model::Pool => {
            let paid: Vec<usize> = (0..visits.len()).filter(|i| visits[*i].paid).collect();
            let by_rate: Vec<u64> = paid
                .iter()
                .map(|i| visits[*i].rack_rate.max(0).unsigned_abs())
                .collect();
            let parts = split(net, &by_rate).or_else(|| split(net, &vec![1; paid.len()]));
            match parts {
                Some(parts) => {
                    for (i, part) in paid.into_iter().zip(parts) {
                        out.visits[i] = part;
                    }
                }
                None => out.breakage = net,
            }
        }
        Model::FixedShare(weights) => match split(net, weights) {
            Some(parts) => out.shares = parts,
            None => out.breakage = net,
        },
    }
    out
}

/// Which uses of one pass count for payment: at most one per offer and local day, the first
/// eligible one. `uses` holds (offer, local day, eligible) in the order the visits happened.
pub fn paid_visits<O: PartialEq, D: PartialEq>(uses: &[(O, D, bool)]) -> Vec<bool> {
    let mut paid = Vec::with_capacity(uses.len());
    for (i, (offer, day, eligible)) in uses.iter().enumerate() {
        let earlier =
            uses[..i]
                .iter()
                .zip(&paid)
                .any(|((o, d, _), was_paid): (&(O, D, bool), &bool)| {
                    *was_paid && o == offer && d == day
                });
        paid.push(*eligible && !earlier);
    }
    paid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_come_from_the_iso_4217_table_with_their_minor_units() {
        for (code, exponent) in [
            ("EUR", 2),
            ("MKD", 2),
            ("RSD", 2),
            ("HUF", 2),
            ("JPY", 0),
            ("KWD", 3),
        ] {
            let c: Currency = code.parse().unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(c.exponent(), exponent, "{code}");
        }
        let din = "DIN".parse::<Currency>().unwrap_err();
        assert!(
            din.contains("not an ISO 4217 currency code") && din.contains("RSD"),
            "{din}"
        );
        assert!("eur".parse::<Currency>().is_err());
        assert!(
            "XAU"
                .parse::<Currency>()
                .unwrap_err()
                .contains("not a currency")
        );
        assert!("XXX".parse::<Currency>().is_err());
        assert_eq!(Currency::EUR.name(), "Euro");
    }

    #[test]
    fn an_exchange_rate_converts_exactly_and_rounds_once_half_away_from_zero() {
        let eur = Currency::EUR;
        let mkd: Currency = "MKD".parse().unwrap();
        let huf: Currency = "HUF".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        let rate: Rate = "61.5000".parse().unwrap();
        assert_eq!(rate.to_string(), "61.5000");
        // 123.45 EUR x 61.5 = 7592.175 MKD: 7592.18 (half away from zero).
        assert_eq!(rate.convert(12345, eur, mkd, false), Some(759_218));
        assert_eq!(rate.convert(-12345, eur, mkd, false), Some(-759_218));
        // The opposite pair divides: 7592.18 MKD / 61.5 = 123.4500... EUR.
        assert_eq!(rate.convert(759_218, mkd, eur, true), Some(12345));
        // 1 HUF = 0.0025 EUR written as EUR/HUF 400: 10.00 EUR = 4000.00 HUF.
        let r400: Rate = "400".parse().unwrap();
        assert_eq!(r400.convert(1000, eur, huf, false), Some(400_000));
        // Into a currency without minor units: 1.50 EUR x 161.25 = 241.875 JPY -> 242.
        let r: Rate = "161.25".parse().unwrap();
        assert_eq!(r.convert(150, eur, jpy, false), Some(242));
        for bad in [
            "",
            "0",
            "0.000",
            "-1",
            "1,5",
            "1.",
            ".5",
            "1.123456789",
            "1e3",
            "abc",
        ] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
        assert_eq!(
            "99999999.99999999"
                .parse::<Rate>()
                .unwrap()
                .convert(i64::MAX, eur, mkd, false),
            None
        );
    }

    #[test]
    fn money_prints_exactly_from_minor_units() {
        let eur = Currency::EUR;
        assert_eq!(Money::new(4500, eur).to_string(), "45.00 EUR");
        assert_eq!(Money::new(-350, eur).to_string(), "-3.50 EUR");
        assert_eq!(Money::new(5, eur).to_string(), "0.05 EUR");
        assert_eq!(
            Money::new(1200, "JPY".parse().unwrap()).to_string(),
            "1200 JPY"
        );
        assert_eq!(
            Money::new(i64::MIN, eur).to_string(),
            "-92233720368547758.08 EUR"
        );
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let rsd: Currency = "RSD".parse().unwrap();
        assert_eq!(
            Money::new(1, Currency::EUR).checked_add(Money::new(1, rsd)),
            None
        );
        assert_eq!(
            Money::new(1, rsd).checked_add(Money::new(2, rsd)),
            Some(Money::new(3, rsd))
        );
    }

    #[test]
    fn basis_points_round_halves_away_from_zero() {
        assert_eq!(basis_points(4500, 1000), 450); // 10 % of 45.00
        assert_eq!(basis_points(4500, 850), 383); // 382.5 -> 383
        assert_eq!(basis_points(-4500, 850), -383);
        assert_eq!(basis_points(1, 4999), 0); // 0.4999 -> 0
        assert_eq!(basis_points(1, 5000), 1); // 0.5 -> 1
        assert_eq!(basis_points(i64::MAX, 10_000), i64::MAX);
    }

    #[test]
    fn largest_remainder_gives_the_left_over_cents_to_the_largest_remainders() {
        // 100 over 1:1:1 = 33.33 each; one cent left, to the first (ties in order).
        assert_eq!(split(100, &[1, 1, 1]), Some(vec![34, 33, 33]));
        // 1000 over 3:2:2 = 428.57, 285.71, 285.71 -> floors 428 + 285 + 285 = 998; remainders
        // .57, .71, .71: the two cents go to the second and third.
        assert_eq!(split(1000, &[3, 2, 2]), Some(vec![428, 286, 286]));
        assert_eq!(split(-100, &[1, 1, 1]), Some(vec![-34, -33, -33]));
        assert_eq!(split(7, &[0, 5]), Some(vec![0, 7]));
        assert_eq!(split(7, &[0, 0]), None);
        assert_eq!(split(7, &[]), None);
        assert_eq!(
            split(i64::MIN, &[1, 1]),
            Some(vec![i64::MIN / 2, i64::MIN / 2])
        );
    }

    #[test]
    fn one_paid_visit_per_offer_and_local_day_the_first_eligible_one() {
        let uses = [
            ("nim", 1, false), // flagged: not paid, does not use up the day
            ("nim", 1, true),
            ("nim", 1, true), // second that day
            ("nim", 2, true),
            ("boyana", 1, true),
        ];
        assert_eq!(paid_visits(&uses), vec![false, true, false, true, true]);
    }

    #[test]
    fn currency_codes_are_three_capital_letters() {
        assert!("eur".parse::<Currency>().is_err());
        assert!("EURO".parse::<Currency>().is_err());
        assert_eq!("MKD".parse::<Currency>().unwrap().as_str(), "MKD");
    }
}
