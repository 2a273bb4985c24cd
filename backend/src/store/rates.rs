//! Exchange rates per month and currency pair, and the conversions a month's close stores with its
//! statements (migration 14). A closed month's rates and conversions never change: the database's
//! triggers refuse it, as they do for the month's items.

use sqlx::{Any, Transaction};
use townpass_core::money::{Currency, Rate};

use super::settlement::audit_in;
use super::{Result, Said, Store, StoreError};

/// One recorded rate: 1 `base` = `rate` `quote`, for the month `period`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct RateRow {
    pub period: String,
    pub base: String,
    pub quote: String,
    pub rate: String,
    pub source: String,
    pub set_at: i64,
    pub set_by: String,
}

impl RateRow {
    /// "EUR/MKD".
    pub fn pair(&self) -> String {
        format!("{}/{}", self.base, self.quote)
    }
}

/// A rate to record (already checked: see `settlement::rates::parse_pair`).
#[derive(Clone, Copy, Debug)]
pub struct NewRate<'a> {
    pub period: &'a str,
    pub base: Currency,
    pub quote: Currency,
    pub rate: Rate,
    pub source: &'a str,
}

/// The conversion of one issued statement, as stored when its month closed.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PayoutRow {
    pub period: String,
    pub party: String,
    pub currency: String,
    pub amount_minor: i64,
    pub payout_currency: String,
    pub pair: String,
    pub rate: String,
    pub source: String,
    pub payout_minor: i64,
}

/// A statement its month's close must convert, and the rate it needs that is not recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingRate {
    pub pair: String,
    pub party: String,
}

fn closed_to_conflict(e: sqlx::Error, period: &str) -> StoreError {
    if e.to_string().contains("closed and cannot change") {
        StoreError::Refused(Said::new("refuse_rate_closed", &[("month", period)]))
    } else {
        StoreError::Database(e)
    }
}

impl Store {
    /// Records (or replaces) the rate of a pair for a month, in the audit log too. Refused for a
    /// closed month.
    pub async fn set_rates(&self, rates: &[NewRate<'_>], by: &str, now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for r in rates {
            let opposite: Option<String> = sqlx::query_scalar(
                "SELECT rate FROM exchange_rates WHERE period = $1 AND base = $2 AND quote = $3",
            )
            .bind(r.period)
            .bind(r.quote.as_str())
            .bind(r.base.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(rate) = opposite {
                return Err(StoreError::Refused(Said::new(
                    "refuse_rate_opposite",
                    &[
                        ("opposite", &format!("{}/{}", r.quote, r.base)),
                        ("month", r.period),
                        ("rate", &rate),
                    ],
                )));
            }
            sqlx::query(
                "INSERT INTO exchange_rates (period, base, quote, rate, source, set_at, set_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (period, base, quote) DO UPDATE SET \
                 rate = excluded.rate, source = excluded.source, set_at = excluded.set_at, set_by = excluded.set_by",
            )
            .bind(r.period)
            .bind(r.base.as_str())
            .bind(r.quote.as_str())
            .bind(r.rate.as_decimal())
            .bind(r.source)
            .bind(now)
            .bind(by)
            .execute(&mut *tx)
            .await
            .map_err(|e| closed_to_conflict(e, r.period))?;
            audit_in(
                &mut tx,
                now,
                by,
                "set_rate",
                r.period,
                &format!("{}/{} {} ({})", r.base, r.quote, r.rate, r.source),
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(|e| closed_to_conflict(e, rates.first().map_or("", |r| r.period)))?;
        Ok(())
    }

    /// Forgets a month's rate of a pair (a typo). Refused for a closed month. `false` if there was
    /// none.
    pub async fn delete_rate(
        &self,
        period: &str,
        base: Currency,
        quote: Currency,
        by: &str,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query(
            "DELETE FROM exchange_rates WHERE period = $1 AND base = $2 AND quote = $3",
        )
        .bind(period)
        .bind(base.as_str())
        .bind(quote.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| closed_to_conflict(e, period))?
        .rows_affected();
        if gone > 0 {
            audit_in(
                &mut tx,
                now,
                by,
                "delete_rate",
                period,
                &format!("{base}/{quote}"),
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(|e| closed_to_conflict(e, period))?;
        Ok(gone > 0)
    }

    /// The recorded rates, of one month or all, newest month first.
    pub async fn rates(&self, period: Option<&str>) -> Result<Vec<RateRow>> {
        Ok(sqlx::query_as(
            "SELECT period, base, quote, rate, source, set_at, set_by FROM exchange_rates \
             WHERE CAST($1 AS TEXT) IS NULL OR period = $1 ORDER BY period DESC, base, quote",
        )
        .bind(period)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The stored conversion of an issued statement, if its month's close made one.
    pub async fn statement_payout(
        &self,
        period: &str,
        party: &str,
        currency: &str,
    ) -> Result<Option<PayoutRow>> {
        Ok(sqlx::query_as(
            "SELECT period, party, currency, amount_minor, payout_currency, pair, rate, source, payout_minor \
             FROM statement_payouts WHERE period = $1 AND party = $2 AND currency = $3",
        )
        .bind(period)
        .bind(party)
        .bind(currency)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A partner's payout currency, by party ("partner:CODE"); `None` for other parties.
    pub async fn payout_currency(&self, party: &str) -> Result<Option<String>> {
        let Some(code) = party.strip_prefix("partner:") else {
            return Ok(None);
        };
        Ok(
            sqlx::query_scalar("SELECT currency FROM partners WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// At a month's close, inside its publishing transaction (before the month is marked
    /// closed): converts each partner statement of `run` whose currency is not the partner's
    /// payout currency, at the month's recorded rate, and stores it. Every missing rate is named
    /// in one refusal, and nothing is stored.
    pub(super) async fn store_payouts(
        &self,
        tx: &mut Transaction<'static, Any>,
        period: &str,
        run: i64,
    ) -> Result<()> {
        let statements: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT i.party, i.currency, CAST(SUM(i.amount_minor) AS BIGINT), p.currency \
             FROM settlement_items i JOIN partners p ON i.party = 'partner:' || p.code \
             WHERE i.period = $1 AND i.run = $2 AND i.currency <> p.currency \
             GROUP BY i.party, i.currency, p.currency ORDER BY i.party, i.currency",
        )
        .bind(period)
        .bind(run)
        .fetch_all(&mut **tx)
        .await?;
        let rates: Vec<RateRow> = sqlx::query_as(
            "SELECT period, base, quote, rate, source, set_at, set_by FROM exchange_rates WHERE period = $1",
        )
        .bind(period)
        .fetch_all(&mut **tx)
        .await?;
        let mut missing: Vec<MissingRate> = Vec::new();
        let mut payouts: Vec<PayoutRow> = Vec::new();
        for (party, currency, amount, payout_currency) in statements {
            match convert(&rates, amount, &currency, &payout_currency)? {
                Some((row, payout_minor)) => payouts.push(PayoutRow {
                    period: period.to_string(),
                    party,
                    currency,
                    amount_minor: amount,
                    payout_currency,
                    pair: row.pair(),
                    rate: row.rate.clone(),
                    source: row.source.clone(),
                    payout_minor,
                }),
                None => missing.push(MissingRate {
                    pair: format!("{currency}/{payout_currency}"),
                    party,
                }),
            }
        }
        if !missing.is_empty() {
            // Each pair once, with the partners that need it.
            let mut by_pair: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
            for m in &missing {
                let parties = by_pair.entry(m.pair.as_str()).or_default();
                if !parties.contains(&m.party.as_str()) {
                    parties.push(m.party.as_str());
                }
            }
            let first = by_pair.keys().next().copied().unwrap_or("EUR/MKD");
            let list: Vec<String> = by_pair
                .iter()
                .map(|(pair, parties)| format!("{pair} ({})", parties.join(", ")))
                .collect();
            return Err(StoreError::Refused(Said::new(
                "refuse_rates_missing",
                &[
                    ("month", period),
                    ("list", &list.join("; ")),
                    ("pair", first),
                ],
            )));
        }
        for p in payouts {
            sqlx::query(
                "INSERT INTO statement_payouts (period, party, currency, amount_minor, payout_currency, pair, rate, source, payout_minor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&p.period)
            .bind(&p.party)
            .bind(&p.currency)
            .bind(p.amount_minor)
            .bind(&p.payout_currency)
            .bind(&p.pair)
            .bind(&p.rate)
            .bind(&p.source)
            .bind(p.payout_minor)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// `amount` minor units of `from` in `to`, at the recorded rate of `from/to` (multiplied) or, if
/// only the opposite pair is recorded, of `to/from` (divided). `None` if neither is recorded.
pub fn convert<'a>(
    rates: &'a [RateRow],
    amount: i64,
    from: &str,
    to: &str,
) -> Result<Option<(&'a RateRow, i64)>> {
    let corrupt = |e: String| StoreError::Corrupt(format!("exchange rate: {e}"));
    let (from_c, to_c): (Currency, Currency) =
        (from.parse().map_err(corrupt)?, to.parse().map_err(corrupt)?);
    let found = rates
        .iter()
        .find(|r| r.base == from && r.quote == to)
        .map(|r| (r, false))
        .or_else(|| {
            rates
                .iter()
                .find(|r| r.base == to && r.quote == from)
                .map(|r| (r, true))
        });
    let Some((row, inverse)) = found else {
        return Ok(None);
    };
    let rate: Rate = row.rate.parse().map_err(corrupt)?;
    let payout = rate.convert(amount, from_c, to_c, inverse).ok_or_else(|| {
        StoreError::Conflict(format!("{amount} {from} at {} does not fit", row.rate))
    })?;
    Ok(Some((row, payout)))
}
