//! API keys for sales points' systems: `tp_<prefix>_<secret>`. The prefix finds the key; only the
//! SHA-256 of the secret is stored, so a database dump reveals no usable key.

use serde::Serialize;

use super::{Result, Store, StoreError};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: i64,
    pub prefix: String,
    #[serde(skip)]
    pub secret_hash: String,
    pub name: String,
    pub sales_point_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const SELECT_KEY: &str = "SELECT id, prefix, secret_hash, name, sales_point_id, partner_id, created_at, revoked_at FROM api_keys";

impl Store {
    pub async fn insert_api_key(
        &self,
        prefix: &str,
        secret_hash: &str,
        name: &str,
        sales_point: &str,
        now: i64,
    ) -> Result<()> {
        let (sales_point_id, _) = self.sales_point_id(sales_point).await?;
        sqlx::query("INSERT INTO api_keys (prefix, secret_hash, name, sales_point_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(prefix)
            .bind(secret_hash)
            .bind(name)
            .bind(sales_point_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A key for a partner's systems: its statements and visits over /api/v1.
    pub async fn insert_partner_api_key(
        &self,
        prefix: &str,
        secret_hash: &str,
        name: &str,
        partner: &str,
        now: i64,
    ) -> Result<()> {
        let partner_id: i64 = sqlx::query_scalar("SELECT id FROM partners WHERE code = $1")
            .bind(partner)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("partner '{partner}'")))?;
        sqlx::query("INSERT INTO api_keys (prefix, secret_hash, name, partner_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(prefix)
            .bind(secret_hash)
            .bind(name)
            .bind(partner_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn api_key(&self, prefix: &str) -> Result<Option<ApiKeyRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_KEY} WHERE prefix = $1"))
            .bind(prefix)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_KEY} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn revoke_api_key(&self, prefix: &str, now: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL",
        )
        .bind(prefix)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound(format!("active API key {prefix}")))
        }
    }
}
