//! Orders and passes. An order is written with its lines; passes are written when it is paid,
//! all in one transaction so an order is never half issued.

use serde::Serialize;

use super::{Dialect, Result, Store, StoreError};

/// Rows per multi-row INSERT. PostgreSQL: large batches save round trips. SQLite: binding a
/// `$N` parameter looks its name up in a list (linear), so binding is quadratic in the parameters
/// of one statement; small batches are much faster there (measured by benches/issue.rs).
fn pass_batch(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => 500,
        Dialect::Sqlite => 20,
    }
}
const PASS_COLUMNS: usize = 12;

#[derive(Clone, Debug)]
pub struct NewLine {
    pub product_id: i64,
    pub category_id: i64,
    pub holder: Option<String>,
    pub quantity: i64,
    pub price_minor: i64,
}

#[derive(Clone, Debug)]
pub struct NewOrder {
    pub public_id: String,
    pub email: Option<String>,
    pub language: String,
    pub channel: &'static str,
    pub sales_point_id: Option<i64>,
    pub commission_bp: i64,
    pub currency: String,
    pub payment_provider: String,
    pub created_at: i64,
    pub lines: Vec<NewLine>,
}

impl NewOrder {
    pub fn total_minor(&self) -> i64 {
        self.lines.iter().map(|l| l.price_minor * l.quantity).sum()
    }
}

/// A signed pass ready to store; `line` is the index of its order line.
#[derive(Clone, Debug)]
pub struct NewPass {
    pub serial: String,
    pub line: usize,
    pub kid: String,
    pub token: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub public_id: String,
    pub email: Option<String>,
    pub language: String,
    pub status: String,
    pub channel: String,
    pub currency: String,
    pub total_minor: i64,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PassRow {
    pub serial: String,
    pub order_id: i64,
    pub product_id: i64,
    pub category_id: i64,
    pub holder: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub kid: String,
    pub token: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Writes a paid order, its lines and all its passes in one transaction. `progress` is called
    /// with the number of passes written so far after each batch.
    pub async fn insert_paid_order(
        &self,
        order: &NewOrder,
        passes: &[NewPass],
        paid_at: i64,
        mut progress: impl FnMut(usize),
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (public_id, email, language, status, channel, sales_point_id, commission_bp, \
             currency, total_minor, payment_provider, created_at, paid_at) \
             VALUES ($1, $2, $3, 'paid', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&order.public_id)
        .bind(&order.email)
        .bind(&order.language)
        .bind(order.channel)
        .bind(order.sales_point_id)
        .bind(order.commission_bp)
        .bind(&order.currency)
        .bind(order.total_minor())
        .bind(&order.payment_provider)
        .bind(order.created_at)
        .bind(paid_at)
        .fetch_one(&mut *tx)
        .await?;
        let mut line_ids = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO order_lines (order_id, product_id, category_id, holder, quantity, price_minor) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(order_id)
            .bind(line.product_id)
            .bind(line.category_id)
            .bind(&line.holder)
            .bind(line.quantity)
            .bind(line.price_minor)
            .fetch_one(&mut *tx)
            .await?;
            line_ids.push(id);
        }
        let expected: i64 = order.lines.iter().map(|l| l.quantity).sum();
        if expected != passes.len() as i64 {
            return Err(StoreError::Conflict(format!(
                "the order has {expected} places but {} passes were given",
                passes.len()
            )));
        }
        let mut written = 0;
        for chunk in passes.chunks(pass_batch(self.dialect)) {
            let sql = pass_insert_sql(chunk.len());
            let mut q = sqlx::query(&sql);
            for p in chunk {
                let line = order
                    .lines
                    .get(p.line)
                    .ok_or_else(|| StoreError::Conflict("pass names no order line".into()))?;
                q = q
                    .bind(&p.serial)
                    .bind(order_id)
                    .bind(line_ids[p.line])
                    .bind(line.product_id)
                    .bind(line.category_id)
                    .bind(&line.holder)
                    .bind(line.price_minor)
                    .bind(&order.currency)
                    .bind(&p.kid)
                    .bind(&p.token)
                    .bind(p.issued_at)
                    .bind(p.expires_at);
            }
            q.execute(&mut *tx).await?;
            written += chunk.len();
            progress(written);
        }
        tx.commit().await?;
        Ok(order_id)
    }

    pub async fn order_by_public_id(&self, public_id: &str) -> Result<OrderRow> {
        sqlx::query_as(
            "SELECT id, public_id, email, language, status, channel, currency, total_minor, created_at, paid_at \
             FROM orders WHERE public_id = $1",
        )
        .bind(public_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("order".into()))
    }

    pub async fn passes_of_order(&self, order_id: i64) -> Result<Vec<PassRow>> {
        Ok(sqlx::query_as(
            "SELECT serial, order_id, product_id, category_id, holder, price_minor, currency, kid, token, \
             issued_at, expires_at, revoked_at FROM passes WHERE order_id = $1 ORDER BY serial",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn count_passes(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM passes")
            .fetch_one(&self.pool)
            .await?)
    }
}

fn pass_insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO passes (serial, order_id, line_id, product_id, category_id, holder, price_minor, currency, \
         kid, token, issued_at, expires_at) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..PASS_COLUMNS {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * PASS_COLUMNS + c + 1));
        }
        sql.push(')');
    }
    sql
}
