//! Venue devices and their one-time enrolment codes (only a code's hash is stored).

use serde::Serialize;

use super::{Result, Store, StoreError};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct DeviceRow {
    pub id: i64,
    pub venue: String,
    pub name: String,
    pub status: String,
    pub public_key: Option<String>,
    pub created_at: i64,
    pub enrolled_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub clock_offset_ms: Option<i64>,
}

const SELECT_DEVICE: &str = "SELECT d.id, v.code AS venue, d.name, d.status, d.public_key, d.created_at, d.enrolled_at, \
     d.last_seen_at, d.clock_offset_ms FROM devices d JOIN venues v ON v.id = d.venue_id";

impl Store {
    /// Makes (or finds) the device `name` at `venue` and stores a new enrolment code for it.
    /// An enrolled device gets a new code only to re-enrol (e.g. a replaced tablet).
    pub async fn add_device_code(
        &self,
        venue: &str,
        name: &str,
        code_hash: &str,
        now: i64,
        ttl: i64,
    ) -> Result<DeviceRow> {
        let mut tx = self.pool.begin().await?;
        let venue_id: i64 = sqlx::query_scalar("SELECT id FROM venues WHERE code = $1")
            .bind(venue)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("venue '{venue}'")))?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM devices WHERE venue_id = $1 AND name = $2")
                .bind(venue_id)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        let device_id = match existing {
            Some(id) => id,
            None => {
                sqlx::query_scalar(
                    "INSERT INTO devices (venue_id, name, status, created_at) VALUES ($1, $2, 'pending', $3) RETURNING id",
                )
                .bind(venue_id)
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        sqlx::query("INSERT INTO enrolment_codes (code_hash, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(code_hash)
            .bind(device_id)
            .bind(now)
            .bind(now + ttl)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.device(device_id).await
    }

    pub async fn device(&self, id: i64) -> Result<DeviceRow> {
        sqlx::query_as(&format!("{SELECT_DEVICE} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("device {id}")))
    }

    pub async fn devices(&self) -> Result<Vec<DeviceRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_DEVICE} ORDER BY v.code, d.name"))
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// Why an enrolment code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    Unknown,
    Used,
    Expired,
}

/// A redemption to store, as uploaded and judged.
#[derive(Clone, Debug)]
pub struct NewRedemption {
    pub device_id: i64,
    pub local_id: i64,
    pub serial: String,
    pub token: String,
    pub venue_id: i64,
    pub offer: Option<String>,
    pub scanned_at_ms: i64,
    pub received_at: i64,
    pub flag: Option<String>,
    pub flag_detail: Option<String>,
}

/// A use of a pass as the server knows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UseRow {
    pub id: i64,
    pub serial: String,
    pub offer: Option<String>,
    pub venue: String,
    pub at_ms: i64,
    pub place: String,
}

const SELECT_USE: &str = "SELECT r.id, r.serial, o.code AS offer, v.code AS venue, r.scanned_at AS at_ms, d.name AS place \
     FROM redemptions r JOIN venues v ON v.id = r.venue_id JOIN devices d ON d.id = r.device_id \
     LEFT JOIN offers o ON o.id = r.offer_id";

impl Store {
    /// Trades a one-time code for the device's registration, atomically: the code is marked used
    /// and the device gets its public key, or nothing changes.
    pub async fn enroll_device(
        &self,
        code_hash: &str,
        public_key: &str,
        now: i64,
    ) -> Result<std::result::Result<DeviceRow, CodeProblem>> {
        let mut tx = self.pool.begin().await?;
        let code: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT device_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let device_id = match code {
            None => return Ok(Err(CodeProblem::Unknown)),
            Some((_, _, Some(_))) => return Ok(Err(CodeProblem::Used)),
            Some((_, expires, None)) if expires <= now => return Ok(Err(CodeProblem::Expired)),
            Some((device_id, _, None)) => device_id,
        };
        let used = sqlx::query(
            "UPDATE enrolment_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL",
        )
        .bind(code_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(Err(CodeProblem::Used));
        }
        sqlx::query(
            "UPDATE devices SET public_key = $2, status = 'active', enrolled_at = $3 WHERE id = $1",
        )
        .bind(device_id)
        .bind(public_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(self.device(device_id).await?))
    }

    pub async fn device_venue_id(&self, device_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT venue_id FROM devices WHERE id = $1")
                .bind(device_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn record_contact(
        &self,
        device_id: i64,
        now: i64,
        clock_offset_ms: i64,
    ) -> Result<()> {
        sqlx::query("UPDATE devices SET last_seen_at = $2, clock_offset_ms = $3 WHERE id = $1")
            .bind(device_id)
            .bind(now)
            .bind(clock_offset_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a redemption unless the device sent it before; `true` when it is new.
    pub async fn insert_redemption(&self, r: &NewRedemption) -> Result<bool> {
        let offer_id: Option<i64> = match &r.offer {
            Some(code) => {
                sqlx::query_scalar("SELECT id FROM offers WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => None,
        };
        let done = sqlx::query(
            "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, received_at, flag, flag_detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (device_id, local_id) DO NOTHING",
        )
        .bind(r.device_id)
        .bind(r.local_id)
        .bind(&r.serial)
        .bind(&r.token)
        .bind(r.venue_id)
        .bind(offer_id)
        .bind(r.scanned_at_ms)
        .bind(r.received_at)
        .bind(&r.flag)
        .bind(&r.flag_detail)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every known use of a pass.
    pub async fn uses_of_serial(&self, serial: &str) -> Result<Vec<UseRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_USE} WHERE r.serial = $1 ORDER BY r.scanned_at, r.id"
        ))
        .bind(serial)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Uses recorded after cursor `after` (redemption ids), of passes not yet expired at `now`,
    /// excluding flagged ones that were rejected on review. Returns the uses and the new cursor.
    pub async fn uses_since(&self, after: i64, now: i64, limit: i64) -> Result<(Vec<UseRow>, i64)> {
        let rows: Vec<UseRow> = sqlx::query_as(&format!(
            "{SELECT_USE} LEFT JOIN passes p ON p.serial = r.serial WHERE r.id > $1 \
             AND (p.expires_at IS NULL OR p.expires_at > $2) AND (r.review IS NULL OR r.review <> 'rejected') \
             ORDER BY r.id LIMIT $3"
        ))
        .bind(after)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let cursor = match rows.last() {
            Some(r) => r.id,
            None => sqlx::query_scalar::<_, Option<i64>>(
                "SELECT MAX(id) FROM redemptions WHERE id > $1",
            )
            .bind(after)
            .fetch_one(&self.pool)
            .await?
            .unwrap_or(after)
            .max(after),
        };
        Ok((rows, cursor))
    }

    /// Pass serials revoked after cursor `after` (revocation sequence). Returns them and the new cursor.
    pub async fn revocations_since(&self, after: i64, limit: i64) -> Result<(Vec<String>, i64)> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT seq, serial FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let cursor = rows.last().map_or(after, |(seq, _)| *seq);
        Ok((rows.into_iter().map(|(_, s)| s).collect(), cursor))
    }

    /// When a pass was revoked, if it was.
    pub async fn pass_revoked_at(&self, serial: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT revoked_at FROM passes WHERE serial = $1")
                .bind(serial)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    pub async fn redemption_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM redemptions")
            .fetch_one(&self.pool)
            .await?)
    }
}
