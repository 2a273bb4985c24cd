//! The pass-state lock and the writes that take it: storing redemptions, flagging one later,
//! reviewing a flag, revoking a pass. Each such transaction first takes its turn on one row
//! (`pass_state_lock`), so these writers commit one after another on PostgreSQL too (SQLite has
//! a single writer anyway). That gives three guarantees the rest of the system builds on:
//!
//! - ids of redemptions, revocations and pass changes are handed out in commit order, so a device
//!   paging "everything after id N" never skips a row that commits later (bundle cursors);
//! - an upload reads a pass's earlier uses and stores its own in one turn, so two uploads of one
//!   pass are judged one after the other, each seeing the other (no double use goes unflagged);
//! - a month's settlement records the last id it read (`read_watermark`), and everything after it
//!   is corrected in a later month: a change committed while a month closes is in exactly one month.
//!
//! A turn is short: the upload's signatures are checked before it, only the reads and writes of
//! the batch happen inside it.

use std::collections::{HashMap, HashSet};

use sqlx::{Any, Transaction};

use super::{Dialect, HeldItem, NewRedemption, Result, Store, StoreError};

/// Redemptions per INSERT statement.
const INSERT_BATCH: usize = 1000;

/// The values of a JSON array bound as parameter `$n`, as a table `list` with one column
/// `value`, to join from: a thousand serials travel as one value (binding thousands of `$N`
/// parameters costs more than the lookups they serve, on SQLite in time quadratic in their
/// number). Written as the outer side of a join (`FROM list CROSS JOIN t WHERE t.x =
/// list.value`), both databases look each value up in `t`'s index; as `x = ANY(...)` PostgreSQL's
/// generic plan turned to scanning the whole of `redemptions` once its statistics grew (1.4 s per
/// upload of 1,000 visits, seen in the upload benchmark).
pub(super) fn json_rows(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("(SELECT json_array_elements_text(${n}::json) AS value) list"),
        Dialect::Sqlite => format!("json_each(${n}) list"),
    }
}

/// A list of texts as a JSON array, for [`json_rows`].
pub(super) fn json_list(values: &[&str]) -> String {
    serde_json::to_string(values).expect("a list of strings is JSON")
}

/// Takes the pass-state turn inside `tx`: waits until no other such writer is between its first
/// statement and its commit. Must be the transaction's first statement (no lock is held before it,
/// so turns cannot deadlock; on SQLite it also takes the write lock before any read).
pub(super) async fn take_turn(tx: &mut Transaction<'static, Any>) -> Result<()> {
    sqlx::query("UPDATE pass_state_lock SET turns = turns + 1 WHERE name = 'pass_state'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A pass this server issued, as an upload's item names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedPass {
    /// The item's token is byte for byte the one the server signed.
    pub same_token: bool,
    pub revoked_at: Option<i64>,
}

/// A use of a pass the server holds, with what judging it again needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldUse {
    pub id: i64,
    pub serial: String,
    pub offer: Option<String>,
    pub venue: String,
    pub venue_id: i64,
    pub at_ms: i64,
    pub place: String,
    pub token: String,
    /// 1 when the use is unflagged and unreviewed (judging it again may flag it), else 0.
    pub open: i64,
}

/// A stored redemption that an earlier scan, arriving later, shows to be a conflict.
#[derive(Clone, Debug)]
pub struct LateFlag {
    pub id: i64,
    pub serial: String,
    pub flag: String,
    pub detail: String,
}

/// One turn of pass-state writes: a transaction holding the lock. Dropped without `commit`, it
/// changes nothing.
pub struct PassWrite {
    tx: Transaction<'static, Any>,
    store: Store,
    /// This process's turn, held until the transaction ends (see `Store::begin_pass_write`).
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl Store {
    /// Starts a pass-state write: waits for its turn (see the module's doc).
    ///
    /// Within one process, writers first queue on an in-process lock, so at most one of this
    /// process's connections waits on the database's turn and the rest of the pool stays free for
    /// everything else (bundles, pages). A turn never takes a second connection from the pool:
    /// with every connection waiting for the turn, that would wait for ever.
    pub async fn begin_pass_write(&self) -> Result<PassWrite> {
        let local = self.turns.clone().lock_owned().await;
        let mut tx = self.begin_write().await?;
        take_turn(&mut tx).await?;
        Ok(PassWrite {
            tx,
            store: self.clone(),
            _local: local,
        })
    }

    /// Stores judged redemptions in one turn (see [`PassWrite::insert_redemptions`]).
    pub async fn insert_redemptions(&self, rows: &[NewRedemption]) -> Result<HashSet<i64>> {
        let mut write = self.begin_pass_write().await?;
        let new = write.insert_redemptions(rows).await?;
        write.commit().await?;
        Ok(new)
    }

    /// For each (serial, token): whether this server issued a pass under that serial, whether
    /// the token is byte for byte the one it signed, and when the pass was revoked; with the last
    /// revocation seq, read in the same statement (one snapshot). A pass-state turn then reads
    /// only the revocations after it ([`PassWrite::revocations_after`]): revocations are numbered
    /// in commit order. The passes come back as one JSON row (a thousand rows cost more to move
    /// through the driver than what they hold) and the tokens are compared here.
    pub async fn issued_passes(
        &self,
        items: &[(&str, &str)],
    ) -> Result<(Vec<Option<IssuedPass>>, i64)> {
        let mut serials: Vec<&str> = items.iter().map(|(serial, _)| *serial).collect();
        serials.sort_unstable();
        serials.dedup();
        // One statement, one snapshot: the revocations seen and the passes' state agree.
        let sql = match self.dialect {
            Dialect::Postgres => {
                "SELECT (SELECT MAX(seq) FROM revocations), \
                 (SELECT COALESCE(json_agg(json_build_array(p.serial, p.revoked_at, p.token)), '[]')::text \
                 FROM (SELECT json_array_elements_text($1::json) AS value) list \
                 CROSS JOIN LATERAL (SELECT serial, revoked_at, token FROM passes x \
                 WHERE x.serial = list.value) p)"
            }
            Dialect::Sqlite => {
                "SELECT (SELECT MAX(seq) FROM revocations), \
                 (SELECT json_group_array(json_array(p.serial, p.revoked_at, p.token)) \
                 FROM json_each($1) list CROSS JOIN passes p WHERE p.serial = list.value)"
            }
        };
        let (seen, answer): (Option<i64>, String) = sqlx::query_as(sql)
            .bind(json_list(&serials))
            .fetch_one(&self.pool)
            .await?;
        let found: Vec<(String, Option<i64>, String)> = serde_json::from_str(&answer)
            .map_err(|e| StoreError::Conflict(format!("issued passes: {e}")))?;
        let found: HashMap<String, (Option<i64>, String)> = found
            .into_iter()
            .map(|(serial, revoked_at, token)| (serial, (revoked_at, token)))
            .collect();
        let out = items
            .iter()
            .map(|(serial, token)| {
                found.get(*serial).map(|(revoked_at, issued)| IssuedPass {
                    same_token: issued == token,
                    revoked_at: *revoked_at,
                })
            })
            .collect();
        Ok((out, seen.unwrap_or(0)))
    }

    /// Every use of these passes committed so far, by pass in scan order, with the last
    /// redemption id the read is sure to include. An upload reads this before its pass-state
    /// turn (at the same time as the issued passes) and, inside the turn, only the uses after
    /// that id ([`PassWrite::uses_after`]): the turn stays short.
    pub async fn held_uses(
        &self,
        serials: &[&str],
    ) -> Result<(HashMap<String, Vec<HeldUse>>, i64)> {
        let mut conn = self.pool.acquire().await?;
        // The watermark first: ids are handed out in commit order, so every use up to it is
        // visible to the read that follows (which may see later ones too; merging by id keeps
        // each once).
        let (seen,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM redemptions")
            .fetch_one(&mut *conn)
            .await?;
        if serials.is_empty() {
            return Ok((HashMap::new(), seen.unwrap_or(0)));
        }
        let sql = format!(
            "{USES_SELECT} FROM {} {} {USES_JOINS} WHERE r.serial = list.value",
            json_rows(self.dialect, 1),
            // Each serial looked up in the serial index, whatever the planner thinks of the
            // list's size (a hash join over every redemption took 6 ms per 1,000 and growing).
            match self.dialect {
                Dialect::Postgres => {
                    "CROSS JOIN LATERAL (SELECT * FROM redemptions x WHERE x.serial = list.value) r"
                }
                Dialect::Sqlite => "CROSS JOIN redemptions r",
            }
        );
        let rows = sqlx::query_as::<_, HeldUse>(&sql)
            .bind(json_list(serials))
            .fetch_all(&mut *conn)
            .await?;
        Ok((
            with_tokens(&mut conn, self.dialect, rows).await?,
            seen.unwrap_or(0),
        ))
    }

    /// The last redemption id and pass change seq committed: everything up to them is visible to
    /// a read that starts now (ids are handed out in commit order).
    pub async fn read_watermark(&self) -> Result<(i64, i64)> {
        let (r, c): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT MAX(id) FROM redemptions), (SELECT MAX(seq) FROM pass_changes)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((r.unwrap_or(0), c.unwrap_or(0)))
    }
}

impl std::fmt::Debug for PassWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassWrite")
    }
}

impl PassWrite {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// What this device has stored under these local ids, by local id: the item under the id
    /// itself and any stored under a reuse number of it (`-(local_id * 1000 + n)`).
    pub async fn held_items(
        &mut self,
        device_id: i64,
        local_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<HeldItem>>> {
        held_items(&mut self.tx, self.store.dialect, device_id, local_ids).await
    }

    /// When the device was last heard from, and how far its clock is off (see
    /// [`Store::record_contact`]), inside the turn: an upload commits once.
    pub async fn record_contact(
        &mut self,
        device_id: i64,
        now: i64,
        clock_offset_ms: i64,
    ) -> Result<()> {
        super::devices::record_contact(&mut self.tx, device_id, now, clock_offset_ms).await
    }

    /// Passes revoked after revocation `seq` (see [`Store::issued_passes`]), with when.
    pub async fn revocations_after(&mut self, seq: i64) -> Result<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT serial, revoked_at FROM revocations WHERE seq > $1")
                .bind(seq)
                .fetch_all(&mut *self.tx)
                .await?,
        )
    }

    /// A venue and its town's time zone.
    pub async fn venue_with_zone(
        &mut self,
        venue_id: i64,
    ) -> Result<(townpass_core::catalog::Venue, String)> {
        super::catalog::venue_with_zone(&mut self.tx, venue_id).await
    }

    /// The uses of these passes committed since redemption `after` (see [`Store::held_uses`]):
    /// read by the id, which is handed out in commit order, so only the few rows stored
    /// between that read and this turn are looked at, whatever the table's size.
    pub async fn uses_after(
        &mut self,
        after: i64,
        serials: &[&str],
    ) -> Result<HashMap<String, Vec<HeldUse>>> {
        let wanted: HashSet<&str> = serials.iter().copied().collect();
        let sql = format!("{USES_SELECT} FROM redemptions r {USES_JOINS} WHERE r.id > $1");
        let rows = sqlx::query_as::<_, HeldUse>(&sql)
            .bind(after)
            .fetch_all(&mut *self.tx)
            .await?
            .into_iter()
            .filter(|r| wanted.contains(r.serial.as_str()))
            .collect();
        with_tokens(&mut self.tx, self.store.dialect, rows).await
    }

    /// Flags stored redemptions that an earlier scan shows to be conflicts (only those still
    /// unflagged and unreviewed), and records the change for settlement.
    pub async fn flag_later(&mut self, flags: &[LateFlag], now: i64) -> Result<usize> {
        let mut done = 0;
        for f in flags {
            let changed = sqlx::query(
                "UPDATE redemptions SET flag = $2, flag_detail = $3 \
                 WHERE id = $1 AND flag IS NULL AND review IS NULL",
            )
            .bind(f.id)
            .bind(&f.flag)
            .bind(&f.detail)
            .execute(&mut *self.tx)
            .await?;
            if changed.rows_affected() == 1 {
                done += 1;
                record_change(&mut self.tx, &f.serial, "flagged", now).await?;
            }
        }
        Ok(done)
    }

    /// Stores judged redemptions that the turn found missing (on (device, local_id)); returns
    /// their local ids. Refused, storing nothing, if one is there already. All or nothing with the turn's commit: a crash part way
    /// stores none of them, and the device's retry stores them.
    ///
    /// Rows travel as one JSON parameter per statement that the database unpacks
    /// (`json_to_recordset`, `json_each`): thousands of bound parameters cost more in the driver
    /// and, on SQLite, in binding than the insert itself.
    pub async fn insert_redemptions(&mut self, rows: &[NewRedemption]) -> Result<HashSet<i64>> {
        let offers = super::devices::offer_ids(&mut self.tx).await?;
        let sql = match self.store.dialect {
            Dialect::Postgres => {
                "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, \
                 received_at, flag, flag_detail) \
                 SELECT x.device_id, x.local_id, x.serial, x.token, x.venue_id, x.offer_id, x.scanned_at, \
                 x.received_at, x.flag, x.flag_detail FROM json_to_recordset($1::json) AS x(device_id bigint, \
                 local_id bigint, serial text, token text, venue_id bigint, offer_id bigint, scanned_at bigint, \
                 received_at bigint, flag text, flag_detail text) \
                 ON CONFLICT (device_id, local_id) DO NOTHING"
            }
            Dialect::Sqlite => {
                "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, \
                 received_at, flag, flag_detail) \
                 SELECT value ->> 'device_id', value ->> 'local_id', value ->> 'serial', value ->> 'token', \
                 value ->> 'venue_id', value ->> 'offer_id', value ->> 'scanned_at', value ->> 'received_at', \
                 value ->> 'flag', value ->> 'flag_detail' FROM json_each($1) WHERE true \
                 ON CONFLICT (device_id, local_id) DO NOTHING"
            }
        };
        let mut new = HashSet::with_capacity(rows.len());
        for (n, chunk) in rows.chunks(INSERT_BATCH).enumerate() {
            let json: Vec<RowJson> = chunk
                .iter()
                .map(|r| RowJson {
                    device_id: r.device_id,
                    local_id: r.local_id,
                    serial: &r.serial,
                    token: &r.token,
                    venue_id: r.venue_id,
                    offer_id: r.offer.as_ref().and_then(|o| offers.get(o).copied()),
                    scanned_at: r.scanned_at_ms,
                    received_at: r.received_at,
                    flag: r.flag.as_deref(),
                    flag_detail: r.flag_detail.as_deref(),
                })
                .collect();
            let json = serde_json::to_string(&json)
                .map_err(|e| StoreError::Conflict(format!("cannot encode redemptions: {e}")))?;
            // Inside the turn nothing else stores redemptions, and the caller stores only what
            // the turn found missing: every row is new. Should one not be (a writer outside the
            // turn), the transaction is refused and rolls back; the device's retry sorts it out.
            let done = sqlx::query(sql).bind(json).execute(&mut *self.tx).await?;
            if done.rows_affected() != chunk.len() as u64 {
                return Err(StoreError::Conflict(format!(
                    "{} of {} redemptions were stored meanwhile by a writer outside the pass-state \
                     turn; nothing was stored, try again",
                    chunk.len() as u64 - done.rows_affected(),
                    chunk.len()
                )));
            }
            new.extend(chunk.iter().map(|r| r.local_id));
            if n == 0 {
                super::devices::stall_for_tests(&self.store, chunk[0].device_id).await;
            }
        }
        Ok(new)
    }
}

/// A redemption as the insert statement unpacks it from JSON.
#[derive(serde::Serialize)]
struct RowJson<'a> {
    device_id: i64,
    local_id: i64,
    serial: &'a str,
    token: &'a str,
    venue_id: i64,
    offer_id: Option<i64>,
    scanned_at: i64,
    received_at: i64,
    flag: Option<&'a str>,
    flag_detail: Option<&'a str>,
}

/// What judging a stored use again needs, for [`HeldUse`].
const USES_SELECT: &str = "SELECT r.id, r.serial, o.code AS offer, v.code AS venue, r.venue_id, \
     r.scanned_at AS at_ms, d.name AS place, r.token, \
     CASE WHEN r.flag IS NULL AND r.review IS NULL THEN 1 ELSE 0 END AS open";
const USES_JOINS: &str = "JOIN venues v ON v.id = r.venue_id JOIN devices d ON d.id = r.device_id \
     LEFT JOIN offers o ON o.id = r.offer_id";

/// Uses by pass, each pass's in scan order, with the tokens of those stored as issued ('').
async fn with_tokens(
    conn: &mut sqlx::AnyConnection,
    dialect: Dialect,
    mut rows: Vec<HeldUse>,
) -> Result<HashMap<String, Vec<HeldUse>>> {
    let stored_as_issued: Vec<&str> = rows
        .iter()
        .filter(|r| r.token.is_empty())
        .map(|r| r.serial.as_str())
        .collect();
    let tokens = issued_tokens(conn, dialect, &stored_as_issued).await?;
    for row in rows.iter_mut().filter(|r| r.token.is_empty()) {
        row.token = tokens.get(&row.serial).cloned().unwrap_or_default();
    }
    let mut out: HashMap<String, Vec<HeldUse>> = HashMap::new();
    for row in rows {
        out.entry(row.serial.clone()).or_default().push(row);
    }
    for uses in out.values_mut() {
        uses.sort_by_key(|u| (u.at_ms, u.id));
    }
    Ok(out)
}

/// The tokens of these passes as issued: what a redemption stored as '' was scanned with.
async fn issued_tokens(
    conn: &mut sqlx::AnyConnection,
    dialect: Dialect,
    serials: &[&str],
) -> Result<HashMap<String, String>> {
    if serials.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT p.serial, p.token FROM {} CROSS JOIN passes p WHERE p.serial = list.value",
        json_rows(dialect, 1)
    );
    Ok(sqlx::query_as::<_, (String, String)>(&sql)
        .bind(json_list(serials))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect())
}

/// Notes a change to a pass that settlement must see (inside a pass-state turn).
pub(super) async fn record_change(
    tx: &mut Transaction<'static, Any>,
    serial: &str,
    kind: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO pass_changes (serial, kind, at) VALUES ($1, $2, $3)")
        .bind(serial)
        .bind(kind)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What `device_id` stored under these local ids (see [`PassWrite::held_items`]).
pub(super) async fn held_items(
    conn: &mut sqlx::AnyConnection,
    dialect: Dialect,
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
                "SELECT local_id AS stored_id, serial, token, scanned_at FROM redemptions \
                 WHERE device_id = $1 AND local_id >= $2 AND local_id <= $3",
            )
            .bind(device_id)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    let wanted: HashSet<i64> = local_ids.iter().copied().collect();
    rows.retain(|r| wanted.contains(&crate::devices::sync::local_id_of(r.stored_id)));
    let stored_as_issued: Vec<&str> = rows
        .iter()
        .filter(|r| r.token.is_empty())
        .map(|r| r.serial.as_str())
        .collect();
    let tokens = issued_tokens(conn, dialect, &stored_as_issued).await?;
    for row in rows.iter_mut().filter(|r| r.token.is_empty()) {
        row.token = tokens.get(&row.serial).cloned().unwrap_or_default();
    }
    let mut out: HashMap<i64, Vec<HeldItem>> = HashMap::new();
    for row in rows {
        let local_id = crate::devices::sync::local_id_of(row.stored_id);
        if wanted.contains(&local_id) {
            out.entry(local_id).or_default().push(row);
        }
    }
    Ok(out)
}
