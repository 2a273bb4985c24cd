//! Payout runs: a closed month's transfer file and payout list, recorded once (see
//! `settlement::payouts`).

use std::collections::HashMap;

use super::settlement::audit_in;
use super::{Result, Store};

/// A month's exported payouts.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PayoutRun {
    pub period: String,
    pub message_id: String,
    pub execution_date: String,
    pub sepa_xml: Option<String>,
    pub list_csv: String,
    pub exported_at: i64,
    pub exported_by: String,
    /// `exported`, then `paid`.
    pub status: String,
    pub paid_at: Option<i64>,
    pub paid_by: Option<String>,
}

/// One partner statement's payout as recorded.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PayoutLineRow {
    pub party: String,
    pub currency: String,
    pub number: String,
    pub method: String,
    pub statement_minor: i64,
    pub payout_currency: String,
    pub amount_minor: i64,
    pub iban: Option<String>,
    pub bic: Option<String>,
}

impl Store {
    pub async fn payout_run(&self, period: &str) -> Result<Option<PayoutRun>> {
        Ok(sqlx::query_as(
            "SELECT period, message_id, execution_date, sepa_xml, list_csv, exported_at, exported_by, \
             status, paid_at, paid_by FROM payout_runs WHERE period = $1",
        )
        .bind(period)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn payout_lines(&self, period: &str) -> Result<Vec<PayoutLineRow>> {
        Ok(sqlx::query_as(
            "SELECT party, currency, number, method, statement_minor, payout_currency, amount_minor, \
             iban, bic FROM payout_lines WHERE period = $1 ORDER BY party, currency",
        )
        .bind(period)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records a month's payouts with its lines and an audit entry, in one transaction; `false`
    /// (and nothing written) when the month was exported already.
    pub async fn record_payout_run(
        &self,
        run: &PayoutRun,
        lines: &[PayoutLineRow],
        audit: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO payout_runs (period, message_id, execution_date, sepa_xml, list_csv, \
             exported_at, exported_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'exported') \
             ON CONFLICT (period) DO NOTHING",
        )
        .bind(&run.period)
        .bind(&run.message_id)
        .bind(&run.execution_date)
        .bind(&run.sepa_xml)
        .bind(&run.list_csv)
        .bind(run.exported_at)
        .bind(&run.exported_by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        for l in lines {
            sqlx::query(
                "INSERT INTO payout_lines (period, party, currency, number, method, statement_minor, \
                 payout_currency, amount_minor, iban, bic) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&run.period)
            .bind(&l.party)
            .bind(&l.currency)
            .bind(&l.number)
            .bind(&l.method)
            .bind(l.statement_minor)
            .bind(&l.payout_currency)
            .bind(l.amount_minor)
            .bind(&l.iban)
            .bind(&l.bic)
            .execute(&mut *tx)
            .await?;
        }
        audit_in(
            &mut tx,
            run.exported_at,
            &run.exported_by,
            "payouts_exported",
            &run.period,
            audit,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Marks an exported month paid; `false` when it was not waiting to be (not exported, or paid).
    pub async fn mark_payout_paid(&self, period: &str, by: &str, now: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE payout_runs SET status = 'paid', paid_at = $2, paid_by = $3 \
             WHERE period = $1 AND status = 'exported'",
        )
        .bind(period)
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        audit_in(
            &mut tx,
            now,
            by,
            "payouts_paid",
            period,
            "the bank has paid",
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// How many files of this month were withdrawn (the next export is attempt that + 1).
    pub async fn payout_withdrawals(&self, period: &str) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payout_withdrawals WHERE period = $1")
                .bind(period)
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    /// Withdraws an exported, unpaid month's files: kept in `payout_withdrawals` with why, the
    /// run and its lines removed, the audit log told; in one transaction. `false` (nothing
    /// changed) when the month is not exported or already paid.
    pub async fn withdraw_payout_run(
        &self,
        period: &str,
        reason: &str,
        by: &str,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let attempt: (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payout_withdrawals WHERE period = $1")
                .bind(period)
                .fetch_one(&mut *tx)
                .await?;
        let kept = sqlx::query(
            "INSERT INTO payout_withdrawals (period, attempt, message_id, sepa_xml, list_csv, \
             exported_at, exported_by, withdrawn_at, withdrawn_by, reason) \
             SELECT period, $2, message_id, sepa_xml, list_csv, exported_at, exported_by, $3, $4, $5 \
             FROM payout_runs WHERE period = $1 AND status = 'exported'",
        )
        .bind(period)
        .bind(attempt.0 + 1)
        .bind(now)
        .bind(by)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        if kept.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM payout_lines WHERE period = $1")
            .bind(period)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM payout_runs WHERE period = $1 AND status = 'exported'")
            .bind(period)
            .execute(&mut *tx)
            .await?;
        audit_in(&mut tx, now, by, "payouts_withdrawn", period, reason).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Partners' ids by code (statement numbers use them: they never change).
    pub async fn partner_ids(&self) -> Result<HashMap<String, i64>> {
        Ok(
            sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM partners")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect(),
        )
    }
}
