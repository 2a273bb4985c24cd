//! Users, sessions, login failures and API keys. Session tokens and API secrets are stored as SHA-256
//! hashes only; passwords as argon2id strings made by `crate::accounts`.

use serde::Serialize;

use super::{Result, Store, StoreError};

#[derive(Clone, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub sales_point_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub disabled_at: Option<i64>,
}

/// Without the password hash: a user row can be logged or shown in a panic without it.
impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("sales_point_id", &self.sales_point_id)
            .field("partner_id", &self.partner_id)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub sales_point: Option<&'a str>,
    pub partner: Option<&'a str>,
}

const SELECT_USER: &str = "SELECT id, email, name, password_hash, role, sales_point_id, partner_id, disabled_at FROM users";

impl Store {
    /// Adds a user, or replaces the password, name and role of the user with that e-mail.
    pub async fn upsert_user(&self, u: &NewUser<'_>, now: i64) -> Result<i64> {
        let sales_point: Option<i64> = match u.sales_point {
            Some(code) => Some(
                sqlx::query_scalar("SELECT id FROM sales_points WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("sales point '{code}'")))?,
            ),
            None => None,
        };
        let partner: Option<i64> = match u.partner {
            Some(code) => Some(
                sqlx::query_scalar("SELECT id FROM partners WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("partner '{code}'")))?,
            ),
            None => None,
        };
        let email = u.email.trim().to_lowercase();
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(id) = existing {
            sqlx::query(
                "UPDATE users SET name = $2, password_hash = $3, role = $4, sales_point_id = $5, partner_id = $6, \
                 disabled_at = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(u.name)
            .bind(u.password_hash)
            .bind(u.role)
            .bind(sales_point)
            .bind(partner)
            .execute(&self.pool)
            .await?;
            return Ok(id);
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role, sales_point_id, partner_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&email)
        .bind(u.name)
        .bind(u.password_hash)
        .bind(u.role)
        .bind(sales_point)
        .bind(partner)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Everyone who can log in (or could, before being disabled), by e-mail.
    pub async fn users(&self) -> Result<Vec<UserRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_USER} ORDER BY email"))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Disables a user (their sessions stop working at once) or enables them again; `false` when
    /// there is no such user.
    pub async fn set_user_disabled(&self, id: i64, disabled_at: Option<i64>) -> Result<bool> {
        let done = sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1")
            .bind(id)
            .bind(disabled_at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A new password for a user; every other session of theirs ends (the one keeping
    /// `keep_session` stays).
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_USER} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(&format!("{SELECT_USER} WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        ttl: i64,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now)
            .bind(now + ttl)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user and CSRF token of a live session (not expired, user not disabled).
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(UserRow, String)>> {
        let csrf: Option<(i64, String)> = sqlx::query_as(
            "SELECT user_id, csrf FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((user_id, csrf)) = csrf else {
            return Ok(None);
        };
        let user: Option<UserRow> = sqlx::query_as(&format!(
            "{SELECT_USER} WHERE id = $1 AND disabled_at IS NULL"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(user.map(|u| (u, csrf)))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_login_failure(&self, subjects: &[String], now: i64) -> Result<()> {
        self.reserve_login_attempt(subjects, now).await.map(|_| ())
    }

    pub async fn login_failures_since(&self, subject: &str, since: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND at >= $2",
        )
        .bind(subject)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Writes a login attempt down under each subject (a failure until it is forgotten); their
    /// ids, in the order of `subjects`.
    pub async fn reserve_login_attempt(&self, subjects: &[String], now: i64) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(subjects.len());
        for s in subjects {
            ids.push(
                sqlx::query_scalar(
                    "INSERT INTO login_failures (subject, at) VALUES ($1, $2) RETURNING id",
                )
                .bind(s)
                .bind(now)
                .fetch_one(&self.pool)
                .await?,
            );
        }
        // Old failures no longer count; keep the table small.
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - 86_400)
            .execute(&self.pool)
            .await?;
        Ok(ids)
    }

    /// Failures of `subject` since `since` written before the attempt `before` (its id): how
    /// many, the first and the last time.
    pub async fn login_failures_before(
        &self,
        subject: &str,
        since: i64,
        before: i64,
    ) -> Result<(i64, Option<i64>, Option<i64>)> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*), MIN(at), MAX(at) FROM login_failures \
             WHERE subject = $1 AND at >= $2 AND id < $3",
        )
        .bind(subject)
        .bind(since)
        .bind(before)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Forgets these attempts (refused unheard, or right).
    pub async fn forget_login_attempt(&self, ids: &[i64]) -> Result<()> {
        for id in ids {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Forgets every failure whose subject matches `pattern` (LIKE, `\` escapes): all of one
    /// account's, on a reset.
    pub async fn clear_login_failures_like(&self, pattern: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE subject LIKE $1 ESCAPE '\\'")
            .bind(pattern)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, subject: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

// API keys for sales points' and partners' systems: `tp_<prefix>_<secret>`. The prefix finds the
// key; only the SHA-256 of the secret is stored, so a database dump reveals no usable key.

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
