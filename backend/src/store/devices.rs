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
