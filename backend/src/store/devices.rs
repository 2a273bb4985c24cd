//! Venue devices and their one-time enrolment codes (only a code's hash is stored).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{Dialect, Result, Store, StoreError};

/// Redemptions per INSERT statement.
const INSERT_BATCH: usize = 1000;

/// Values per `IN (...)` list: SQLite binds `$N` parameters in time quadratic in their number
/// within one statement, so it gets short lists.
fn in_batch(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => 2000,
        Dialect::Sqlite => 200,
    }
}

/// "$start, $start+1, ..." (n of them).
fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A hook for the crash tests (only in a debug build with the `testing` feature): with TOWNPASS_TEST_STALL_UPLOAD_MS set, storing an
/// upload pauses after its first rows are written (inside the transaction) and says so on
/// stderr, so a test can kill the server in the middle of storing a batch. No release build has it.
async fn stall_for_tests() {
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

/// An item a device sent before: where it is stored, and what it was.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldItem {
    pub stored_id: i64,
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
        // A device enrolled before (a replaced scanner, a lost code) gets a new identity: its own
        // id, so its visits, numbered from 1 again, never collide with the earlier device's. The
        // earlier one is disabled (a lost or stolen scanner must not sync on) and renamed so the
        // list tells them apart. The key is set only where none is, so two enrolments at once
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
            sqlx::query("UPDATE devices SET name = $2, status = 'disabled' WHERE id = $1")
                .bind(device_id)
                .bind(format!("{name} (replaced, #{device_id})"))
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
        sqlx::query("UPDATE devices SET last_seen_at = $2, clock_offset_ms = $3 WHERE id = $1")
            .bind(device_id)
            .bind(now)
            .bind(clock_offset_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Which of `local_ids` this device has uploaded before (a retry, or a batch sent twice).
    /// What this device has stored under these local ids, by local id: the item under the id
    /// itself and any stored under a reuse number of it (`-(local_id * 1000 + n)`).
    pub async fn held_items(
        &self,
        device_id: i64,
        local_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<HeldItem>>> {
        let (Some(&min), Some(&max)) = (local_ids.iter().min(), local_ids.iter().max()) else {
            return Ok(HashMap::new());
        };
        let reuse = crate::devices::sync::REUSES_PER_ID;
        // Two ranges, two queries: each walks the (device_id, local_id) index.
        let mut rows: Vec<HeldItem> = Vec::new();
        for (from, to) in [(min, max), (-(max * reuse + reuse - 1), -(min * reuse + 1))] {
            rows.extend(
                sqlx::query_as::<_, HeldItem>(
                    "SELECT local_id AS stored_id, token, scanned_at FROM redemptions \
                     WHERE device_id = $1 AND local_id >= $2 AND local_id <= $3",
                )
                .bind(device_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?,
            );
        }
        let wanted: HashSet<i64> = local_ids.iter().copied().collect();
        let mut out: HashMap<i64, Vec<HeldItem>> = HashMap::new();
        for row in rows {
            let local_id = crate::devices::sync::local_id_of(row.stored_id);
            if wanted.contains(&local_id) {
                out.entry(local_id).or_default().push(row);
            }
        }
        Ok(out)
    }

    /// Offer codes and their ids (codes are unique across the catalogue).
    pub async fn offer_ids(&self) -> Result<HashMap<String, i64>> {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM offers")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id, code)| (code, id)).collect())
    }

    /// When each of these passes was revoked, for those that were.
    pub async fn revoked_at_of(&self, serials: &[&str]) -> Result<HashMap<String, i64>> {
        let mut out = HashMap::new();
        for chunk in serials.chunks(in_batch(self.dialect)) {
            let sql = format!(
                "SELECT serial, revoked_at FROM passes WHERE revoked_at IS NOT NULL AND serial IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Every known use of each of these passes, in scan order.
    pub async fn uses_of_serials(&self, serials: &[&str]) -> Result<HashMap<String, Vec<UseRow>>> {
        let mut out: HashMap<String, Vec<UseRow>> = HashMap::new();
        for chunk in serials.chunks(in_batch(self.dialect)) {
            let sql = format!(
                "{SELECT_USE} WHERE r.serial IN ({}) ORDER BY r.scanned_at, r.id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, UseRow>(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            for row in q.fetch_all(&self.pool).await? {
                out.entry(row.serial.clone()).or_default().push(row);
            }
        }
        Ok(out)
    }

    /// Stores judged redemptions in one transaction, skipping any the device sent before (on
    /// (device, local_id)); returns the local ids that were new. All or nothing: a crash part way
    /// stores none of them, and the device's retry stores them.
    ///
    /// Rows travel as one JSON parameter per statement that the database unpacks
    /// (`json_to_recordset`, `json_each`): thousands of bound parameters cost more in the driver
    /// and, on SQLite, in binding than the insert itself.
    pub async fn insert_redemptions(&self, rows: &[NewRedemption]) -> Result<HashSet<i64>> {
        let offers = self.offer_ids().await?;
        let sql = match self.dialect {
            Dialect::Postgres => {
                "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, \
                 received_at, flag, flag_detail) \
                 SELECT x.device_id, x.local_id, x.serial, x.token, x.venue_id, x.offer_id, x.scanned_at, \
                 x.received_at, x.flag, x.flag_detail FROM json_to_recordset($1::json) AS x(device_id bigint, \
                 local_id bigint, serial text, token text, venue_id bigint, offer_id bigint, scanned_at bigint, \
                 received_at bigint, flag text, flag_detail text) \
                 ON CONFLICT (device_id, local_id) DO NOTHING RETURNING local_id"
            }
            Dialect::Sqlite => {
                "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, \
                 received_at, flag, flag_detail) \
                 SELECT value ->> 'device_id', value ->> 'local_id', value ->> 'serial', value ->> 'token', \
                 value ->> 'venue_id', value ->> 'offer_id', value ->> 'scanned_at', value ->> 'received_at', \
                 value ->> 'flag', value ->> 'flag_detail' FROM json_each($1) WHERE true \
                 ON CONFLICT (device_id, local_id) DO NOTHING RETURNING local_id"
            }
        };
        let mut tx = self.pool.begin().await?;
        let mut new = HashSet::with_capacity(rows.len());
        for (n, chunk) in rows.chunks(INSERT_BATCH).enumerate() {
            let json: Vec<serde_json::Value> = chunk
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "device_id": r.device_id,
                        "local_id": r.local_id,
                        "serial": r.serial,
                        "token": r.token,
                        "venue_id": r.venue_id,
                        "offer_id": r.offer.as_ref().and_then(|o| offers.get(o)),
                        "scanned_at": r.scanned_at_ms,
                        "received_at": r.received_at,
                        "flag": r.flag,
                        "flag_detail": r.flag_detail,
                    })
                })
                .collect();
            let json = serde_json::to_string(&json)
                .map_err(|e| StoreError::Conflict(format!("cannot encode redemptions: {e}")))?;
            new.extend(
                sqlx::query_scalar::<_, i64>(sql)
                    .bind(json)
                    .fetch_all(&mut *tx)
                    .await?,
            );
            if n == 0 {
                stall_for_tests().await;
            }
        }
        tx.commit().await?;
        Ok(new)
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
