//! What the partner portal and the partner API read: one partner's visits, statements and
//! disputes. Every query takes the partner's id and filters by it, so one partner's session or key
//! can never reach another's rows; a row that is not the partner's is simply not found.

use futures_util::stream::BoxStream;

use super::{Result, Store, StoreError};

/// A use for the consortium figures: (pass serial, town, venue, partner, scanned at ms).
pub type UseOfTown = (String, String, String, String, i64);

/// A visit at one of the partner's venues.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct VisitRow {
    pub id: i64,
    pub serial: String,
    pub venue: String,
    pub device: String,
    pub offer: Option<String>,
    pub category_id: Option<i64>,
    pub scanned_at: i64,
    pub venue_zone: String,
    pub flag: Option<String>,
    pub review: Option<String>,
}

/// Which visits: a time range (unix ms, end exclusive), optionally one venue.
#[derive(Clone, Debug, Default)]
pub struct VisitFilter {
    pub from_ms: i64,
    pub to_ms: i64,
    pub venue: Option<String>,
    /// Only flagged (true) or only clean (false) visits.
    pub flagged: Option<bool>,
}

/// One statement of a partner: a month and currency.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct PartnerStatementRow {
    pub period: String,
    pub currency: String,
    pub status: String,
    pub amount_minor: i64,
}

/// A partner's question about one line of one of its statements.
#[derive(Clone, Copy, Debug)]
pub struct NewDispute<'a> {
    pub period: &'a str,
    pub party: &'a str,
    pub currency: &'a str,
    pub line_key: &'a str,
    pub comment: &'a str,
    pub by: &'a str,
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct DisputeRow {
    pub id: i64,
    pub period: String,
    pub party: String,
    pub currency: String,
    pub line_key: String,
    pub comment: String,
    pub opened_by: String,
    pub opened_at: i64,
    pub status: String,
    pub credit_minor: Option<i64>,
    pub answer: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
}

const SELECT_VISIT: &str = "SELECT r.id, r.serial, v.code AS venue, d.name AS device, o.code AS offer, \
     p.category_id, r.scanned_at, t.time_zone AS venue_zone, r.flag, r.review \
     FROM redemptions r JOIN venues v ON v.id = r.venue_id JOIN towns t ON t.id = v.town_id \
     JOIN devices d ON d.id = r.device_id LEFT JOIN offers o ON o.id = r.offer_id \
     LEFT JOIN passes p ON p.serial = r.serial";

const VISIT_WHERE: &str = "WHERE v.partner_id = $1 AND r.scanned_at >= $2 AND r.scanned_at < $3 \
     AND (CAST($4 AS TEXT) IS NULL OR v.code = $4) \
     AND (CAST($5 AS BIGINT) IS NULL OR (CASE WHEN r.flag IS NULL THEN 0 ELSE 1 END) = $5)";

const SELECT_DISPUTE: &str = "SELECT id, period, party, currency, line_key, comment, opened_by, opened_at, \
     status, credit_minor, answer, resolved_by, resolved_at FROM disputes";

impl Store {
    /// The operator's time zone (settlement months, dashboards).
    pub async fn operator_zone(&self) -> Result<String> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM operator WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        let doc = doc.ok_or_else(|| StoreError::NotFound("catalogue".into()))?;
        let op: townpass_core::catalog::Operator = serde_json::from_str(&doc)
            .map_err(|e| StoreError::Corrupt(format!("operator: {e}")))?;
        Ok(op.time_zone)
    }

    /// The partner's code by id.
    pub async fn partner_code(&self, partner_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT code FROM partners WHERE id = $1")
            .bind(partner_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("partner {partner_id}")))
    }

    /// The partner's venues: (code, time zone).
    pub async fn partner_venues(&self, partner_id: i64) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT v.code, t.time_zone FROM venues v JOIN towns t ON t.id = v.town_id \
             WHERE v.partner_id = $1 ORDER BY v.code",
        )
        .bind(partner_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Visits counted per venue and quarter hour (unix ms / 900,000), for charts in local days.
    pub async fn partner_visit_counts(
        &self,
        partner_id: i64,
        filter: &VisitFilter,
    ) -> Result<Vec<(String, i64, Option<i64>, i64)>> {
        Ok(sqlx::query_as(&format!(
            "SELECT v.code, r.scanned_at / 900000 AS quarter, p.category_id, COUNT(*) \
             FROM redemptions r JOIN venues v ON v.id = r.venue_id LEFT JOIN passes p ON p.serial = r.serial \
             {VISIT_WHERE} GROUP BY v.code, r.scanned_at / 900000, p.category_id"
        ))
        .bind(partner_id)
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .bind(filter.venue.as_deref())
        .bind(filter.flagged.map(i64::from))
        .fetch_all(&self.pool)
        .await?)
    }

    /// One page of the partner's visits, newest first, and the number of all that match.
    pub async fn partner_visits(
        &self,
        partner_id: i64,
        filter: &VisitFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<VisitRow>, i64)> {
        let rows = sqlx::query_as(&format!(
            "{SELECT_VISIT} {VISIT_WHERE} ORDER BY r.scanned_at DESC, r.id DESC LIMIT $6 OFFSET $7"
        ))
        .bind(partner_id)
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .bind(filter.venue.as_deref())
        .bind(filter.flagged.map(i64::from))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM redemptions r JOIN venues v ON v.id = r.venue_id {VISIT_WHERE}"
        ))
        .bind(partner_id)
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .bind(filter.venue.as_deref())
        .bind(filter.flagged.map(i64::from))
        .fetch_one(&self.pool)
        .await?;
        Ok((rows, total))
    }

    /// Every statement of a party, newest month first.
    pub async fn party_statements(&self, party: &str) -> Result<Vec<PartnerStatementRow>> {
        Ok(sqlx::query_as(
            "SELECT i.period, i.currency, p.status, CAST(SUM(i.amount_minor) AS BIGINT) AS amount_minor \
             FROM current_items i JOIN periods p ON p.period = i.period WHERE i.party = $1 \
             GROUP BY i.period, i.currency, p.status ORDER BY i.period DESC, i.currency",
        )
        .bind(party)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn open_dispute(&self, d: &NewDispute<'_>, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO disputes (period, party, currency, line_key, comment, opened_by, opened_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open') RETURNING id",
        )
        .bind(d.period)
        .bind(d.party)
        .bind(d.currency)
        .bind(d.line_key)
        .bind(d.comment)
        .bind(d.by)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// A party's disputes on one statement (or all of the party's with `period` None).
    pub async fn disputes_of(&self, party: &str, period: Option<&str>) -> Result<Vec<DisputeRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_DISPUTE} WHERE party = $1 AND (CAST($2 AS TEXT) IS NULL OR period = $2) ORDER BY id"
        ))
        .bind(party)
        .bind(period)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn dispute(&self, id: i64) -> Result<Option<DisputeRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_DISPUTE} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Every dispute, open ones first.
    pub async fn disputes(&self) -> Result<Vec<DisputeRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_DISPUTE} ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, id DESC"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Accepted disputes with a credit, for settlement.
    pub async fn accepted_credits(&self) -> Result<Vec<DisputeRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_DISPUTE} WHERE status = 'accepted' AND credit_minor IS NOT NULL AND credit_minor <> 0 ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The operator's answer; accepted with a credit, it is paid in the next open month. Audited.
    pub async fn resolve_dispute(
        &self,
        id: i64,
        accept: bool,
        credit_minor: Option<i64>,
        answer: &str,
        by: &str,
        now: i64,
    ) -> Result<()> {
        let status = if accept { "accepted" } else { "rejected" };
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE disputes SET status = $2, credit_minor = $3, answer = $4, resolved_by = $5, resolved_at = $6 \
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(status)
        .bind(if accept { credit_minor } else { None })
        .bind(answer)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "dispute {id} is not open (answered already, or no such dispute)"
            )));
        }
        let detail = match credit_minor {
            Some(c) if accept => format!("credit {c} minor units: {answer}"),
            _ => answer.to_string(),
        };
        let (action, subject) = (format!("dispute_{status}"), format!("dispute {id}"));
        super::settlement::audit_in(&mut tx, now, by, &action, &subject, &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every counted use in a time range (unix ms), ordered by pass: for the consortium figures.
    pub fn uses_by_town(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> BoxStream<'_, std::result::Result<UseOfTown, sqlx::Error>> {
        sqlx::query_as(
            "SELECT r.serial, t.code, v.code, pa.code, r.scanned_at FROM redemptions r \
             JOIN venues v ON v.id = r.venue_id JOIN towns t ON t.id = v.town_id JOIN partners pa ON pa.id = v.partner_id \
             WHERE r.scanned_at >= $1 AND r.scanned_at < $2 AND (r.review IS NULL OR r.review <> 'rejected') \
             AND (r.flag IS NULL OR r.review = 'accepted') ORDER BY r.serial, r.scanned_at",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch(&self.pool)
    }

    /// Passes sold in a time range (unix s): (town of the sales point or "web", currency, passes, gross).
    pub async fn sales_by_town(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, String, i64, i64)>> {
        let rows: Vec<(Option<String>, String, i64, i64)> = sqlx::query_as(
            "SELECT sp.doc, p.currency, COUNT(*), CAST(SUM(p.price_minor) AS BIGINT) FROM passes p \
             JOIN orders o ON o.id = p.order_id LEFT JOIN sales_points sp ON sp.id = o.sales_point_id \
             WHERE o.status = 'paid' AND p.issued_at >= $1 AND p.issued_at < $2 \
             GROUP BY sp.doc, p.currency",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut out: std::collections::BTreeMap<(String, String), (i64, i64)> = Default::default();
        for (doc, currency, n, gross) in rows {
            let town = doc
                .and_then(|d| serde_json::from_str::<townpass_core::catalog::SalesPoint>(&d).ok())
                .map(|sp| sp.town.unwrap_or(sp.code))
                .unwrap_or_else(|| "web shop".to_string());
            let e = out.entry((town, currency)).or_default();
            e.0 += n;
            e.1 += gross;
        }
        Ok(out
            .into_iter()
            .map(|((t, c), (n, g))| (t, c, n, g))
            .collect())
    }

    /// Dispute ids already credited in a month other than `period`.
    pub async fn credited_disputes(&self, period: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT serial FROM current_items WHERE kind = 'dispute_credit' AND period <> $1",
        )
        .bind(period)
        .fetch_all(&self.pool)
        .await?)
    }
}
