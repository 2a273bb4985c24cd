//! Venue devices and their one-time enrolment codes (only a code's hash is stored).

use std::collections::HashMap;

use serde::Serialize;

use super::{Result, Store, StoreError};

/// A hook for the crash tests (only in a debug build with the `testing` feature): with TOWNPASS_TEST_STALL_UPLOAD_MS set, storing an
/// upload pauses after its first rows are written (inside the transaction) and says so on
/// stderr, so a test can kill the server in the middle of storing a batch. No release build has it.
pub(super) async fn stall_for_tests(store: &Store, device_id: i64) {
    #[cfg(feature = "testing")]
    {
        let ms = store.stall_of(device_id);
        if ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
    }
    let _ = (store, device_id);
    if cfg!(all(feature = "testing", debug_assertions))
        && let Some(ms) = std::env::var("TOWNPASS_TEST_STALL_UPLOAD_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
    {
        eprintln!("test hook: upload stalled mid-transaction for {ms} ms");
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

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
    /// When a new enrolment replaced this device (it then may only hand in its visits).
    pub replaced_at: Option<i64>,
}

const SELECT_DEVICE: &str = "SELECT d.id, v.code AS venue, d.name, d.status, d.public_key, d.created_at, d.enrolled_at, \
     d.last_seen_at, d.clock_offset_ms, d.replaced_at FROM devices d JOIN venues v ON v.id = d.venue_id";

impl Store {
    /// Makes (or finds) the device `name` at `venue` and stores a new enrolment code for it.
    /// An enrolled device gets a new code only to re-enrol (e.g. a replaced tablet). The device's
    /// earlier unused codes are void from now on: a device has one valid code, the newest.
    pub async fn add_device_code(
        &self,
        venue: &str,
        name: &str,
        code_hash: &str,
        now: i64,
        ttl: i64,
    ) -> Result<DeviceRow> {
        let mut tx = self.begin_write().await?;
        let venue_id: i64 = sqlx::query_scalar("SELECT id FROM venues WHERE code = $1")
            .bind(venue)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("venue '{venue}'")))?;
        // The device of that name, locked (see `lock_device`). An enrolment may rename it
        // "(replaced, #N)" and make a new device of the name while this waits for the lock: then
        // the name is looked up again, so the code goes to the device that has it now.
        let mut tries = 0;
        let device_id = loop {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM devices WHERE venue_id = $1 AND name = $2")
                    .bind(venue_id)
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(id) = existing else {
                break sqlx::query_scalar(
                    "INSERT INTO devices (venue_id, name, status, created_at) \
                     VALUES ($1, $2, 'pending', $3) RETURNING id",
                )
                .bind(venue_id)
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            };
            lock_device(&mut tx, id).await?;
            let still: Option<String> =
                sqlx::query_scalar("SELECT name FROM devices WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            tries += 1;
            if still.as_deref() == Some(name) {
                break id;
            }
            if tries >= 5 {
                return Err(StoreError::Conflict(format!(
                    "the device {name} is being enrolled again right now: try again"
                )));
            }
        };
        // One valid code per device, the newest: a lost one stops working now.
        void_codes(&mut tx, device_id, now).await?;
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

    /// Disables a device for good (lost, stolen): its key is refused from now on, and so is any
    /// enrolment code made for it before (a replacement needs a code made after this).
    pub async fn disable_device(&self, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        lock_device(&mut tx, id).await?;
        sqlx::query("UPDATE devices SET status = 'disabled', replaced_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        void_codes(&mut tx, id, super::now()).await?;
        tx.commit().await?;
        Ok(())
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
    /// A newer code was made for the device, or it was disabled, after this one.
    Replaced,
}

/// Takes the device's row lock for the rest of `tx`: making a code, enrolling with one and
/// disabling the device then happen one at a time, so two codes made at once cannot both stay
/// valid (each voiding only what was committed before it) and a code voided meanwhile is seen
/// (SQLite's write transactions are one at a time anyway).
async fn lock_device(tx: &mut sqlx::Transaction<'static, sqlx::Any>, device_id: i64) -> Result<()> {
    sqlx::query("UPDATE devices SET id = id WHERE id = $1")
        .bind(device_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Voids the device's unused enrolment codes (see [`Store::add_device_code`]).
async fn void_codes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    device_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE enrolment_codes SET voided_at = $2 \
         WHERE device_id = $1 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(device_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An item a device sent before: where it is stored, and what it was.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldItem {
    pub stored_id: i64,
    pub serial: String,
    /// As scanned (a token byte for byte as issued is read back from its pass).
    pub token: String,
    pub scanned_at: i64,
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

impl Store {
    /// Trades a one-time code for the device's registration, atomically: the code is marked used
    /// and the device gets its public key, or nothing changes.
    pub async fn enroll_device(
        &self,
        code_hash: &str,
        public_key: &str,
        now: i64,
    ) -> Result<std::result::Result<DeviceRow, CodeProblem>> {
        let mut tx = self.begin_write().await?;
        let code: Option<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT device_id, expires_at, used_at, voided_at FROM enrolment_codes \
             WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let device_id = match code {
            None => return Ok(Err(CodeProblem::Unknown)),
            Some((_, _, Some(_), _)) => return Ok(Err(CodeProblem::Used)),
            Some((_, _, None, Some(_))) => return Ok(Err(CodeProblem::Replaced)),
            Some((_, expires, None, None)) if expires <= now => {
                return Ok(Err(CodeProblem::Expired));
            }
            Some((device_id, _, None, None)) => device_id,
        };
        // The device's codes change one at a time (see `lock_device`); then the code is taken
        // only if it is still unused, unvoided and unexpired: a code voided or used meanwhile by
        // another transaction is refused, not taken.
        lock_device(&mut tx, device_id).await?;
        let used = sqlx::query(
            "UPDATE enrolment_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL \
             AND voided_at IS NULL AND expires_at > $2",
        )
        .bind(code_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            let (used_at, voided_at): (Option<i64>, Option<i64>) = sqlx::query_as(
                "SELECT used_at, voided_at FROM enrolment_codes WHERE code_hash = $1",
            )
            .bind(code_hash)
            .fetch_one(&mut *tx)
            .await?;
            return Ok(Err(match (used_at, voided_at) {
                (Some(_), _) => CodeProblem::Used,
                (None, Some(_)) => CodeProblem::Replaced,
                (None, None) => CodeProblem::Expired,
            }));
        }
        void_codes(&mut tx, device_id, now).await?;
        // A device enrolled before (a replaced scanner, a lost code) gets a new identity: its own
        // id, so its visits, numbered from 1 again, never collide with the earlier device's. The
        // earlier one is disabled (no more bundles; for a few days it may still hand in its
        // visits, see `replaced_at`) and renamed so the list tells them apart. The key is set only where none is, so two enrolments at once
        // never share one device: the later one replaces the earlier, as in turn.
        let taken = sqlx::query(
            "UPDATE devices SET public_key = $2, status = 'active', enrolled_at = $3 \
             WHERE id = $1 AND public_key IS NULL",
        )
        .bind(device_id)
        .bind(public_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let device_id = if taken.rows_affected() == 1 {
            device_id
        } else {
            let (venue_id, name): (i64, String) =
                sqlx::query_as("SELECT venue_id, name FROM devices WHERE id = $1")
                    .bind(device_id)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "UPDATE devices SET name = $2, status = 'disabled', \
                 replaced_at = CASE WHEN status = 'active' THEN $3 ELSE replaced_at END \
                 WHERE id = $1",
            )
            .bind(device_id)
            .bind(format!("{name} (replaced, #{device_id})"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query_scalar(
                "INSERT INTO devices (venue_id, name, status, public_key, created_at, enrolled_at) \
                 VALUES ($1, $2, 'active', $3, $4, $4) RETURNING id",
            )
            .bind(venue_id)
            .bind(&name)
            .bind(public_key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        };
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
        let mut conn = self.pool.acquire().await?;
        record_contact(&mut conn, device_id, now, clock_offset_ms).await
    }

    /// What this device has stored under these local ids, by local id (a first look, outside a
    /// pass-state turn: the turn looks again).
    pub async fn held_items(
        &self,
        device_id: i64,
        local_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<HeldItem>>> {
        let mut conn = self.pool.acquire().await?;
        super::pass_state::held_items(&mut conn, self.dialect, device_id, local_ids).await
    }

    /// Offer codes and their ids (codes are unique across the catalogue).
    pub async fn offer_ids(&self) -> Result<HashMap<String, i64>> {
        let mut conn = self.pool.acquire().await?;
        offer_ids(&mut conn).await
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

    /// The ranges (first, last) of local ids this device's redemptions are stored under.
    pub async fn received_ranges(&self, device_id: i64) -> Result<Vec<(i64, i64)>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT local_id FROM redemptions WHERE device_id = $1 AND local_id > 0 ORDER BY local_id",
        )
        .bind(device_id)
        .fetch_all(&self.pool)
        .await?;
        let mut ranges: Vec<(i64, i64)> = Vec::new();
        for id in ids {
            match ranges.last_mut() {
                Some((_, last)) if *last + 1 == id => *last = id,
                _ => ranges.push((id, id)),
            }
        }
        Ok(ranges)
    }

    pub async fn redemption_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM redemptions")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// Offer codes and their ids, on `conn`.
pub(super) async fn offer_ids(conn: &mut sqlx::AnyConnection) -> Result<HashMap<String, i64>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM offers")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(id, code)| (code, id)).collect())
}

/// See [`Store::record_contact`].
pub(super) async fn record_contact(
    conn: &mut sqlx::AnyConnection,
    device_id: i64,
    now: i64,
    clock_offset_ms: i64,
) -> Result<()> {
    sqlx::query("UPDATE devices SET last_seen_at = $2, clock_offset_ms = $3 WHERE id = $1")
        .bind(device_id)
        .bind(now)
        .bind(clock_offset_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
