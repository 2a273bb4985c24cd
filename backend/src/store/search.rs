//! Finding orders and passes for the operator: by order code, pass number (or its start), e-mail
//! or holder name; and everything that happened to one pass.

use super::{Result, Store};

/// An order, with one of its passes (none while it is unpaid).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct FoundRow {
    pub serial: Option<String>,
    pub holder: Option<String>,
    pub product_id: Option<i64>,
    pub revoked_at: Option<i64>,
    pub order_id: i64,
    pub public_id: String,
    pub email: Option<String>,
    pub status: String,
    pub channel: String,
    pub created_at: i64,
    pub currency: String,
    pub total_minor: i64,
}

/// A message the outbox holds for an order.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderMail {
    pub kind: String,
    pub recipient: String,
    pub created_at: i64,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

/// A pass's revocation.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RevocationRow {
    pub reason: String,
    pub revoked_at: i64,
    pub revoked_by: Option<String>,
}

/// `text` with LIKE's wildcards taken literally (escape character `\`).
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// Orders and passes matching what an operator typed, newest first, at most `limit` rows:
    /// the start of an order code or pass number (hex digits, dashes and spaces ignored, at least
    /// four), or part of an e-mail address or holder name (at least two characters).
    pub async fn search(&self, query: &str, limit: i64) -> Result<Vec<FoundRow>> {
        let query = query.trim();
        let hex: String = query
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect::<String>()
            .to_lowercase();
        let by_prefix = hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit());
        let by_text = query.chars().count() >= 2;
        if !by_prefix && !by_text {
            return Ok(Vec::new());
        }
        let prefix = format!("{hex}%");
        let typed = format!("%{}%", like_literal(query));
        let lower = format!("%{}%", like_literal(&query.to_lowercase()));
        Ok(sqlx::query_as(
            "SELECT p.serial, p.holder, p.product_id, p.revoked_at, o.id AS order_id, o.public_id, \
             o.email, o.status, o.channel, o.created_at, o.currency, o.total_minor \
             FROM orders o LEFT JOIN passes p ON p.order_id = o.id \
             WHERE ($5 = 1 AND (o.public_id LIKE $1 OR p.serial LIKE $1)) \
             OR ($6 = 1 AND (LOWER(COALESCE(o.email, '')) LIKE $3 ESCAPE '\\' \
             OR COALESCE(p.holder, '') LIKE $2 ESCAPE '\\' \
             OR LOWER(COALESCE(p.holder, '')) LIKE $3 ESCAPE '\\')) \
             ORDER BY o.created_at DESC, o.id DESC, p.serial LIMIT $4",
        )
        .bind(&prefix)
        .bind(&typed)
        .bind(&lower)
        .bind(limit)
        .bind(i64::from(by_prefix))
        .bind(i64::from(by_text))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Orders a sales desk took since `since` (paid there), newest first: a sales point's, or,
    /// for a desk user without one, every desk sale.
    pub async fn desk_sales(
        &self,
        sales_point_id: Option<i64>,
        since: i64,
    ) -> Result<Vec<super::OrderRow>> {
        Ok(sqlx::query_as(&format!(
            "{} WHERE status = 'paid' AND paid_at >= $2 AND \
             ((sales_point_id = $1) OR ($1 IS NULL AND channel = 'desk') \
             OR id IN (SELECT o.id FROM orders o JOIN users u ON u.id = o.paid_by \
                       WHERE u.sales_point_id = $1 AND o.paid_at >= $2)) \
             ORDER BY paid_at DESC, id DESC LIMIT 500",
            super::sales::SELECT_ORDER
        ))
        .bind(sales_point_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Orders waiting to be paid at a desk, placed since `since`, newest first.
    pub async fn pending_orders(&self, since: i64) -> Result<Vec<super::OrderRow>> {
        Ok(sqlx::query_as(&format!(
            "{} WHERE status = 'pending' AND created_at >= $1 ORDER BY created_at DESC LIMIT 200",
            super::sales::SELECT_ORDER
        ))
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The outbox's messages for an order, oldest first.
    pub async fn order_mails(&self, order_id: i64) -> Result<Vec<OrderMail>> {
        Ok(sqlx::query_as(
            "SELECT kind, recipient, created_at, attempts, sent_at, last_error FROM outbox \
             WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A pass's revocation, if it was revoked.
    pub async fn revocation(&self, serial: &str) -> Result<Option<RevocationRow>> {
        Ok(sqlx::query_as(
            "SELECT reason, revoked_at, revoked_by FROM revocations WHERE serial = $1 \
             ORDER BY seq LIMIT 1",
        )
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::like_literal;

    #[test]
    fn wildcards_typed_by_the_operator_are_taken_literally() {
        assert_eq!(like_literal("50%_off\\"), "50\\%\\_off\\\\");
    }
}
