//! Issuer keys as the database knows them: public halves, status and dates. Private halves live in
//! the key directory (see `crate::issuer_keys`), never here.

use serde::Serialize;
use townpass_core::KeyStatus;

use super::{Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct KeyRow {
    pub kid: String,
    pub public_key: String,
    pub status: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    /// The latest hard expiry of a pass this key signed: it must stay trusted until then.
    pub last_pass_expires_at: Option<i64>,
}

impl KeyRow {
    pub fn key_status(&self) -> Result<KeyStatus> {
        self.status.parse().map_err(StoreError::Corrupt)
    }
}

const SELECT_KEYS: &str = "SELECT k.kid, k.public_key, k.status, k.created_at, k.retired_at, k.revoked_at, \
     k.revoke_reason, (SELECT MAX(p.expires_at) FROM passes p WHERE p.kid = k.kid) AS last_pass_expires_at \
     FROM issuer_keys k";

impl Store {
    /// Every issuer key, oldest first (within one second, the active key last: it replaced the others).
    pub async fn keys(&self) -> Result<Vec<KeyRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_KEYS} ORDER BY k.created_at, CASE k.status WHEN 'active' THEN 1 ELSE 0 END, k.kid"))
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn key(&self, kid: &str) -> Result<KeyRow> {
        sqlx::query_as(&format!("{SELECT_KEYS} WHERE k.kid = $1"))
            .bind(kid)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("key {kid}")))
    }

    pub async fn active_key(&self) -> Result<Option<KeyRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_KEYS} WHERE k.status = 'active'"))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Makes `kid` the active key, atomically. With `retire_current` the active key before it is
    /// retired (rotation); without, this fails with a unique violation if another key is active
    /// (two instances making their first key at the same moment: the first one wins).
    pub async fn activate_new_key(
        &self,
        kid: &str,
        public_hex: &str,
        now: i64,
        retire_current: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if retire_current {
            sqlx::query("UPDATE issuer_keys SET status = 'retired', retired_at = $1 WHERE status = 'active'")
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO issuer_keys (kid, public_key, status, created_at) VALUES ($1, $2, 'active', $3)")
            .bind(kid)
            .bind(public_hex)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Withdraws trust in a key: every pass it signed is refused from the next scanner sync.
    /// Passes a key signed: (all, still valid and not revoked at `now`).
    pub async fn passes_of_key(&self, kid: &str, now: i64) -> Result<(i64, i64)> {
        let (all, valid): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(CASE WHEN expires_at > $2 AND revoked_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) \
             FROM passes WHERE kid = $1",
        )
        .bind(kid)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok((all, valid.unwrap_or(0)))
    }

    pub async fn revoke_key(&self, kid: &str, reason: &str, now: i64) -> Result<KeyRow> {
        let done = sqlx::query(
            "UPDATE issuer_keys SET status = 'revoked', revoked_at = $2, revoke_reason = $3 \
             WHERE kid = $1 AND status <> 'revoked'",
        )
        .bind(kid)
        .bind(now)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        let row = self.key(kid).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "key {kid} is already revoked"
            )));
        }
        Ok(row)
    }
}
