//! Settlement storage: months (periods), the passes each month settled, the items every statement
//! line sums, disputes and the audit log. A closed month is protected by the database itself
//! (triggers in migration 5): no statement here, nor any other, can change it.

use std::collections::HashMap;

use futures_util::stream::BoxStream;
use sqlx::{Any, Transaction};
use townpass_core::catalog::{Offer, Product};

use super::{Dialect, Result, Store, StoreError};

/// Items written per statement (one JSON parameter).
const ITEM_BATCH: usize = 2000;

/// What publishing a settlement run needs (see [`Store::publish_run`]).
#[derive(Clone, Copy, Debug)]
pub struct PublishRun<'a> {
    pub job: i64,
    pub owner: &'a str,
    pub period: &'a str,
    pub run: i64,
    pub marks: (i64, i64),
    pub now: i64,
    pub close_by: Option<&'a str>,
}

/// One row of the settlement source: a pass (repeated) with one of its uses, or none.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SourceRow {
    pub serial: String,
    pub product_id: i64,
    pub category_id: i64,
    pub price_minor: i64,
    pub currency: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub refunded_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub commission_bp: i64,
    pub sales_point_id: Option<i64>,
    pub redemption_id: Option<i64>,
    pub offer_id: Option<i64>,
    pub scanned_at: Option<i64>,
    pub flag: Option<String>,
    pub review: Option<String>,
    pub reviewed_at: Option<i64>,
    pub received_at: Option<i64>,
}

/// The settlement source query, as a macro so that whole statements are `&'static str`.
macro_rules! select_source {
    () => {
        "SELECT p.serial, p.product_id, p.category_id, p.price_minor, p.currency, \
         p.issued_at, p.expires_at, p.refunded_at, o.paid_at, o.commission_bp, o.sales_point_id, \
         r.id AS redemption_id, r.offer_id, r.scanned_at, r.flag, r.review, r.reviewed_at, r.received_at \
         FROM passes p JOIN orders o ON o.id = p.order_id LEFT JOIN redemptions r ON r.serial = p.serial"
    };
}

/// (party, currency, kind, product, offer, redemption, sum of amounts)
type BookedRow = (String, String, String, i64, Option<i64>, Option<i64>, i64);

/// An amount for one party, from one pass (and visit).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    pub party: String,
    pub currency: String,
    pub kind: &'static str,
    pub product_id: i64,
    pub offer_id: Option<i64>,
    pub serial: String,
    pub redemption_id: Option<i64>,
    pub amount_minor: i64,
    pub corrects: Option<String>,
    pub reason: Option<String>,
}

/// A pass's gross and refund as one month counted them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SettledPass {
    pub serial: String,
    pub currency: String,
    pub gross_minor: i64,
    pub refund_minor: i64,
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct PeriodRow {
    pub period: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: String,
    pub computed_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
}

/// What settlement needs of the catalogue, by database id (passes name product versions by id).
#[derive(Debug, Default)]
pub struct SettlementCatalogue {
    pub operator_zone: String,
    pub products: HashMap<i64, Product>,
    /// offer id -> (offer, partner code of its venue, the venue's time zone)
    pub offers: HashMap<i64, (Offer, String, String)>,
    pub categories: HashMap<i64, String>,
    pub sales_points: HashMap<i64, String>,
}

/// One statement line: the items of one party and currency with the same kind, product, offer and
/// corrected month.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct LineRow {
    pub party: String,
    pub currency: String,
    pub kind: String,
    pub product_id: i64,
    pub offer_id: Option<i64>,
    pub corrects: Option<String>,
    pub items: i64,
    pub amount_minor: i64,
}

/// A month's money per currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub gross_minor: i64,
    pub refunds_minor: i64,
    pub commissions_minor: i64,
    pub operator_fees_minor: i64,
    pub partner_payables_minor: i64,
    pub breakage_minor: i64,
}

impl Totals {
    /// partner payables + commissions + operator fees + breakage = gross - refunds.
    pub fn balances(&self) -> bool {
        i128::from(self.partner_payables_minor)
            + i128::from(self.commissions_minor)
            + i128::from(self.operator_fees_minor)
            + i128::from(self.breakage_minor)
            == i128::from(self.gross_minor) - i128::from(self.refunds_minor)
    }
}

/// One visit (or pass) behind a statement, for the CSV.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ItemDetail {
    pub kind: String,
    pub serial: String,
    pub product: Option<String>,
    pub category_id: Option<i64>,
    pub offer: Option<String>,
    pub venue: Option<String>,
    pub device: Option<String>,
    pub scanned_at: Option<i64>,
    pub venue_zone: Option<String>,
    pub corrects: Option<String>,
    pub amount_minor: i64,
}

/// A flagged redemption waiting for the operator.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct FlaggedRow {
    pub id: i64,
    pub serial: String,
    pub venue: String,
    pub device: String,
    pub offer: Option<String>,
    pub scanned_at: i64,
    pub flag: String,
    pub flag_detail: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

impl Store {
    pub async fn settlement_catalogue(&self) -> Result<SettlementCatalogue> {
        let mut cat = SettlementCatalogue::default();
        let op: Option<String> = sqlx::query_scalar("SELECT doc FROM operator WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        let op: townpass_core::catalog::Operator = match op {
            Some(doc) => serde_json::from_str(&doc)
                .map_err(|e| StoreError::Corrupt(format!("operator: {e}")))?,
            None => return Err(StoreError::NotFound("catalogue (apply one first)".into())),
        };
        cat.operator_zone = op.time_zone;
        for (id, doc) in sqlx::query_as::<_, (i64, String)>("SELECT id, doc FROM products")
            .fetch_all(&self.pool)
            .await?
        {
            let product = serde_json::from_str(&doc)
                .map_err(|e| StoreError::Corrupt(format!("product {id}: {e}")))?;
            cat.products.insert(id, product);
        }
        for (id, doc, partner, zone) in sqlx::query_as::<_, (i64, String, String, String)>(
            "SELECT o.id, o.doc, p.code, t.time_zone FROM offers o JOIN venues v ON v.id = o.venue_id \
             JOIN partners p ON p.id = v.partner_id JOIN towns t ON t.id = v.town_id",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let offer = serde_json::from_str(&doc)
                .map_err(|e| StoreError::Corrupt(format!("offer {id}: {e}")))?;
            cat.offers.insert(id, (offer, partner, zone));
        }
        cat.categories = sqlx::query_as::<_, (i64, String)>("SELECT id, code FROM categories")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect();
        cat.sales_points = sqlx::query_as::<_, (i64, String)>("SELECT id, code FROM sales_points")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect();
        Ok(cat)
    }

    pub async fn period(&self, period: &str) -> Result<Option<PeriodRow>> {
        Ok(sqlx::query_as(
            "SELECT period, starts_at, ends_at, status, computed_at, closed_at, closed_by FROM periods WHERE period = $1",
        )
        .bind(period)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn periods(&self) -> Result<Vec<PeriodRow>> {
        Ok(sqlx::query_as(
            "SELECT period, starts_at, ends_at, status, computed_at, closed_at, closed_by FROM periods ORDER BY period DESC",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Makes sure the month has a row (a draft with nothing in it yet). Refused for a closed month.
    pub async fn open_period(
        &self,
        period: &str,
        starts_at: i64,
        ends_at: i64,
        now: i64,
    ) -> Result<()> {
        if let Some(row) = self.period(period).await?
            && row.status == "closed"
        {
            return Err(StoreError::Refused(super::Said::new(
                "refuse_closed",
                &[("month", period)],
            )));
        }
        sqlx::query(
            "INSERT INTO periods (period, starts_at, ends_at, status, computed_at) VALUES ($1, $2, $3, 'draft', $4) \
             ON CONFLICT (period) DO NOTHING",
        )
        .bind(period)
        .bind(starts_at)
        .bind(ends_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Writes one chunk of a settlement run, in its own short transaction. Nobody sees it until
    /// the run is published.
    pub async fn write_run_chunk(
        &self,
        period: &str,
        run: i64,
        items: &[Item],
        passes: &[SettledPass],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        self.insert_items(&mut tx, period, run, items).await?;
        self.insert_settled(&mut tx, period, run, passes).await?;
        tx.commit().await?;
        #[cfg(feature = "testing")]
        {
            let ms = self.settlement_stall_ms();
            if ms > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
        }
        Ok(())
    }

    /// Makes `run` the month's statements, in one short transaction: only if the job still holds
    /// its lease, the month is still a draft and no newer run was published. With `close`, also
    /// closes the month (and says so in the audit log). `marks` are the last redemption id and
    /// pass change the run could see.
    pub async fn publish_run(&self, publish: &PublishRun<'_>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mine = sqlx::query(
            "UPDATE settlement_jobs SET status = 'done', finished_at = $3, lease_owner = NULL, \
             lease_until = NULL, error = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(publish.job)
        .bind(publish.owner)
        .bind(publish.now)
        .execute(&mut *tx)
        .await?;
        if mine.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "settlement job {} was taken over by another server (its lease ran out); its result is discarded",
                publish.job
            )));
        }
        // Conversions into partners' payout currencies are stored before the month is marked
        // closed (from then on nothing of it may be written); a missing rate refuses the close.
        if publish.close_by.is_some() {
            self.store_payouts(&mut tx, publish.period, publish.run)
                .await?;
        }
        let (status, closed_at, closed_by) = match publish.close_by {
            Some(by) => ("closed", Some(publish.now), Some(by)),
            None => ("draft", None, None),
        };
        let done = sqlx::query(
            "UPDATE periods SET run = $2, computed_at = $3, read_redemption_id = $4, read_change_seq = $5, \
             status = $6, closed_at = $7, closed_by = $8 \
             WHERE period = $1 AND status = 'draft' AND run < $2",
        )
        .bind(publish.period)
        .bind(publish.run)
        .bind(publish.now)
        .bind(publish.marks.0)
        .bind(publish.marks.1)
        .bind(status)
        .bind(closed_at)
        .bind(closed_by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "{} was closed, or settled by a newer run, while this one computed it",
                publish.period
            )));
        }
        if let Some(by) = publish.close_by {
            audit_in(
                &mut tx,
                publish.now,
                by,
                "close_period",
                publish.period,
                "statements issued",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the month's rows of runs other than its current one (older drafts, abandoned runs),
    /// 5,000 at a time, each step its own short transaction and an index range of one run. With
    /// `only`, just that run. Returns how many rows went.
    pub async fn drop_stale_runs(&self, period: &str, only: Option<i64>) -> Result<u64> {
        let current: Option<i64> = sqlx::query_scalar("SELECT run FROM periods WHERE period = $1")
            .bind(period)
            .fetch_optional(&self.pool)
            .await?;
        let runs: Vec<i64> = match only {
            // The month's current run is never garbage, whoever asks.
            Some(run) if Some(run) == current => Vec::new(),
            Some(run) => vec![run],
            None => {
                let mut runs: Vec<i64> =
                    sqlx::query_scalar("SELECT DISTINCT run FROM settled_passes WHERE period = $1")
                        .bind(period)
                        .fetch_all(&self.pool)
                        .await?;
                runs.extend(
                    sqlx::query_scalar::<_, i64>(
                        "SELECT DISTINCT run FROM settlement_items WHERE period = $1",
                    )
                    .bind(period)
                    .fetch_all(&self.pool)
                    .await?,
                );
                runs.sort_unstable();
                runs.dedup();
                runs.retain(|r| Some(*r) != current);
                runs
            }
        };
        // Each step deletes one index range: items by id window, settled passes by serial range
        // (their key is (period, run, serial)).
        const STEP: i64 = 5000;
        let mut dropped = 0;
        for run in runs {
            let (first, last): (Option<i64>, Option<i64>) = sqlx::query_as(
                "SELECT MIN(id), MAX(id) FROM settlement_items WHERE period = $1 AND run = $2",
            )
            .bind(period)
            .bind(run)
            .fetch_one(&self.pool)
            .await?;
            if let (Some(first), Some(last)) = (first, last) {
                let mut from = first;
                while from <= last {
                    dropped += sqlx::query(
                        "DELETE FROM settlement_items WHERE period = $1 AND run = $2 AND id >= $3 AND id < $4",
                    )
                    .bind(period)
                    .bind(run)
                    .bind(from)
                    .bind(from + STEP)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    from += STEP;
                }
            }
            loop {
                let bound: Option<String> = sqlx::query_scalar(
                    "SELECT serial FROM settled_passes WHERE period = $1 AND run = $2 \
                     ORDER BY serial LIMIT 1 OFFSET $3",
                )
                .bind(period)
                .bind(run)
                .bind(STEP)
                .fetch_optional(&self.pool)
                .await?;
                let n = match &bound {
                    Some(bound) => sqlx::query(
                        "DELETE FROM settled_passes WHERE period = $1 AND run = $2 AND serial < $3",
                    )
                    .bind(period)
                    .bind(run)
                    .bind(bound)
                    .execute(&self.pool)
                    .await?,
                    None => {
                        sqlx::query("DELETE FROM settled_passes WHERE period = $1 AND run = $2")
                            .bind(period)
                            .bind(run)
                            .execute(&self.pool)
                            .await?
                    }
                }
                .rows_affected();
                dropped += n;
                if bound.is_none() {
                    break;
                }
            }
        }
        Ok(dropped)
    }

    /// The latest closed month, if any.
    pub async fn latest_closed_period(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT MAX(period) FROM periods WHERE status = 'closed'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Is there a month before `period` still open (draft)?
    pub async fn earlier_open_period(&self, period: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(period) FROM periods WHERE period < $1 AND status = 'draft'",
        )
        .bind(period)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Passes not settled by another month, issued before `issued_before` (unix s), each with its
    /// uses, ordered by serial then use: a stream, so memory stays flat however big the month.
    pub fn unsettled_passes(
        &self,
        period: &str,
        issued_before: i64,
    ) -> BoxStream<'_, std::result::Result<SourceRow, sqlx::Error>> {
        sqlx::query_as(concat!(
            select_source!(),
            " WHERE o.status = 'paid' AND p.issued_at < $1 AND NOT EXISTS \
             (SELECT 1 FROM current_settled s WHERE s.serial = p.serial AND s.period <> $2) \
             ORDER BY p.serial, r.scanned_at, r.id"
        ))
        .bind(issued_before)
        .bind(period.to_string())
        .fetch(&self.pool)
    }

    /// One pass with its uses (for corrections of closed months).
    pub async fn pass_source(&self, serial: &str) -> Result<Vec<SourceRow>> {
        Ok(sqlx::query_as(concat!(
            select_source!(),
            " WHERE p.serial = $1 ORDER BY r.scanned_at, r.id"
        ))
        .bind(serial)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Passes settled in a closed month that changed after the month was read: a visit uploaded
    /// late, a visit flagged or a flag reviewed, a refund. With the month that settled each and
    /// when it closed. (Months closed before the read marks existed go by timestamps.)
    pub async fn changed_after_close(&self) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT s.serial, MIN(s.period), MIN(m.closed_at) FROM current_settled s JOIN periods m ON m.period = s.period \
             WHERE m.status = 'closed' AND (\
               (m.read_redemption_id IS NOT NULL AND (\
                 EXISTS (SELECT 1 FROM redemptions r WHERE r.serial = s.serial AND r.id > m.read_redemption_id) \
                 OR EXISTS (SELECT 1 FROM pass_changes c WHERE c.serial = s.serial AND c.seq > m.read_change_seq))) \
               OR (m.read_redemption_id IS NULL AND (\
                 EXISTS (SELECT 1 FROM redemptions r WHERE r.serial = s.serial \
                         AND (r.received_at >= m.closed_at OR r.reviewed_at >= m.closed_at)) \
                 OR EXISTS (SELECT 1 FROM passes p WHERE p.serial = s.serial AND p.refunded_at >= m.closed_at)))) \
             GROUP BY s.serial ORDER BY s.serial",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// What months other than `period` have booked for a pass: items summed by what they pay
    /// (party, currency, kind, product, offer, visit), and gross and refund.
    pub async fn booked_for_pass(
        &self,
        serial: &str,
        period: &str,
    ) -> Result<(Vec<(Item, i64)>, i64, i64)> {
        let rows: Vec<BookedRow> =
            sqlx::query_as(
                "SELECT party, currency, kind, product_id, offer_id, redemption_id, CAST(SUM(amount_minor) AS BIGINT) \
                 FROM current_items WHERE serial = $1 AND period <> $2 \
                 GROUP BY party, currency, kind, product_id, offer_id, redemption_id",
            )
            .bind(serial)
            .bind(period)
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .into_iter()
            .map(
                |(party, currency, kind, product_id, offer_id, redemption_id, sum)| {
                    (
                        Item {
                            party,
                            currency,
                            kind: kind_static(&kind),
                            product_id,
                            offer_id,
                            serial: serial.to_string(),
                            redemption_id,
                            amount_minor: 0,
                            corrects: None,
                            reason: None,
                        },
                        sum,
                    )
                },
            )
            .collect();
        let (gross, refund): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT CAST(SUM(gross_minor) AS BIGINT), CAST(SUM(refund_minor) AS BIGINT) FROM current_settled WHERE serial = $1 AND period <> $2",
        )
        .bind(serial)
        .bind(period)
        .fetch_one(&self.pool)
        .await?;
        Ok((items, gross.unwrap_or(0), refund.unwrap_or(0)))
    }

    async fn insert_items(
        &self,
        tx: &mut Transaction<'static, Any>,
        period: &str,
        run: i64,
        items: &[Item],
    ) -> Result<()> {
        let sql = match self.dialect {
            Dialect::Postgres => {
                "INSERT INTO settlement_items (period, run, party, currency, kind, product_id, offer_id, serial, \
                 redemption_id, amount_minor, corrects, reason) \
                 SELECT $2, $3, x.party, x.currency, x.kind, x.product_id, x.offer_id, x.serial, x.redemption_id, \
                 x.amount_minor, x.corrects, x.reason FROM json_to_recordset($1::json) AS x(party text, \
                 currency text, kind text, product_id bigint, offer_id bigint, serial text, redemption_id bigint, \
                 amount_minor bigint, corrects text, reason text)"
            }
            Dialect::Sqlite => {
                "INSERT INTO settlement_items (period, run, party, currency, kind, product_id, offer_id, serial, \
                 redemption_id, amount_minor, corrects, reason) \
                 SELECT $2, $3, value ->> 'party', value ->> 'currency', value ->> 'kind', value ->> 'product_id', \
                 value ->> 'offer_id', value ->> 'serial', value ->> 'redemption_id', value ->> 'amount_minor', \
                 value ->> 'corrects', value ->> 'reason' FROM json_each($1)"
            }
        };
        insert_json_chunks(tx, sql, items, period, run).await
    }

    async fn insert_settled(
        &self,
        tx: &mut Transaction<'static, Any>,
        period: &str,
        run: i64,
        passes: &[SettledPass],
    ) -> Result<()> {
        let sql = match self.dialect {
            Dialect::Postgres => {
                "INSERT INTO settled_passes (period, run, serial, currency, gross_minor, refund_minor) \
                 SELECT $2, $3, x.serial, x.currency, x.gross_minor, x.refund_minor FROM json_to_recordset($1::json) \
                 AS x(serial text, currency text, gross_minor bigint, refund_minor bigint)"
            }
            Dialect::Sqlite => {
                "INSERT INTO settled_passes (period, run, serial, currency, gross_minor, refund_minor) \
                 SELECT $2, $3, value ->> 'serial', value ->> 'currency', value ->> 'gross_minor', \
                 value ->> 'refund_minor' FROM json_each($1)"
            }
        };
        insert_json_chunks(tx, sql, passes, period, run).await
    }

    /// Statement lines of a month (all parties, or one).
    pub async fn statement_lines(&self, period: &str, party: Option<&str>) -> Result<Vec<LineRow>> {
        Ok(sqlx::query_as(
            "SELECT party, currency, kind, product_id, offer_id, corrects, COUNT(*) AS items, \
             CAST(SUM(amount_minor) AS BIGINT) AS amount_minor FROM current_items \
             WHERE period = $1 AND (CAST($2 AS TEXT) IS NULL OR party = $2) \
             GROUP BY party, currency, kind, product_id, offer_id, corrects \
             ORDER BY party, currency, kind, product_id, offer_id, corrects",
        )
        .bind(period)
        .bind(party)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A month's totals per currency, from what it stored.
    pub async fn period_totals(&self, period: &str) -> Result<Vec<(String, Totals)>> {
        let mut out: std::collections::BTreeMap<String, Totals> = Default::default();
        for (currency, gross, refunds) in sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT currency, CAST(SUM(gross_minor) AS BIGINT), CAST(SUM(refund_minor) AS BIGINT) FROM current_settled WHERE period = $1 GROUP BY currency",
        )
        .bind(period)
        .fetch_all(&self.pool)
        .await?
        {
            let t = out.entry(currency).or_default();
            t.gross_minor = gross;
            t.refunds_minor = refunds;
        }
        for (currency, kind, amount) in sqlx::query_as::<_, (String, String, i64)>(
            "SELECT currency, kind, CAST(SUM(amount_minor) AS BIGINT) FROM current_items WHERE period = $1 GROUP BY currency, kind",
        )
        .bind(period)
        .fetch_all(&self.pool)
        .await?
        {
            let t = out.entry(currency).or_default();
            match kind.as_str() {
                "commission" => t.commissions_minor += amount,
                "operator_fee" | "dispute_debit" => t.operator_fees_minor += amount,
                // A negative balance carried from the month before and its recovery: a move
                // between two statements (it sums to zero), not revenue of this month.
                "balance_carried" | "balance_recovered" => {}
                "breakage" => t.breakage_minor += amount,
                _ => t.partner_payables_minor += amount,
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Every item behind one statement, with the visit it pays for, in a stable order.
    pub async fn statement_items(
        &self,
        period: &str,
        party: &str,
        currency: &str,
    ) -> Result<Vec<ItemDetail>> {
        Ok(sqlx::query_as(
            "SELECT i.kind, i.serial, pr.code AS product, p.category_id, o.code AS offer, v.code AS venue, \
             d.name AS device, r.scanned_at, t.time_zone AS venue_zone, i.corrects, i.amount_minor \
             FROM current_items i LEFT JOIN passes p ON p.serial = i.serial LEFT JOIN products pr ON pr.id = i.product_id \
             LEFT JOIN redemptions r ON r.id = i.redemption_id LEFT JOIN offers o ON o.id = i.offer_id \
             LEFT JOIN venues v ON v.id = r.venue_id LEFT JOIN towns t ON t.id = v.town_id \
             LEFT JOIN devices d ON d.id = r.device_id \
             WHERE i.period = $1 AND i.party = $2 AND i.currency = $3 \
             ORDER BY r.scanned_at, i.serial, i.kind, i.id",
        )
        .bind(period)
        .bind(party)
        .bind(currency)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many flagged redemptions wait for review.
    pub async fn flagged_waiting(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM redemptions WHERE flag IS NOT NULL AND review IS NULL",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Flagged redemptions not reviewed yet, oldest first.
    pub async fn flagged_redemptions(&self, limit: i64) -> Result<Vec<FlaggedRow>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.serial, v.code AS venue, d.name AS device, o.code AS offer, r.scanned_at, \
             r.flag, r.flag_detail FROM redemptions r JOIN venues v ON v.id = r.venue_id \
             JOIN devices d ON d.id = r.device_id LEFT JOIN offers o ON o.id = r.offer_id \
             WHERE r.flag IS NOT NULL AND r.review IS NULL ORDER BY r.scanned_at, r.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The operator accepts a flagged redemption for payout or rejects it, with a reason; the
    /// decision and the reason go to the audit log in the same transaction.
    pub async fn review_redemption(
        &self,
        id: i64,
        accept: bool,
        reason: &str,
        by: &str,
        now: i64,
    ) -> Result<()> {
        let decision = if accept { "accepted" } else { "rejected" };
        let _local = self.turns.clone().lock_owned().await;
        let mut tx = self.begin_write().await?;
        super::pass_state::take_turn(&mut tx).await?;
        let done = sqlx::query(
            "UPDATE redemptions SET review = $2, reviewed_at = $3, reviewed_by = $4 \
             WHERE id = $1 AND flag IS NOT NULL AND review IS NULL",
        )
        .bind(id)
        .bind(decision)
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "redemption {id} is not a flagged redemption waiting for review"
            )));
        }
        let serial: String = sqlx::query_scalar("SELECT serial FROM redemptions WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        super::pass_state::record_change(&mut tx, &serial, "reviewed", now).await?;
        let subject = format!("redemption {id}");
        audit_in(&mut tx, now, by, decision, &subject, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records one decision in the audit log (who, what, about what, why), in a transaction of
    /// its own: for changes whose own write cannot hold it (people and access).
    pub async fn record_audit(
        &self,
        now: i64,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        audit_in(&mut tx, now, actor, action, subject, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest audit log entries, newest first; catalogue changes have their own list
    /// (`catalogue_changes`).
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT at, actor, action, subject, detail FROM audit_log WHERE action NOT LIKE $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(format!("{}%", super::catalog::CATALOGUE_ACTION))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Runs `sql` once per chunk of rows, the chunk as one JSON parameter ($1) and `period` as $2.
async fn insert_json_chunks<T: serde::Serialize>(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    rows: &[T],
    period: &str,
    run: i64,
) -> Result<()> {
    for chunk in rows.chunks(ITEM_BATCH) {
        let json = serde_json::to_string(chunk)
            .map_err(|e| StoreError::Conflict(format!("cannot encode rows: {e}")))?;
        sqlx::query(sql)
            .bind(json)
            .bind(period)
            .bind(run)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(super) async fn audit_in(
    tx: &mut Transaction<'static, Any>,
    now: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The item kinds, as stored.
pub const KINDS: [&str; 10] = [
    "visit",
    "pool_share",
    "fixed_share",
    "commission",
    "operator_fee",
    "breakage",
    "dispute_credit",
    "dispute_debit",
    "balance_carried",
    "balance_recovered",
];

fn kind_static(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("unknown")
}
