//! Partners paid in their own currency: the operator records an exchange rate per month and
//! currency pair; a statement in another currency than its partner's payout currency shows its
//! payout at that rate (provisional while the month is a draft), and closing the month stores the
//! conversion with the statement for good.
//!
//! The rounding rule: the rate is applied once, to the statement's total (never line by line), and
//! the result is rounded to the nearest minor unit of the payout currency, halves away from zero.
//! A rate recorded for the opposite pair (MKD/EUR for a EUR statement paid in MKD) divides.

use townpass_core::money::{Currency, Rate};

use crate::store::{NewRate, Said, Store, StoreError};

/// The rounding rule, as the statement, CSV, PDF and API state it.
pub const ROUNDING_RULE: &str = "the rate is applied once to the statement total, rounded to the nearest minor unit of the payout currency, halves away from zero";

/// A currency code as typed (any case), or the refusal.
fn currency(text: &str) -> Result<Currency, Said> {
    let t = text.trim();
    t.to_ascii_uppercase().parse().map_err(|_: String| {
        Said::new(
            "rate_bad_currency",
            &[("code", &t.chars().take(12).collect::<String>())],
        )
    })
}

/// "EUR/MKD" as (EUR, MKD): two different ISO 4217 codes.
pub fn parse_pair(text: &str) -> Result<(Currency, Currency), Said> {
    let shown: String = text.trim().chars().take(20).collect();
    let (base, quote) = text
        .trim()
        .split_once('/')
        .ok_or_else(|| Said::new("rate_bad_pair", &[("text", &shown)]))?;
    let (base, quote) = (currency(base)?, currency(quote)?);
    if base == quote {
        return Err(Said::new("rate_self_pair", &[("text", &shown)]));
    }
    Ok((base, quote))
}

/// A month label, checked: YYYY-MM with a real month.
pub fn parse_period(text: &str) -> Result<String, Said> {
    let t = text.trim();
    let ok = t.len() == 7
        && t.as_bytes()[4] == b'-'
        && t[..4].bytes().all(|b| b.is_ascii_digit())
        && t[5..].bytes().all(|b| b.is_ascii_digit())
        && (1..=12).contains(&t[5..].parse::<u32>().unwrap_or(0))
        && t[..4]
            .parse::<u32>()
            .is_ok_and(|y| (2000..=2200).contains(&y));
    if ok {
        Ok(t.to_string())
    } else {
        Err(Said::new(
            "refuse_not_month",
            &[("text", &t.chars().take(20).collect::<String>())],
        ))
    }
}

/// A source is what an accountant checks the rate against: required, one line, at most 200
/// characters.
pub fn check_source(text: &str) -> Result<String, Said> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Said::new("rate_no_source", &[]));
    }
    // One visible line: no control characters, nor the invisible ones that reorder or hide text
    // (bidi overrides, zero-width marks).
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    if t.chars().count() > 200 || t.chars().any(invisible) {
        return Err(Said::new("rate_bad_source", &[]));
    }
    Ok(t.to_string())
}

/// One rate as written by a person or a file row, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateInput {
    pub period: String,
    pub base: Currency,
    pub quote: Currency,
    pub rate: Rate,
    pub source: String,
}

impl RateInput {
    pub fn parse(period: &str, pair: &str, rate: &str, source: &str) -> Result<RateInput, Said> {
        let (base, quote) = parse_pair(pair)?;
        Ok(RateInput {
            period: parse_period(period)?,
            base,
            quote,
            rate: rate.parse().map_err(|_: String| {
                Said::new(
                    "rate_bad_value",
                    &[("text", &rate.trim().chars().take(24).collect::<String>())],
                )
            })?,
            source: check_source(source)?,
        })
    }

    pub fn as_new(&self) -> NewRate<'_> {
        NewRate {
            period: &self.period,
            base: self.base,
            quote: self.quote,
            rate: self.rate,
            source: &self.source,
        }
    }
}

/// A rates file: CSV with the header `period,pair,rate,source`, one rate per row. Every row is
/// checked; any problem refuses the whole file (each named by its line, in `lang`).
pub fn parse_file(text: &str, lang: &str) -> Result<Vec<RateInput>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_ascii_lowercase).collect(),
        Err(e) => {
            return Err(vec![
                Said::new("rates_file_not_csv", &[("error", &e.to_string())]).in_lang(lang),
            ]);
        }
    };
    if header != ["period", "pair", "rate", "source"] {
        let shown: String = header.join(",").chars().take(60).collect();
        return Err(vec![
            Said::new("rates_file_header", &[("header", &shown)]).in_lang(lang),
        ]);
    }
    let mut rates = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = (i + 2).to_string();
        let problem = match record {
            Ok(r) if r.len() == 4 => match RateInput::parse(&r[0], &r[1], &r[2], &r[3]) {
                Ok(rate) => {
                    let twice = rates.iter().any(|x: &RateInput| {
                        x.period == rate.period && x.base == rate.base && x.quote == rate.quote
                    });
                    let said = twice.then(|| {
                        Said::new(
                            "rates_file_twice",
                            &[
                                ("pair", &format!("{}/{}", rate.base, rate.quote)),
                                ("month", &rate.period),
                            ],
                        )
                    });
                    rates.push(rate);
                    said.map(|s| s.in_lang(lang))
                }
                Err(said) => Some(said.in_lang(lang)),
            },
            Ok(r) => {
                Some(Said::new("rates_file_fields", &[("n", &r.len().to_string())]).in_lang(lang))
            }
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            errors.push(
                Said::new("rates_file_line", &[("line", &line), ("problem", &problem)])
                    .in_lang(lang),
            );
        }
        if errors.len() >= 50 {
            errors.push(Said::new("rates_file_stopped", &[]).in_lang(lang));
            break;
        }
    }
    if rates.is_empty() && errors.is_empty() {
        errors.push(Said::new("rates_file_empty", &[]).in_lang(lang));
    }
    if errors.is_empty() {
        Ok(rates)
    } else {
        Err(errors)
    }
}

/// What a statement pays out in its partner's currency.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"currency": "MKD", "amount_minor": 759218, "pair": "EUR/MKD", "rate": "61.5000",
    "source": "NBRM 2026-10-31", "fixed": true, "rounding": ROUNDING_RULE}))]
pub struct Payout {
    /// The partner's payout currency (ISO 4217).
    pub currency: String,
    /// The payout in its minor units; `null` while the month's rate is not recorded.
    pub amount_minor: Option<i64>,
    /// The recorded pair used, e.g. "EUR/MKD" (1 EUR = rate MKD).
    pub pair: Option<String>,
    /// The rate as recorded, e.g. "61.5000".
    pub rate: Option<String>,
    /// Where the rate is from, e.g. "NBRM 2026-10-31".
    pub source: Option<String>,
    /// `true` once the month is closed: the conversion is stored with the statement for good.
    pub fixed: bool,
    /// How the payout is rounded.
    pub rounding: String,
}

/// The payout of one statement (`amount` minor units of `currency`, `party`, month `period`):
/// `None` when the party is no partner or is paid in the statement's currency; the stored
/// conversion for a closed month; the conversion at today's recorded rate (or none yet) for a
/// draft.
pub async fn payout(
    store: &Store,
    period: &str,
    closed: bool,
    party: &str,
    currency: &str,
    amount: i64,
) -> Result<Option<Payout>, StoreError> {
    if closed {
        // What the close stored, whatever the partner's currency is today; a month closed before
        // rates existed has no stored conversion: paid as stated.
        return Ok(store
            .statement_payout(period, party, currency)
            .await?
            .map(|p| Payout {
                currency: p.payout_currency,
                amount_minor: Some(p.payout_minor),
                pair: Some(p.pair),
                rate: Some(p.rate),
                source: Some(p.source),
                fixed: true,
                rounding: ROUNDING_RULE.into(),
            }));
    }
    let Some(payout_currency) = store.payout_currency(party).await? else {
        return Ok(None);
    };
    if payout_currency == currency {
        return Ok(None);
    }
    let rates = store.rates(Some(period)).await?;
    let found = crate::store::convert(&rates, amount, currency, &payout_currency)?;
    Ok(Some(match found {
        Some((row, minor)) => Payout {
            currency: payout_currency,
            amount_minor: Some(minor),
            pair: Some(row.pair()),
            rate: Some(row.rate.clone()),
            source: Some(row.source.clone()),
            fixed: false,
            rounding: ROUNDING_RULE.into(),
        },
        None => Payout {
            currency: payout_currency,
            amount_minor: None,
            pair: None,
            rate: None,
            source: None,
            fixed: false,
            rounding: ROUNDING_RULE.into(),
        },
    }))
}

/// A decimal (a rate, a figure) with the language's decimal separator ("61,5000" in German).
pub fn local_rate(lang: &str, rate: &str) -> String {
    rate.replace(
        '.',
        townpass_i18n::numbers::money_style(lang, "EUR").decimal,
    )
}

/// The payout in words for a partner, in `lang`: the amount at the rate (with its source), or that
/// the rate is missing; whether it is provisional; the rounding rule.
pub fn sentences(lang: &str, period: &str, statement_currency: &str, p: &Payout) -> Vec<String> {
    use crate::i18n::tf;
    let mut out = Vec::new();
    match (p.amount_minor, &p.pair, &p.rate) {
        (Some(minor), Some(pair), Some(rate)) => {
            out.push(tf(
                lang,
                "payout_at",
                &[
                    ("currency", &p.currency),
                    (
                        "amount",
                        &crate::i18n::present::money_in(lang, minor, &p.currency),
                    ),
                    ("pair", pair),
                    ("rate", &local_rate(lang, rate)),
                    ("source", p.source.as_deref().unwrap_or("")),
                ],
            ));
            if !p.fixed {
                out.push(crate::i18n::t(lang, "payout_provisional"));
            }
            out.push(crate::i18n::t(lang, "payout_rounding"));
        }
        _ => out.push(tf(
            lang,
            "payout_missing",
            &[
                ("currency", &p.currency),
                ("pair", &format!("{statement_currency}/{}", p.currency)),
                ("period", period),
            ],
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rates_file_is_checked_row_by_row_and_refused_whole() {
        let good = "period,pair,rate,source\n2026-10,EUR/MKD,61.5000,NBRM 2026-10-31\n2026-10,EUR/RSD,117.1500,NBS\n";
        let rates = parse_file(good, "en").expect("valid");
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[0].rate.to_string(), "61.5000");
        let bad = "period,pair,rate,source\n2026-13,EUR/MKD,61.5,x\n2026-10,EUR/DIN,1,x\n2026-10,EUR/EUR,1,x\n2026-10,EUR/MKD,-1,x\n2026-10,EUR/MKD,61.5,\n";
        let errors = parse_file(bad, "en").unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].starts_with("line 2:") && errors[0].contains("not a month"));
        assert!(errors[1].contains("DIN"));
        assert!(parse_file("month,pair\n", "en").is_err());
        assert!(
            check_source("NBRM \u{202E}13-01-6202").is_err(),
            "no hidden reordering"
        );
        assert!(check_source("NBRM 2026-10-31").is_ok());
        assert!(parse_file("period,pair,rate,source\n", "en").is_err());
        let de =
            parse_file("period,pair,rate,source\n2026-10,EUR/MKD,abc,NBRM\n", "de").unwrap_err();
        assert_eq!(de.len(), 1);
        assert!(de[0].starts_with("Zeile 2: „abc“ ist kein Kurs"), "{de:?}");
    }
}
