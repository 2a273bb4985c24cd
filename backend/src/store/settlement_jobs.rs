//! Settlement jobs: a month to compute or close, run by one server instance at a time under a
//! lease it renews while it works (see migration 9). Claiming is one UPDATE that only one instance
//! can win; a job whose lease ran out (its instance died) is claimed again as a new attempt.

use super::{Result, Store, StoreError};

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct JobRow {
    pub id: i64,
    pub period: String,
    pub close_by: Option<String>,
    pub requested_by: String,
    pub requested_at: i64,
    pub status: String,
    pub attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub passes_read: i64,
    pub passes_total: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
}

impl JobRow {
    /// The run number this attempt writes its rows under.
    pub fn run(&self) -> i64 {
        self.id * 1000 + self.attempts
    }
}

/// How many times a job is started before it is given up.
pub const MAX_ATTEMPTS: i64 = 5;

const SELECT_JOB: &str = "SELECT id, period, close_by, requested_by, requested_at, status, attempts, \
     lease_owner, lease_until, passes_read, passes_total, started_at, finished_at, error FROM settlement_jobs";

impl Store {
    /// Asks for a month to be settled (`close_by`: and closed) by whichever instance is free.
    /// Refused while another settlement of that month is queued or running.
    pub async fn enqueue_settlement(
        &self,
        period: &str,
        close_by: Option<&str>,
        requested_by: &str,
        now: i64,
    ) -> Result<JobRow> {
        self.insert_job(period, close_by, requested_by, now, None)
            .await
    }

    /// A job this caller runs itself, now (the CLI, tests): inserted as claimed by `owner`.
    pub async fn start_own_job(
        &self,
        period: &str,
        close_by: Option<&str>,
        requested_by: &str,
        now: i64,
        owner: &str,
        lease_until: i64,
    ) -> Result<JobRow> {
        self.insert_job(
            period,
            close_by,
            requested_by,
            now,
            Some((owner, lease_until)),
        )
        .await
    }

    async fn insert_job(
        &self,
        period: &str,
        close_by: Option<&str>,
        requested_by: &str,
        now: i64,
        owner: Option<(&str, i64)>,
    ) -> Result<JobRow> {
        let inserted: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO settlement_jobs (period, close_by, requested_by, requested_at, status, attempts, \
             lease_owner, lease_until, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(period)
        .bind(close_by)
        .bind(requested_by)
        .bind(now)
        .bind(if owner.is_some() { "running" } else { "queued" })
        .bind(i64::from(owner.is_some()))
        .bind(owner.map(|o| o.0))
        .bind(owner.map(|o| o.1))
        .bind(owner.map(|_| now))
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(id) => self.job(id).await,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                let busy = self.active_job(period).await?;
                Err(StoreError::Conflict(match busy {
                    Some(j) => format!(
                        "{period} is being settled already ({} asked at {}); wait until it is done",
                        j.requested_by,
                        crate::i18n::present::local_time(
                            j.requested_at,
                            &self.operator_zone().await.unwrap_or_else(|_| "UTC".into())
                        )
                    ),
                    None => format!("{period} is being settled already; try again"),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn job(&self, id: i64) -> Result<JobRow> {
        sqlx::query_as(&format!("{SELECT_JOB} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("settlement job {id}")))
    }

    /// The month's queued or running job, if any.
    pub async fn active_job(&self, period: &str) -> Result<Option<JobRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_JOB} WHERE period = $1 AND status IN ('queued', 'running')"
        ))
        .bind(period)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The latest jobs, newest first.
    pub async fn recent_jobs(&self, limit: i64) -> Result<Vec<JobRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_JOB} ORDER BY id DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Takes the oldest job that is queued, or running under a lease that ran out, for `owner`
    /// until `lease_until`. Only one caller can win a job.
    pub async fn claim_job(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<JobRow>> {
        // A job whose servers died MAX_ATTEMPTS times (out of memory, say) is given up, not
        // retried for ever.
        sqlx::query(&format!(
            "UPDATE settlement_jobs SET status = 'failed', finished_at = $1, lease_owner = NULL, \
             lease_until = NULL, error = 'gave up after {MAX_ATTEMPTS} attempts: the server running it \
             stopped each time (see its log); queue it again to retry' \
             WHERE status = 'running' AND lease_until < $1 AND attempts >= {MAX_ATTEMPTS}"
        ))
        .bind(now)
        .execute(&self.pool)
        .await?;
        let free = "(status = 'queued' OR (status = 'running' AND lease_until < $2))";
        let id: Option<i64> = sqlx::query_scalar(&format!(
            "UPDATE settlement_jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1, \
             lease_until = $3, started_at = $2, passes_read = 0 \
             WHERE id = (SELECT id FROM settlement_jobs WHERE {free} ORDER BY id LIMIT 1) AND {free} \
             RETURNING id"
        ))
        .bind(owner)
        .bind(now)
        .bind(lease_until)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => Ok(Some(self.job(id).await?)),
            None => Ok(None),
        }
    }

    /// Renews the lease and records progress; false if the job is no longer this owner's.
    pub async fn renew_job(
        &self,
        id: i64,
        owner: &str,
        passes_read: i64,
        passes_total: Option<i64>,
        lease_until: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE settlement_jobs SET passes_read = $3, passes_total = COALESCE($4, passes_total), \
             lease_until = $5 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(passes_read)
        .bind(passes_total)
        .bind(lease_until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a job that did not finish, with what went wrong (only while this owner holds it).
    pub async fn fail_job(&self, id: i64, owner: &str, error: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE settlement_jobs SET status = 'failed', error = $3, finished_at = $4, lease_owner = NULL, \
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(error)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a job done without publishing anything (a month that was closed already).
    pub async fn finish_job(&self, id: i64, owner: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE settlement_jobs SET status = 'done', finished_at = $3, lease_owner = NULL, \
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// About how many passes a settlement of `period` reads (for a progress bar): the paid passes
    /// issued before the month ends, not settled by another month.
    pub async fn passes_to_settle_estimate(&self, period: &str, ends_at: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM passes p JOIN orders o ON o.id = p.order_id \
                 WHERE o.status = 'paid' AND p.issued_at < $1 AND NOT EXISTS \
                 (SELECT 1 FROM current_settled s WHERE s.serial = p.serial AND s.period <> $2)",
        )
        .bind(ends_at)
        .bind(period)
        .fetch_one(&self.pool)
        .await?)
    }
}
