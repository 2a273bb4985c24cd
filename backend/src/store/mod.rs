//! The store: every SQL statement of the backend, for SQLite and PostgreSQL alike.
//! One implementation over sqlx's `Any` driver: each query is written once (`$1` placeholders,
//! standard SQL) and runs on both, so the two databases cannot drift apart; the few places where
//! they differ ask `Dialect`. Every store test runs on both databases.

mod accounts;
mod card;
mod catalog;
mod devices;
mod issuer_keys;
mod outbox;
mod pass_state;
mod password_links;
mod payouts;
mod portal;
mod rates;
mod sales;
mod search;
mod settlement;
mod settlement_jobs;
mod uses_log;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{ApiKeyRow, NewUser, UserRow};
pub use catalog::{
    ApplyAction, ApplyChange, ApplyReport, CatalogueChange, ProductRow, catalogue_item_doc,
};
pub use devices::{CodeProblem, DeviceRow, HeldItem, NewRedemption};
pub use issuer_keys::KeyRow;
pub use outbox::{MailKind, OutboxRow, OutboxStatus};
pub use pass_state::{
    CLOCK_FLAG, HeldUse, IssuedPass, LateFlag, NO_USE_FLAGS, PassWrite, REPLACED_FLAG,
};
pub use password_links::{Invitee, LinkPurpose, LinkRow, NO_PASSWORD_YET, NewLink};
pub use payouts::{PayoutLineRow, PayoutRun};
pub use portal::{DisputeRow, NewDispute, PartnerStatementRow, UseOfTown, VisitFilter, VisitRow};
pub use rates::{MissingRate, NewRate, PayoutRow, RateRow, convert};
pub use sales::{
    IdempotentAnswer, LineRow, NewLine, NewOrder, NewPass, OrderRow, PassRefund, PassRow, PassUse,
    RevokedNow,
};
pub use search::{FoundRow, OrderMail, RevocationRow};
pub use settlement::{
    AuditRow, FlaggedRow, Item, ItemDetail, LineRow as StatementLineRow, PeriodRow, PublishRun,
    SettledPass, SettlementCatalogue, SourceRow, Totals,
};
pub use settlement_jobs::JobRow;

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database schema update failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A refusal a person reads, in words of the translation files (English in logs and the CLI).
    #[error("{0}")]
    Refused(Said),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
}

/// A refusal in words: a message id of the translation files and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Said {
    pub fn new(key: &'static str, args: &[(&'static str, &str)]) -> Said {
        Said {
            key,
            args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    /// The sentence in `lang`.
    pub fn in_lang(&self, lang: &str) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::i18n::tf(lang, self.key, &args)
    }
}

/// In English, as logs and the command line say it.
impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang("en"))
    }
}

impl StoreError {
    /// A refusal of what was asked (a conflict with the stored state), in `lang` where it has
    /// words; `None` for a failure.
    pub fn refusal(&self, lang: &str) -> Option<String> {
        match self {
            StoreError::Conflict(m) => Some(m.clone()),
            StoreError::Refused(said) => Some(said.in_lang(lang)),
            _ => None,
        }
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone (a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// Pass-state writers of this process queue here before they take the database's turn.
    turns: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Every use a device may still need, read once per process (see `uses_log`).
    uses_log: std::sync::Arc<uses_log::UsesLog>,
    /// Test hook: devices whose uploads pause mid-transaction, and for how long (ms).
    #[cfg(feature = "testing")]
    stalls: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, u64>>>,
    /// Test hook: how long settlement runs pause before they publish (ms).
    #[cfg(feature = "testing")]
    settlement_stall: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Store {
    /// Connects by URL scheme: `sqlite://path/to/townpass.db` (created if missing, WAL, synchronous
    /// FULL) or `postgres://...`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let pool = match dialect {
            Dialect::Sqlite => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                if let Some(parent) = Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::BadUrl(format!(
                            "{url} (cannot create {}: {e})",
                            parent.display()
                        ))
                    })?;
                }
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = AnyConnectOptions::from_str(&url)?;
                AnyPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL: readers never block the writer. FULL: a commit survives power loss.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA cache_size = -65536").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Dialect::Postgres => {
                let options = AnyConnectOptions::from_str(url)?;
                AnyPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        Ok(Store {
            pool,
            dialect,
            turns: Default::default(),
            uses_log: Default::default(),
            #[cfg(feature = "testing")]
            stalls: Default::default(),
            #[cfg(feature = "testing")]
            settlement_stall: Default::default(),
        })
    }

    /// Starts a transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that read first and wrote second could otherwise find
    /// another writer ahead of it and fail at once with "database is locked" instead of waiting
    /// its turn (busy_timeout does not apply to that upgrade).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations this binary carries that the database has not seen.
    pub async fn migrate(&self) -> Result<usize> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &MIGRATE_SQLITE,
            Dialect::Postgres => &MIGRATE_POSTGRES,
        };
        let before = self.applied_migrations().await.unwrap_or(0);
        migrator.run(&self.pool).await?;
        let after = self.applied_migrations().await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as usize)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Unix seconds now. The only clock read in the store's callers; tests pass their own time.
/// Now in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Now in unix seconds.
pub fn now() -> i64 {
    now_ms() / 1000
}

#[cfg(feature = "testing")]
impl Store {
    /// Test hook: from now on, storing an upload of `device_id` pauses for `ms` after its first
    /// rows are written, inside its transaction (0 ends it). Shared by every clone of this store.
    pub fn stall_uploads_of(&self, device_id: i64, ms: u64) {
        self.stalls.lock().expect("stalls").insert(device_id, ms);
    }

    /// Test hook: from now on, a settlement run pauses for `ms` after writing its last chunk,
    /// before it publishes (0 ends it).
    pub fn stall_settlements(&self, ms: u64) {
        self.settlement_stall
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn settlement_stall_ms(&self) -> u64 {
        self.settlement_stall
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn stall_of(&self, device_id: i64) -> u64 {
        self.stalls
            .lock()
            .expect("stalls")
            .get(&device_id)
            .copied()
            .unwrap_or(0)
    }
}

impl Store {
    /// A round trip to the database.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
