//! The e-mail outbox. A worker claims one due message at a time with a lease (`locked_until`), so
//! several server instances never send the same message twice while its lease runs; PostgreSQL
//! skips rows another instance holds (`FOR UPDATE SKIP LOCKED`).

use super::{Dialect, Result, Store};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    /// The order a message about an order is about.
    pub order_id: Option<i64>,
    /// The set-password link a `password_link` message carries ...
    pub link_id: Option<i64>,
    /// ... and the link's secret, kept only until the message is sent.
    pub secret: Option<String>,
    pub recipient: String,
    pub language: String,
    /// Including the attempt this claim starts.
    pub attempts: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxStatus {
    pub id: i64,
    /// `order_placed` (the confirmation) or `order_passes`.
    pub kind: String,
    pub recipient: String,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
}

/// How long a claimed message stays with its worker before another may try.
const LEASE_SECONDS: i64 = 300;

/// What a queued message says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// The order is placed and waits for payment: its code, link, lines and how to pay.
    OrderPlaced,
    /// The order is paid: the link and the passes as a PDF.
    OrderPasses,
    /// A set-password link: an invitation or a password reset.
    PasswordLink,
}

impl MailKind {
    pub fn code(self) -> &'static str {
        match self {
            MailKind::OrderPlaced => "order_placed",
            MailKind::OrderPasses => "order_passes",
            MailKind::PasswordLink => "password_link",
        }
    }
}

/// Queues an e-mail about an order inside `tx`, so it is written with the order (or its
/// payment) or not at all.
pub(super) async fn enqueue_order_mail_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: MailKind,
    order_id: i64,
    recipient: &str,
    language: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (kind, order_id, recipient, language, created_at, next_attempt_at) \
         VALUES ($5, $1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(order_id)
    .bind(recipient)
    .bind(language)
    .bind(now)
    .bind(kind.code())
    .fetch_one(&mut **tx)
    .await?)
}

/// Queues the e-mail that carries a set-password link inside `tx`, with the link.
pub(super) async fn enqueue_link_mail_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    link_id: i64,
    secret: &str,
    recipient: &str,
    language: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (kind, link_id, secret, recipient, language, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(MailKind::PasswordLink.code())
    .bind(link_id)
    .bind(secret)
    .bind(recipient)
    .bind(language)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

impl Store {
    /// Claims the oldest due message, if any.
    pub async fn claim_mail(&self, now: i64) -> Result<Option<OutboxRow>> {
        let lock = match self.dialect {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id = (\
                SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_attempt_at, id LIMIT 1{lock}) \
             RETURNING id, kind, order_id, link_id, secret, recipient, language, attempts"
        );
        Ok(sqlx::query_as(&sql)
            .bind(now)
            .bind(now + LEASE_SECONDS)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn mark_mail_sent(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query(
            // A link's secret is needed no more once its message is out.
            "UPDATE outbox SET sent_at = $2, locked_until = NULL, last_error = NULL, secret = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mark_mail_failed(&self, id: i64, error: &str, retry_at: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET locked_until = NULL, last_error = $2, next_attempt_at = $3 WHERE id = $1")
            .bind(id)
            .bind(error)
            .bind(retry_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn outbox(&self) -> Result<Vec<OutboxStatus>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, recipient, attempts, sent_at, last_error, next_attempt_at FROM outbox ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
