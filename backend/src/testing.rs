//! Test support shared by the backend's tests and the end-to-end tests: a fresh database of each
//! kind per test (a SQLite file in a temporary directory; a new PostgreSQL database when
//! TOWNPASS_TEST_POSTGRES_URL is set), removed again afterwards.

use std::path::{Path, PathBuf};

use sqlx::Connection;

use crate::store::Store;

/// Set to 1 (as CI does) to fail instead of skipping when PostgreSQL is not configured.
pub const REQUIRE_POSTGRES: &str = "TOWNPASS_REQUIRE_POSTGRES";
pub const POSTGRES_URL: &str = "TOWNPASS_TEST_POSTGRES_URL";

/// A temporary directory, removed with everything in it on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).expect("randomness");
        let path = std::env::temp_dir().join(format!("{prefix}-{}", hex::encode(rnd)));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One fresh, migrated database for one test.
#[derive(Debug)]
pub struct TestDb {
    /// "sqlite" or "postgres", for assertion messages.
    pub kind: &'static str,
    pub url: String,
    pub store: Store,
    /// A directory for this test's keys, files and mail.
    pub dir: TempDir,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = TempDir::new("townpass-test");
        let url = format!("sqlite://{}", dir.path().join("townpass.db").display());
        let store = Store::open(&url).await.expect("open sqlite");
        TestDb {
            kind: "sqlite",
            url,
            store,
            dir,
            drop_pg: None,
        }
    }

    /// A new database on the configured PostgreSQL server, or `None` (with a notice) without one.
    pub async fn postgres() -> Option<TestDb> {
        let admin = match std::env::var(POSTGRES_URL) {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var(REQUIRE_POSTGRES).is_ok_and(|v| v == "1") {
                    panic!("{REQUIRE_POSTGRES}=1 but {POSTGRES_URL} is not set");
                }
                eprintln!(
                    "notice: {POSTGRES_URL} is not set; the PostgreSQL half of this test is skipped"
                );
                return None;
            }
        };
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).expect("randomness");
        let name = format!("townpass_t_{}", hex::encode(rnd));
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_URL}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create database");
        let _ = conn.close().await;
        let url = with_database(&admin, &name);
        let store = Store::open(&url).await.expect("open postgres");
        Some(TestDb {
            kind: "postgres",
            url,
            store,
            dir: TempDir::new("townpass-test"),
            drop_pg: Some((admin, name)),
        })
    }

    /// SQLite, and PostgreSQL when configured: every store test runs on each.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    pub fn key_ring(&self) -> crate::keys::KeyRing {
        crate::keys::KeyRing::new(self.dir.path().join("keys"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.drop_pg.take() else {
            return;
        };
        // Drop runs inside the test's (blocked) runtime: clean up from a thread with its own runtime.
        // FORCE ends this test's pooled connections server-side; the pool itself is dropped after.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// The same server and credentials, another database.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The demo catalogue file's text.
pub fn demo_catalogue() -> &'static str {
    include_str!("../../catalog/demo.toml")
}
