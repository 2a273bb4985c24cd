//! Every use a device may still need, held in memory by each server process and packed for
//! bundles from there.
//!
//! When the network comes back after an outage, a thousand gates ask for their bundle at once,
//! and each one that starts from zero wants every use of every pass not yet expired. Read from the
//! database and turned into JSON for each gate, that was most of a sync storm's work (25 million
//! rows for a thousand gates). Here each process reads each use once, keeps it in 48 bytes, and a
//! bundle is a binary search and a copy.
//!
//! Correct because redemption ids and pass-change seqs are handed out in commit order (see
//! `pass_state`): after reading the watermark (the last id committed), everything up to it is
//! visible, and everything committed later has a larger id. Before each bundle the log reads what
//! was committed since its last look (one short query when nothing changed; one look serves every
//! request that arrived before it began). A rejected review, recorded as a pass change, hides that
//! use from later bundles, as the database query did.

use std::collections::HashMap;
use std::time::Instant;

use townpass_core::Serial;
use townpass_core::protocol::{NameTable, PackedUses};

use super::{Result, Store};

/// Rows per read while catching up.
const READ_PAGE: i64 = 50_000;
/// How often expired uses are dropped from memory (seconds).
const PRUNE_EVERY_S: i64 = 600;

#[derive(Clone, Copy, Debug)]
struct Entry {
    id: i64,
    serial: Serial,
    at_ms: i64,
    /// When the pass expires (uses of an expired pass are never sent).
    expires_at: i64,
    venue: u32,
    /// The device that recorded it: its name is looked up when a bundle is packed (a re-enrolment
    /// renames the old device, and every process must send the same name).
    device: i64,
    /// Index plus one; 0: no offer.
    offer: u32,
    rejected: bool,
}

#[derive(Debug, Default)]
struct State {
    entries: Vec<Entry>,
    /// Venue and offer codes.
    names: NameTable,
    /// Device names by id, read again at every look.
    places: HashMap<i64, String>,
    /// Everything up to this redemption id is in `entries` (or expired, or of no issued pass).
    last_id: i64,
    /// Reviews up to this pass-change seq are applied.
    last_change: i64,
    pruned_at: i64,
}

/// The uses log of one process (shared by the clones of its [`Store`]).
#[derive(Debug, Default)]
pub struct UsesLog {
    state: tokio::sync::RwLock<State>,
    /// One look at the database at a time; holds when the last one began.
    looking: tokio::sync::Mutex<Option<Instant>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    serial: String,
    offer: Option<String>,
    venue: String,
    at_ms: i64,
    device_id: i64,
    expires_at: i64,
    rejected: i64,
}

impl Store {
    /// Uses after redemption id `after` that a device still needs (the pass has not expired by
    /// `now`, the use was not rejected in review), at most `limit`; with the new cursor and
    /// whether the page is full (more may wait after the cursor).
    pub async fn uses_since(
        &self,
        after: i64,
        now: i64,
        limit: i64,
    ) -> Result<(PackedUses, i64, bool)> {
        self.catch_up_uses(now).await?;
        let state = self.uses_log.state.read().await;
        let start = state.entries.partition_point(|e| e.id <= after);
        let mut packed = PackedUses::default();
        let mut cursor = after;
        let mut full = false;
        for e in &state.entries[start..] {
            if e.rejected || e.expires_at <= now {
                continue;
            }
            if packed.len() as i64 >= limit {
                full = true;
                break;
            }
            packed.push(
                e.serial,
                e.at_ms,
                state.names.get(e.venue),
                state.places.get(&e.device).map_or("", String::as_str),
                (e.offer > 0).then(|| state.names.get(e.offer - 1)),
            );
            cursor = e.id;
        }
        if !full {
            cursor = state.last_id.max(after);
        }
        Ok((packed, cursor, full))
    }

    /// Ids of uses rejected in the reviews recorded after pass change `after`, up to `upto`.
    async fn rejected_since(&self, after: i64, upto: i64) -> Result<Vec<i64>> {
        let reviewed: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT serial FROM pass_changes WHERE seq > $1 AND seq <= $2 \
             AND kind = 'reviewed'",
        )
        .bind(after)
        .bind(upto)
        .fetch_all(&self.pool)
        .await?;
        if reviewed.is_empty() {
            return Ok(Vec::new());
        }
        let serials: Vec<&str> = reviewed.iter().map(String::as_str).collect();
        let sql = format!(
            "SELECT r.id FROM {} CROSS JOIN redemptions r \
             WHERE r.serial = list.value AND r.review = 'rejected'",
            super::pass_state::json_rows(self.dialect, 1)
        );
        Ok(sqlx::query_scalar::<_, i64>(&sql)
            .bind(super::pass_state::json_list(&serials))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Reads what was committed since the log's last look (see the module's doc).
    async fn catch_up_uses(&self, now: i64) -> Result<()> {
        let arrived = Instant::now();
        let mut looking = self.uses_log.looking.lock().await;
        if looking.is_some_and(|began| began > arrived) {
            // A look that began after this request arrived has seen all it could.
            return Ok(());
        }
        // Marked done only when the look succeeds: after a failed one, the next request looks.
        let began = Instant::now();
        let (watermark, changes) = self.read_watermark().await?;
        let (mut last_id, last_change) = {
            let state = self.uses_log.state.read().await;
            (state.last_id, state.last_change)
        };
        // Uses read in this look carry their review as of now; only those held before need the
        // reviews recorded since the last look (none on the first look).
        let held_before = last_id;
        while last_id < watermark {
            // A visit that is no use of the pass (see NO_USE_FLAGS) is left out, as in judging;
            // `last_id` still moves to the watermark once a page comes back short.
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT r.id, r.serial, o.code AS offer, v.code AS venue, r.scanned_at AS at_ms, \
                 r.device_id, p.expires_at, \
                 CASE WHEN r.review = 'rejected' THEN 1 ELSE 0 END AS rejected \
                 FROM redemptions r JOIN venues v ON v.id = r.venue_id \
                 LEFT JOIN offers o ON o.id = r.offer_id JOIN passes p ON p.serial = r.serial \
                 WHERE r.id > $1 AND r.id <= $2 AND p.expires_at > $3 AND {} \
                 ORDER BY r.id LIMIT $4",
                super::pass_state::COUNTS_AS_USE
            ))
            .bind(last_id)
            .bind(watermark)
            .bind(now)
            .bind(READ_PAGE)
            .fetch_all(&self.pool)
            .await?;
            let done = (rows.len() as i64) < READ_PAGE;
            let mut state = self.uses_log.state.write().await;
            for r in rows {
                last_id = r.id;
                // A serial that is not 16 hex digits names no pass a device could see.
                let Ok(serial) = r.serial.parse() else {
                    continue;
                };
                let entry = Entry {
                    id: r.id,
                    serial,
                    at_ms: r.at_ms,
                    expires_at: r.expires_at,
                    venue: state.names.intern(&r.venue),
                    device: r.device_id,
                    offer: r.offer.as_deref().map_or(0, |o| state.names.intern(o) + 1),
                    rejected: r.rejected != 0,
                };
                state.entries.push(entry);
            }
            if done {
                last_id = watermark;
            }
            state.last_id = last_id;
        }
        if changes > last_change {
            let rejected = if held_before > 0 {
                self.rejected_since(last_change, changes).await?
            } else {
                Vec::new()
            };
            let mut state = self.uses_log.state.write().await;
            for id in rejected {
                if let Ok(at) = state.entries.binary_search_by_key(&id, |e| e.id) {
                    state.entries[at].rejected = true;
                }
            }
            state.last_change = changes;
        }
        let places: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM devices")
            .fetch_all(&self.pool)
            .await?;
        let mut state = self.uses_log.state.write().await;
        state.places = places.into_iter().collect();
        if now - state.pruned_at >= PRUNE_EVERY_S {
            state.entries.retain(|e| e.expires_at > now);
            state.pruned_at = now;
        }
        *looking = Some(began);
        Ok(())
    }
}
