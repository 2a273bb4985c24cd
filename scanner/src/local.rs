//! The device's own database (SQLite in --data-dir, WAL, synchronous FULL): its identity, the
//! bundle it judges with, and every redemption it recorded, kept until the pass expires so the
//! device never admits a pass twice, uploaded or not.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use townpass_core::protocol::{Bundle, BundleProduct, SigningSecret, UploadItem};
use townpass_core::rules::{ProductRules, Use, Venue, World};
use townpass_core::{KeySet, KeyStatus, ProductId, PublicKey, Serial};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (public TEXT PRIMARY KEY, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS products (id INTEGER PRIMARY KEY, doc TEXT NOT NULL);
-- Revoked pass serials as the 8 bytes read as a signed big-endian integer.
CREATE TABLE IF NOT EXISTS revoked (serial INTEGER PRIMARY KEY);
-- Uses recorded by other devices (from bundles).
CREATE TABLE IF NOT EXISTS remote_uses (
    serial TEXT NOT NULL, offer TEXT, venue TEXT NOT NULL, at_ms INTEGER NOT NULL, place TEXT NOT NULL,
    PRIMARY KEY (serial, venue, at_ms, place)
);
-- This device's own redemptions; local_id is the number the server stores them under.
CREATE TABLE IF NOT EXISTS redemptions (
    local_id INTEGER PRIMARY KEY AUTOINCREMENT,
    serial TEXT NOT NULL, token TEXT NOT NULL, offer TEXT, scanned_at_ms INTEGER NOT NULL,
    expires_at INTEGER,
    -- 0 waiting, 1 acknowledged by the server, 2 exported to a file and not yet acknowledged.
    uploaded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS redemptions_serial ON redemptions (serial);
CREATE INDEX IF NOT EXISTS redemptions_pending ON redemptions (uploaded, local_id);
";

/// The layout of this database (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

/// A serial as the integer key of the revoked table.
fn serial_key(s: &Serial) -> i64 {
    i64::from_be_bytes(s.0)
}

/// What enrolment established.
pub use townpass_core::protocol::DeviceIdentity as Identity;

#[derive(Debug)]
pub struct Local {
    conn: Connection,
    dir: PathBuf,
}

impl Local {
    pub fn open(dir: &Path) -> Result<Local> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let path = dir.join("scanner.db");
        let conn =
            Connection::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A redemption is on disk, through power loss, before the green verdict shows.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < SCHEMA_VERSION {
            // Version 1 kept revoked serials as text: start that list again from the server.
            conn.execute_batch("DROP TABLE IF EXISTS revoked;")?;
        }
        conn.execute_batch(SCHEMA)?;
        if version < SCHEMA_VERSION {
            conn.execute("DELETE FROM config WHERE key = 'revoked_cursor'", [])?;
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(Local {
            conn,
            dir: dir.to_path_buf(),
        })
    }

    fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM config WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set(tx: &rusqlite::Transaction<'_>, key: &str, value: &str) -> Result<()> {
        tx.execute("INSERT INTO config (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])?;
        Ok(())
    }

    fn get_i64(&self, key: &str) -> Result<i64> {
        Ok(self.get(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    pub fn identity(&self) -> Result<Option<Identity>> {
        let Some(server) = self.get("server")? else {
            return Ok(None);
        };
        Ok(Some(Identity {
            server,
            device_id: self.get_i64("device_id")?,
            device_name: self.get("device_name")?.unwrap_or_default(),
            venue: self.get("venue")?.unwrap_or_default(),
            server_key: self.get("server_key")?.unwrap_or_default(),
        }))
    }

    /// The identity, or a clear "enrol first".
    pub fn require_identity(&self) -> Result<Identity> {
        match self.identity()? {
            Some(i) => Ok(i),
            None => bail!(
                "this device is not enrolled (data directory {}): run townpass-scan enroll --server URL --code CODE",
                self.dir.display()
            ),
        }
    }

    pub fn save_identity(&mut self, id: &Identity) -> Result<()> {
        let tx = self.conn.transaction()?;
        Self::set(&tx, "server", &id.server)?;
        Self::set(&tx, "device_id", &id.device_id.to_string())?;
        Self::set(&tx, "device_name", &id.device_name)?;
        Self::set(&tx, "venue", &id.venue)?;
        Self::set(&tx, "server_key", &id.server_key)?;
        tx.commit()?;
        Ok(())
    }

    /// The device's signing key, made on first use (file mode 0600).
    pub fn device_key(&self) -> Result<SigningSecret> {
        let path = self.dir.join("device.key");
        if !path.exists() {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed)
                .map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            use std::io::Write;
            let mut f = options
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            f.write_all(hex::encode(seed).as_bytes())?;
            f.sync_all()?;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut seed)
            .with_context(|| format!("{} is damaged: enrol again", path.display()))?;
        Ok(SigningSecret::from_seed(&seed))
    }

    pub fn cursors(&self) -> Result<(i64, i64)> {
        Ok((
            self.get_i64("revoked_cursor")?,
            self.get_i64("uses_cursor")?,
        ))
    }

    /// Applies a verified bundle in one transaction.
    pub fn apply_bundle(&mut self, b: &Bundle, synced_at_ms: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM keys", [])?;
        for k in &b.keys {
            tx.execute(
                "INSERT INTO keys (public, status) VALUES (?1, ?2)",
                [&k.public, &k.status],
            )?;
        }
        tx.execute("DELETE FROM products", [])?;
        for p in &b.products {
            tx.execute(
                "INSERT INTO products (id, doc) VALUES (?1, ?2)",
                params![p.id, serde_json::to_string(p)?],
            )?;
        }
        if b.revoked_after == 0 {
            tx.execute("DELETE FROM revoked", [])?;
        }
        {
            // Sorted, so the inserts append to the table's B-tree.
            let mut serials: Vec<i64> = b.revoked.0.iter().map(serial_key).collect();
            serials.sort_unstable();
            let mut ins = tx.prepare("INSERT OR IGNORE INTO revoked (serial) VALUES (?1)")?;
            for s in serials {
                ins.execute([s])?;
            }
            let mut ins = tx.prepare("INSERT OR IGNORE INTO remote_uses (serial, offer, venue, at_ms, place) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for u in b.uses.iter() {
                ins.execute(params![u.serial, u.offer, u.venue, u.at_ms, u.place])?;
            }
        }
        for (first, last) in &b.received {
            tx.execute(
                "UPDATE redemptions SET uploaded = 1 WHERE local_id >= ?1 AND local_id <= ?2",
                [first, last],
            )?;
        }
        Self::set(&tx, "venue_doc", &serde_json::to_string(&b.venue)?)?;
        Self::set(&tx, "revoked_cursor", &b.revoked_cursor.to_string())?;
        Self::set(&tx, "uses_cursor", &b.uses_cursor.to_string())?;
        Self::set(
            &tx,
            "bundle_generated_at_ms",
            &b.generated_at_ms.to_string(),
        )?;
        Self::set(&tx, "synced_at_ms", &synced_at_ms.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Records an accepted redemption durably; returns its local id.
    pub fn record(
        &mut self,
        serial: &str,
        token: &str,
        offer: Option<&str>,
        at_ms: i64,
        expires_at: Option<i64>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO redemptions (serial, token, offer, scanned_at_ms, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![serial, token, offer, at_ms, expires_at],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Up to `limit` redemptions the server has not acknowledged (waiting or exported), after
    /// local id `after`, in order.
    pub fn pending(&self, after: i64, limit: usize) -> Result<Vec<UploadItem>> {
        let mut q = self.conn.prepare(
            "SELECT local_id, token, offer, scanned_at_ms FROM redemptions WHERE uploaded <> 1 AND local_id > ?1 \
             ORDER BY local_id LIMIT ?2",
        )?;
        let rows = q.query_map(params![after, limit as i64], |r| {
            Ok(UploadItem {
                local_id: r.get(0)?,
                token: r.get(1)?,
                offer: r.get(2)?,
                scanned_at_ms: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn pending_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM redemptions WHERE uploaded = 0",
            [],
            |r| r.get(0),
        )?)
    }

    /// Redemptions written to an export file and not yet acknowledged.
    pub fn exported_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM redemptions WHERE uploaded = 2",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn mark_exported(&mut self, local_ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut q = tx.prepare(
                "UPDATE redemptions SET uploaded = 2 WHERE local_id = ?1 AND uploaded = 0",
            )?;
            for id in local_ids {
                q.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn mark_uploaded(&mut self, local_ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut q = tx.prepare("UPDATE redemptions SET uploaded = 1 WHERE local_id = ?1")?;
            for id in local_ids {
                q.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The next upload batch number (persisted before sending).
    pub fn next_seq(&mut self) -> Result<i64> {
        let seq = self.get_i64("upload_seq")? + 1;
        let tx = self.conn.transaction()?;
        Self::set(&tx, "upload_seq", &seq.to_string())?;
        tx.commit()?;
        Ok(seq)
    }

    /// Drops what can no longer matter: own redemptions of passes expired a day ago.
    pub fn prune(&self, now_ms: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM redemptions WHERE uploaded = 1 AND expires_at IS NOT NULL AND expires_at * 1000 < ?1 - 86400000",
            [now_ms],
        )?;
        Ok(())
    }

    pub fn stat(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
    }

    pub fn count(&self, table: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    }

    /// What the rules need, loaded for this scan (products and keys are small; revocations and
    /// uses are looked up per serial).
    pub fn world(
        &self,
        product_rules: impl Fn(&BundleProduct) -> Option<ProductRules>,
    ) -> Result<(LocalWorld<'_>, Venue)> {
        let id = self.require_identity()?;
        let venue_doc: townpass_core::protocol::BundleVenue = match self.get("venue_doc")? {
            Some(d) => serde_json::from_str(&d)?,
            None => bail!("no bundle yet: run townpass-scan sync while online"),
        };
        let zone = jiff::tz::TimeZone::get(&venue_doc.time_zone)
            .with_context(|| format!("unknown time zone {} in the bundle", venue_doc.time_zone))?;
        let venue = Venue {
            code: venue_doc.code,
            name: venue_doc.name,
            time_zone: zone,
        };
        let mut keys = KeySet::new();
        let mut q = self.conn.prepare("SELECT public, status FROM keys")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (public, status) = row?;
            if let (Ok(k), Ok(s)) = (PublicKey::from_hex(&public), status.parse::<KeyStatus>()) {
                keys.insert(k, s);
            }
        }
        let mut products = HashMap::new();
        let mut q = self.conn.prepare("SELECT doc FROM products")?;
        for row in q.query_map([], |r| r.get::<_, String>(0))? {
            let p: BundleProduct = serde_json::from_str(&row?)?;
            if let Some(rules) = product_rules(&p) {
                products.insert(rules.id, rules);
            }
        }
        Ok((
            LocalWorld {
                local: self,
                keys,
                products,
                me: id,
            },
            venue,
        ))
    }
}

/// The rules' view of this device.
#[derive(Debug)]
pub struct LocalWorld<'a> {
    local: &'a Local,
    keys: KeySet,
    products: HashMap<ProductId, ProductRules>,
    me: Identity,
}

impl World for LocalWorld<'_> {
    fn keys(&self) -> &KeySet {
        &self.keys
    }

    fn is_revoked(&self, serial: &Serial) -> bool {
        self.local
            .conn
            .query_row(
                "SELECT 1 FROM revoked WHERE serial = ?1",
                [serial_key(serial)],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            // An unreadable store must not wave a revoked pass through.
            .unwrap_or(true)
    }

    fn product(&self, id: ProductId) -> Option<&ProductRules> {
        self.products.get(&id)
    }

    fn uses(&self, serial: &Serial) -> Vec<Use> {
        let s = serial.to_string();
        let mut uses = Vec::new();
        if let Ok(mut q) = self
            .local
            .conn
            .prepare("SELECT offer, scanned_at_ms FROM redemptions WHERE serial = ?1")
            && let Ok(rows) = q.query_map([&s], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
            })
        {
            for (offer, at) in rows.flatten() {
                uses.push(Use {
                    offer: offer.unwrap_or_default(),
                    venue: self.me.venue.clone(),
                    at_ms: at,
                    place: self.me.device_name.clone(),
                });
            }
        }
        if let Ok(mut q) = self
            .local
            .conn
            .prepare("SELECT offer, venue, at_ms, place FROM remote_uses WHERE serial = ?1")
            && let Ok(rows) = q.query_map([&s], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
        {
            for (offer, venue, at, place) in rows.flatten() {
                // Our own uploads come back in bundles; they are already counted.
                if !uses
                    .iter()
                    .any(|u| u.at_ms == at && u.venue == venue && u.place == place)
                {
                    uses.push(Use {
                        offer: offer.unwrap_or_default(),
                        venue,
                        at_ms: at,
                        place,
                    });
                }
            }
        }
        uses
    }
}
