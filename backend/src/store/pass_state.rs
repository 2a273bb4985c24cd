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

/// The flag of a visit whose scan time the device cannot have recorded (a wrong clock): kept for
/// review, but no use of the pass: neither the server's judging, nor the gates' bundles, nor the
/// visitor's pages count it.
pub const CLOCK_FLAG: &str = "clock";
/// The flag of a visit a replaced device dates after its replacement: no use of the pass either.
pub const REPLACED_FLAG: &str = "device_replaced";
/// Flags of visits that are kept for review but are no use of the pass.
pub const NO_USE_FLAGS: [&str; 2] = [CLOCK_FLAG, REPLACED_FLAG];
/// The uses that count, as a condition on `redemptions r` (see [`NO_USE_FLAGS`]).
pub(super) const COUNTS_AS_USE: &str =
    "(r.flag IS NULL OR r.flag NOT IN ('clock', 'device_replaced'))";

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

/// Texts as a PostgreSQL array literal (`{"a","b",NULL}`), bound as one text parameter and
/// cast (`$1::text[]`): PostgreSQL reads it faster than the same list as JSON, and the generic
/// driver binds no arrays. Each element is quoted, with `"` and `\` escaped; a NUL, which no
/// PostgreSQL text can hold, becomes U+FFFD (uploads replace it before anything is compared).
fn pg_texts<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> String {
    pg_array(values, |out, v| {
        out.push('"');
        for c in v.chars() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                '\0' => out.push(char::REPLACEMENT_CHARACTER),
                c => out.push(c),
            }
        }
        out.push('"');
    })
}

/// Numbers as a PostgreSQL array literal (`{1,2,NULL}`), for `$1::bigint[]`.
fn pg_numbers(values: impl IntoIterator<Item = Option<i64>>) -> String {
    pg_array(values, |out, v| out.push_str(&v.to_string()))
}

/// `{a,b,NULL}`, each present element written by `write`.
fn pg_array<T>(
    values: impl IntoIterator<Item = Option<T>>,
    write: impl Fn(&mut String, T),
) -> String {
    let mut out = String::from("{");
    for (n, v) in values.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        match v {
            None => out.push_str("NULL"),
            Some(v) => write(&mut out, v),
        }
    }
    out.push('}');
    out
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
    /// The item's scan time is before the pass was sold (beyond the tolerance asked for).
    pub sold_after_scan: bool,
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

    /// For each (serial, token, scan time): whether this server issued a pass under that serial,
    /// whether the token is byte for byte the one it signed, when the pass was revoked, and
    /// whether the scan is dated more than `tolerance_ms` before the sale; with the last
    /// revocation seq, read in the same statement (one snapshot). A pass-state turn then reads
    /// only the revocations after it ([`PassWrite::revocations_after`]): revocations are numbered
    /// in commit order.
    ///
    /// The tokens are compared in the database, and only the exceptions come back (an unknown
    /// serial, another token, a revoked pass) as one small JSON row: a batch of passes as issued
    /// and valid, the usual upload, moves no token back through the driver. The same statement
    /// counts the items it found as issued, byte for byte and unrevoked, and the answer is
    /// refused unless that count and the exceptions cover every item once: an item is taken for
    /// a pass as issued (and spared its signature check) only where the database said so.
    pub async fn issued_passes(
        &self,
        items: &[(&str, &str, i64)],
        tolerance_ms: i64,
    ) -> Result<(Vec<Option<IssuedPass>>, i64)> {
        // Per item (j): found, the same token, revoked_at, scanned more than `tolerance_ms`
        // before the pass was sold. Each exception comes back as [item number (from 1), found,
        // same token, revoked_at, early]. `OFFSET 0` keeps each item one
        // lookup in the passes' primary key: PostgreSQL plans a prepared statement's first five
        // runs on each connection for the values bound, knows the array's length, and flattened
        // the lateral into a hash join over every pass (17-22 ms per 1,000 items at 100,000
        // passes, against 2 ms; seen in `psql`).
        let answer = match self.dialect {
            Dialect::Postgres => sqlx::query_as(
                "WITH j AS MATERIALIZED (SELECT list.n, (p.serial IS NOT NULL)::int AS found, \
                 (p.token IS NOT DISTINCT FROM list.token)::int AS same, p.revoked_at, \
                 COALESCE(p.issued_at * 1000 - $4 > list.at, false)::int AS early \
                 FROM unnest($1::text[], $2::text[], $3::bigint[]) \
                 WITH ORDINALITY AS list(serial, token, at, n) \
                 LEFT JOIN LATERAL (SELECT serial, revoked_at, token, issued_at FROM passes x \
                 WHERE x.serial = list.serial OFFSET 0) p ON true) \
                 SELECT (SELECT MAX(seq) FROM revocations), \
                 (SELECT COUNT(*) FROM j WHERE found = 1 AND same = 1 AND revoked_at IS NULL \
                 AND early = 0), \
                 (SELECT COALESCE(json_agg(json_build_array(n, found, same, revoked_at, early)), \
                 '[]')::text FROM j \
                 WHERE NOT (found = 1 AND same = 1 AND revoked_at IS NULL AND early = 0))",
            )
            .bind(pg_texts(items.iter().map(|(serial, _, _)| Some(*serial))))
            .bind(pg_texts(items.iter().map(|(_, token, _)| Some(*token))))
            .bind(pg_numbers(items.iter().map(|(_, _, at)| Some(*at))))
            .bind(tolerance_ms),
            Dialect::Sqlite => sqlx::query_as(
                "WITH j AS MATERIALIZED (SELECT list.key + 1 AS n, p.serial IS NOT NULL AS found, \
                 p.token IS (list.value ->> 1) AS same, p.revoked_at, \
                 COALESCE(p.issued_at * 1000 - $2 > (list.value ->> 2), 0) AS early \
                 FROM json_each($1) list LEFT JOIN passes p ON p.serial = (list.value ->> 0)) \
                 SELECT (SELECT MAX(seq) FROM revocations), \
                 (SELECT COUNT(*) FROM j WHERE found = 1 AND same = 1 AND revoked_at IS NULL \
                 AND early = 0), \
                 (SELECT json_group_array(json_array(n, found, same, revoked_at, early)) \
                 FROM j WHERE NOT (found = 1 AND same = 1 AND revoked_at IS NULL AND early = 0))",
            )
            .bind(serde_json::to_string(items).expect("triples of strings and numbers are JSON"))
            .bind(tolerance_ms),
        };
        let (seen, as_issued, answer): (Option<i64>, i64, String) =
            answer.fetch_one(&self.pool).await?;
        let exceptions: Vec<(usize, u8, u8, Option<i64>, u8)> = serde_json::from_str(&answer)
            .map_err(|e| StoreError::Conflict(format!("issued passes: {e}")))?;
        let incomplete =
            || StoreError::Conflict("issued passes: the answer does not cover every item".into());
        if usize::try_from(as_issued).ok() != items.len().checked_sub(exceptions.len()) {
            return Err(incomplete());
        }
        let mut out = vec![
            Some(IssuedPass {
                same_token: true,
                revoked_at: None,
                sold_after_scan: false,
            });
            items.len()
        ];
        let mut answered = vec![false; items.len()];
        for (n, found, same_token, revoked_at, early) in exceptions {
            let i = n
                .checked_sub(1)
                .filter(|&i| i < items.len() && !answered[i]);
            let i = i.ok_or_else(incomplete)?;
            answered[i] = true;
            out[i] = (found == 1).then_some(IssuedPass {
                same_token: same_token == 1,
                revoked_at,
                sold_after_scan: early == 1,
            });
        }
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
            "{USES_SELECT} FROM {} {} {USES_JOINS} WHERE r.serial = list.value \
             AND {COUNTS_AS_USE}",
            json_rows(self.dialect, 1),
            // Each serial looked up in the serial index, whatever the planner thinks of the
            // list's size (a hash join over every redemption took 6 ms per 1,000 and growing).
            // `OFFSET 0` keeps PostgreSQL from flattening the lateral subquery into exactly that
            // hash join once the prepared statement's generic plan takes over.
            match self.dialect {
                Dialect::Postgres => {
                    "CROSS JOIN LATERAL (SELECT * FROM redemptions x WHERE x.serial = list.value \
                     OFFSET 0) r"
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

    /// When the device was last heard from and how far its clock is off (see
    /// [`Store::record_contact`]), inside an upload's turn (one commit per upload), only if the
    /// device may still send: active,
    /// or replaced after `replaced_after` (unix s). False when it may not (disabled or replaced
    /// while the upload was on its way): the caller then drops the turn, storing nothing. Read
    /// under the device's row lock, so an upload and a disable never both win.
    pub async fn record_upload_contact(
        &mut self,
        device_id: i64,
        now: i64,
        clock_offset_ms: i64,
        replaced_after: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE devices SET last_seen_at = $2, clock_offset_ms = $3 WHERE id = $1 \
             AND (status = 'active' OR (status = 'disabled' AND replaced_at > $4))",
        )
        .bind(device_id)
        .bind(now)
        .bind(clock_offset_ms)
        .bind(replaced_after)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
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
    /// between that read and this turn are looked at, whatever the table's size. Both ends of
    /// the range are bound (the last id first, from the primary key's end): with an open range
    /// PostgreSQL's generic plan scanned the whole table, 4 ms per upload at 100,000 visits.
    pub async fn uses_after(
        &mut self,
        after: i64,
        serials: &[&str],
    ) -> Result<HashMap<String, Vec<HeldUse>>> {
        let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM redemptions")
            .fetch_one(&mut *self.tx)
            .await?;
        let last = last.unwrap_or(0);
        if last <= after || serials.is_empty() {
            return Ok(HashMap::new());
        }
        let wanted: HashSet<&str> = serials.iter().copied().collect();
        let sql = format!(
            "{USES_SELECT} FROM redemptions r {USES_JOINS} WHERE r.id > $1 AND r.id <= $2 AND {COUNTS_AS_USE}"
        );
        let rows = sqlx::query_as::<_, HeldUse>(&sql)
            .bind(after)
            .bind(last)
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
    /// their local ids. Refused, storing nothing, if one is there already. All or nothing with
    /// the turn's commit: a crash part way stores none of them, and the device's retry stores
    /// them.
    ///
    /// Rows travel as a few parameters per statement that the database unpacks: on PostgreSQL
    /// one array literal per column (`unnest`), on SQLite one JSON array (`json_each`).
    /// Thousands of bound parameters cost more in the driver and, on SQLite, in binding than the
    /// insert itself; PostgreSQL reads arrays about twice as fast as `json_to_recordset`.
    pub async fn insert_redemptions(&mut self, rows: &[NewRedemption]) -> Result<HashSet<i64>> {
        let offers = super::devices::offer_ids(&mut self.tx).await?;
        let offer_id = |r: &NewRedemption| r.offer.as_ref().and_then(|o| offers.get(o).copied());
        let mut new = HashSet::with_capacity(rows.len());
        for (n, chunk) in rows.chunks(INSERT_BATCH).enumerate() {
            // Inside the turn nothing else stores redemptions, and the caller stores only what
            // the turn found missing: every row is new. Should one not be (a writer outside the
            // turn), the unique key refuses the statement and the transaction rolls back; the
            // device's retry sorts it out.
            let done = match self.store.dialect {
                Dialect::Postgres => {
                    let numbers =
                        |f: &dyn Fn(&NewRedemption) -> Option<i64>| pg_numbers(chunk.iter().map(f));
                    let texts =
                        |f: &dyn Fn(&NewRedemption) -> Option<&str>| pg_texts(chunk.iter().map(f));
                    sqlx::query(
                        "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, \
                         offer_id, scanned_at, received_at, flag, flag_detail) \
                         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], \
                         $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], \
                         $10::text[])",
                    )
                    .bind(numbers(&|r| Some(r.device_id)))
                    .bind(numbers(&|r| Some(r.local_id)))
                    .bind(texts(&|r| Some(&r.serial)))
                    .bind(texts(&|r| Some(&r.token)))
                    .bind(numbers(&|r| Some(r.venue_id)))
                    .bind(numbers(&|r| offer_id(r)))
                    .bind(numbers(&|r| Some(r.scanned_at_ms)))
                    .bind(numbers(&|r| Some(r.received_at)))
                    .bind(texts(&|r| r.flag.as_deref()))
                    .bind(texts(&|r| r.flag_detail.as_deref()))
                    .execute(&mut *self.tx)
                    .await
                }
                Dialect::Sqlite => {
                    let json: Vec<RowJson> = chunk
                        .iter()
                        .map(|r| {
                            (
                                r.device_id,
                                r.local_id,
                                r.serial.as_str(),
                                r.token.as_str(),
                                r.venue_id,
                                offer_id(r),
                                r.scanned_at_ms,
                                r.received_at,
                                r.flag.as_deref(),
                                r.flag_detail.as_deref(),
                            )
                        })
                        .collect();
                    let json = serde_json::to_string(&json).map_err(|e| {
                        StoreError::Conflict(format!("cannot encode redemptions: {e}"))
                    })?;
                    sqlx::query(
                        "INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, \
                         offer_id, scanned_at, received_at, flag, flag_detail) \
                         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, \
                         value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9 \
                         FROM json_each($1)",
                    )
                    .bind(json)
                    .execute(&mut *self.tx)
                    .await
                }
            };
            match done {
                Ok(done) if done.rows_affected() == chunk.len() as u64 => {}
                Ok(done) => {
                    return Err(StoreError::Conflict(format!(
                        "{} of {} redemptions were not stored; nothing was stored, try again",
                        chunk.len() as u64 - done.rows_affected(),
                        chunk.len()
                    )));
                }
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict(
                        "a redemption was stored meanwhile by a writer outside the pass-state \
                         turn; nothing was stored, try again"
                            .into(),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            new.extend(chunk.iter().map(|r| r.local_id));
            if n == 0 {
                super::devices::stall_for_tests(&self.store, chunk[0].device_id).await;
            }
        }
        Ok(new)
    }
}

/// A redemption as the SQLite insert statement unpacks it from JSON: an array of (device_id,
/// local_id, serial, token, venue_id, offer_id, scanned_at, received_at, flag, flag_detail).
type RowJson<'a> = (
    i64,
    i64,
    &'a str,
    &'a str,
    i64,
    Option<i64>,
    i64,
    i64,
    Option<&'a str>,
    Option<&'a str>,
);

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

#[cfg(test)]
mod tests {
    use super::{COUNTS_AS_USE, NO_USE_FLAGS, pg_numbers, pg_texts};

    #[test]
    fn the_sql_condition_names_every_flag_that_is_no_use() {
        for flag in NO_USE_FLAGS {
            assert!(COUNTS_AS_USE.contains(&format!("'{flag}'")), "{flag}");
        }
    }

    #[test]
    fn array_literals_quote_what_postgresql_would_read_as_syntax() {
        assert_eq!(
            pg_texts([
                Some(r#"a"b\c"#),
                None,
                Some("{x,y}"),
                Some("NULL"),
                Some("n\0l")
            ]),
            "{\"a\\\"b\\\\c\",NULL,\"{x,y}\",\"NULL\",\"n\u{FFFD}l\"}"
        );
        assert_eq!(pg_texts(std::iter::empty()), "{}");
        assert_eq!(
            pg_numbers([Some(-1), None, Some(i64::MAX)]),
            "{-1,NULL,9223372036854775807}"
        );
    }
}
