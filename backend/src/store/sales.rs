//! Orders and passes. An order is written with its lines; passes are written when it is paid,
//! all in one transaction so an order is never half issued.

use serde::Serialize;

use sqlx::{Any, Transaction};

use super::{Dialect, MailKind, Result, Store, StoreError};

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
    /// The desk user who took the money, for an order paid at once at a desk.
    pub paid_by: Option<i64>,
    pub lines: Vec<NewLine>,
}

impl NewOrder {
    /// Where its passes are e-mailed: (recipient, language), if the buyer gave an address.
    pub fn mail(&self) -> Option<(&str, &str)> {
        self.email.as_deref().map(|e| (e, self.language.as_str()))
    }

    /// Prices are at most `MAX_AMOUNT_MINOR` (the catalogue's check), so this never comes near
    /// the end of `i64`; it saturates rather than panic should one ever slip through.
    pub fn total_minor(&self) -> i64 {
        self.lines
            .iter()
            .map(|l| l.price_minor.saturating_mul(l.quantity))
            .fold(0, i64::saturating_add)
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
    pub payment_provider: String,
    pub sales_point_id: Option<i64>,
    pub email: Option<String>,
    pub language: String,
    pub status: String,
    pub channel: String,
    pub currency: String,
    pub total_minor: i64,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

/// How long a card refund claimed by one caller keeps others out (longer than any provider call
/// takes); after it, a claim left by a crash is taken over.
pub const REFUND_CLAIM_TTL: i64 = 10 * 60;

/// A pass's refund: when, and the card refund (provider's refund id, amount) if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassRefund {
    pub at: i64,
    pub card: Option<(String, i64)>,
}

/// What [`Store::revoke_pass_with`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokedNow {
    /// Revoked (and refunded, if asked) now.
    Revoked,
    /// It was revoked before; the refund asked for is recorded now.
    RefundedOnly,
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

/// One recorded use of a pass.
#[derive(Clone, Debug)]
pub struct PassUse {
    pub scanned_at_ms: i64,
    pub venue: townpass_core::catalog::Venue,
    pub offer: Option<townpass_core::catalog::Offer>,
    /// Set when the server flagged the use (e.g. a second use from an offline device).
    pub flag: Option<String>,
}

/// An order line as stored.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct LineRow {
    pub id: i64,
    pub product_id: i64,
    pub category_id: i64,
    pub holder: Option<String>,
    pub quantity: i64,
    pub price_minor: i64,
}

async fn insert_order_rows(
    tx: &mut Transaction<'_, Any>,
    order: &NewOrder,
    status: &str,
    paid_at: Option<i64>,
) -> Result<(i64, Vec<LineRow>)> {
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (public_id, email, language, status, channel, sales_point_id, commission_bp, \
         currency, total_minor, payment_provider, created_at, paid_at, paid_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&order.public_id)
    .bind(&order.email)
    .bind(&order.language)
    .bind(status)
    .bind(order.channel)
    .bind(order.sales_point_id)
    .bind(order.commission_bp)
    .bind(&order.currency)
    .bind(order.total_minor())
    .bind(&order.payment_provider)
    .bind(order.created_at)
    .bind(paid_at)
    .bind(order.paid_by)
    .fetch_one(&mut **tx)
    .await?;
    let mut lines = Vec::with_capacity(order.lines.len());
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
        .fetch_one(&mut **tx)
        .await?;
        lines.push(LineRow {
            id,
            product_id: line.product_id,
            category_id: line.category_id,
            holder: line.holder.clone(),
            quantity: line.quantity,
            price_minor: line.price_minor,
        });
    }
    Ok((order_id, lines))
}

/// Writes the passes of an order, checking there is exactly one per place on its lines.
async fn insert_passes(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    order_id: i64,
    currency: &str,
    lines: &[LineRow],
    passes: &[NewPass],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<()> {
    let places: i64 = lines.iter().map(|l| l.quantity).sum();
    if places != passes.len() as i64 {
        return Err(StoreError::Conflict(format!(
            "the order has {places} places but {} passes were given",
            passes.len()
        )));
    }
    let mut written = 0;
    for chunk in passes.chunks(pass_batch(dialect)) {
        let sql = pass_insert_sql(chunk.len());
        let mut q = sqlx::query(&sql);
        for p in chunk {
            let line = lines
                .get(p.line)
                .ok_or_else(|| StoreError::Conflict("a pass names no order line".into()))?;
            q = q
                .bind(&p.serial)
                .bind(order_id)
                .bind(line.id)
                .bind(line.product_id)
                .bind(line.category_id)
                .bind(&line.holder)
                .bind(line.price_minor)
                .bind(currency)
                .bind(&p.kid)
                .bind(&p.token)
                .bind(p.issued_at)
                .bind(p.expires_at);
        }
        q.execute(&mut **tx).await?;
        written += chunk.len();
        progress(written);
    }
    Ok(())
}

/// The first answer to a sales API call, kept under its idempotency key.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IdempotentAnswer {
    pub caller: String,
    pub idem_key: String,
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

/// How long an idempotency key is kept (the promise is 24 hours).
const IDEMPOTENCY_KEPT: i64 = 48 * 3600;

impl Store {
    /// Writes a paid order, its lines and all its passes, its e-mail to the buyer (if it has an
    /// address) and the answer kept under an idempotency key, in one transaction: a crash
    /// leaves all of them or none. `progress` is called with the number of passes written so far
    /// after each batch. A key used before is a unique violation (see `is_unique_violation`).
    pub async fn insert_paid_order(
        &self,
        order: &NewOrder,
        passes: &[NewPass],
        paid_at: i64,
        mut progress: impl FnMut(usize) + Send,
        answer: Option<&IdempotentAnswer>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        if let Some(a) = answer {
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(paid_at - IDEMPOTENCY_KEPT)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO idempotency_keys (caller, idem_key, request_hash, status, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&a.caller)
            .bind(&a.idem_key)
            .bind(&a.request_hash)
            .bind(a.status)
            .bind(&a.body)
            .bind(paid_at)
            .execute(&mut *tx)
            .await?;
        }
        let (order_id, lines) = insert_order_rows(&mut tx, order, "paid", Some(paid_at)).await?;
        insert_passes(
            &mut tx,
            self.dialect,
            order_id,
            &order.currency,
            &lines,
            passes,
            &mut progress,
        )
        .await?;
        if let Some((recipient, language)) = order.mail() {
            super::outbox::enqueue_order_mail_in(
                &mut tx,
                MailKind::OrderPasses,
                order_id,
                recipient,
                language,
                paid_at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(order_id)
    }

    /// The answer kept under `key` for `caller`, if it is still kept.
    pub async fn idempotent_answer(
        &self,
        caller: &str,
        key: &str,
        now: i64,
    ) -> Result<Option<IdempotentAnswer>> {
        Ok(sqlx::query_as(
            "SELECT caller, idem_key, request_hash, status, body FROM idempotency_keys \
             WHERE caller = $1 AND idem_key = $2 AND created_at >= $3",
        )
        .bind(caller)
        .bind(key)
        .bind(now - IDEMPOTENCY_KEPT)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Writes an order that waits for payment (no passes yet).
    pub async fn insert_pending_order(&self, order: &NewOrder) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (order_id, _) = insert_order_rows(&mut tx, order, "pending", None).await?;
        // The buyer hears at once (code, link, what was ordered, how to pay): closing the tab
        // before paying loses nothing.
        if let Some((recipient, language)) = order.mail() {
            super::outbox::enqueue_order_mail_in(
                &mut tx,
                MailKind::OrderPlaced,
                order_id,
                recipient,
                language,
                order.created_at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(order_id)
    }

    /// Marks a pending order paid, writes its passes and queues its e-mail, in one transaction. Refuses an order that
    /// is not pending (paid twice by two desks at once: the second one gets a conflict).
    pub async fn pay_order(
        &self,
        order_id: i64,
        passes: &[NewPass],
        paid_at: i64,
        paid_by: Option<i64>,
    ) -> Result<()> {
        self.pay_order_with(order_id, passes, paid_at, paid_by, None)
            .await
    }

    /// [`Store::pay_order`] for an order paid by its card payment intent, which is marked as
    /// the one that paid it in the same transaction.
    pub async fn pay_order_by_card(
        &self,
        order_id: i64,
        passes: &[NewPass],
        paid_at: i64,
        intent_id: &str,
    ) -> Result<()> {
        self.pay_order_with(order_id, passes, paid_at, None, Some(intent_id))
            .await
    }

    async fn pay_order_with(
        &self,
        order_id: i64,
        passes: &[NewPass],
        paid_at: i64,
        paid_by: Option<i64>,
        intent_id: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE orders SET status = 'paid', paid_at = $2, paid_by = $3 WHERE id = $1 AND status = 'pending'")
            .bind(order_id)
            .bind(paid_at)
            .bind(paid_by)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "this order is not waiting for payment (already paid or cancelled)".into(),
            ));
        }
        let (currency, email, language): (String, Option<String>, String) =
            sqlx::query_as("SELECT currency, email, language FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut *tx)
                .await?;
        let lines = lines_of(&mut tx, order_id).await?;
        insert_passes(
            &mut tx,
            self.dialect,
            order_id,
            &currency,
            &lines,
            passes,
            &mut |_| {},
        )
        .await?;
        if let Some(recipient) = &email {
            super::outbox::enqueue_order_mail_in(
                &mut tx,
                MailKind::OrderPasses,
                order_id,
                recipient,
                &language,
                paid_at,
            )
            .await?;
        }
        if let Some(intent_id) = intent_id {
            let marked = sqlx::query(
                "UPDATE card_payments SET paid_at = $3 WHERE order_id = $1 AND intent_id = $2",
            )
            .bind(order_id)
            .bind(intent_id)
            .bind(paid_at)
            .execute(&mut *tx)
            .await?;
            if marked.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!(
                    "payment intent {intent_id} is not this order's"
                )));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn order_lines(&self, order_id: i64) -> Result<Vec<LineRow>> {
        let mut tx = self.begin_write().await?;
        let lines = lines_of(&mut tx, order_id).await?;
        tx.commit().await?;
        Ok(lines)
    }

    /// Revokes a pass (refund, loss, fraud): scanners refuse it after their next sync. With
    /// `refund`, the buyer also got the price back, and settlement pays nobody for the pass.
    pub async fn revoke_pass(
        &self,
        serial: &str,
        reason: &str,
        refund: bool,
        by: &str,
        now: i64,
    ) -> Result<()> {
        self.revoke_pass_with(serial, reason, refund, by, now, None)
            .await
            .map(|_| ())
    }

    /// [`Store::revoke_pass`], recording the card provider's refund (its id, the amount given
    /// back) with the revocation.
    pub async fn revoke_pass_with(
        &self,
        serial: &str,
        reason: &str,
        refund: bool,
        by: &str,
        now: i64,
        card_refund: Option<(&str, i64)>,
    ) -> Result<RevokedNow> {
        let _local = self.turns.clone().lock_owned().await;
        let mut tx = self.begin_write().await?;
        super::pass_state::take_turn(&mut tx).await?;
        let done = sqlx::query(
            "UPDATE passes SET revoked_at = $2, revoke_reason = $3, refunded_at = $4, \
             refund_ref = $5, refund_minor = $6 WHERE serial = $1 AND revoked_at IS NULL",
        )
        .bind(serial)
        .bind(now)
        .bind(reason)
        .bind(refund.then_some(now))
        .bind(card_refund.map(|(id, _)| id))
        .bind(card_refund.map(|(_, amount)| amount))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passes WHERE serial = $1")
                .bind(serial)
                .fetch_one(&mut *tx)
                .await?;
            if exists == 0 {
                return Err(StoreError::NotFound(format!("pass {serial}")));
            }
            // Revoked before (by someone else a moment ago, or earlier without a refund): a refund
            // is still recorded, once.
            let refunded = refund
                && sqlx::query(
                    "UPDATE passes SET refunded_at = $2, refund_ref = $3, refund_minor = $4 \
                     WHERE serial = $1 AND refunded_at IS NULL",
                )
                .bind(serial)
                .bind(now)
                .bind(card_refund.map(|(id, _)| id))
                .bind(card_refund.map(|(_, amount)| amount))
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
            if !refunded {
                return Err(StoreError::Conflict(format!(
                    "pass {serial} is already revoked{}",
                    if refund { " and refunded" } else { "" }
                )));
            }
            // What the pass settles to changes (a closed month gets an adjustment). The change
            // kinds are flagged, reviewed and revoked; a late refund is part of the revocation.
            super::pass_state::record_change(&mut tx, serial, "revoked", now).await?;
            tx.commit().await?;
            return Ok(RevokedNow::RefundedOnly);
        }
        sqlx::query("INSERT INTO revocations (serial, reason, revoked_at, revoked_by) VALUES ($1, $2, $3, $4)")
            .bind(serial)
            .bind(reason)
            .bind(now)
            .bind(by)
            .execute(&mut *tx)
            .await?;
        super::pass_state::record_change(&mut tx, serial, "revoked", now).await?;
        tx.commit().await?;
        Ok(RevokedNow::Revoked)
    }

    /// Claims the card refund of a pass that is not refunded yet: false while another refund of
    /// it is under way (claimed less than [`REFUND_CLAIM_TTL`] ago) or once it is refunded.
    pub async fn claim_refund(&self, serial: &str, now: i64) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE passes SET refund_claimed_at = $2 WHERE serial = $1 AND refunded_at IS NULL \
             AND (refund_claimed_at IS NULL OR refund_claimed_at < $3)",
        )
        .bind(serial)
        .bind(now)
        .bind(now - REFUND_CLAIM_TTL)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    /// Gives up a refund claim (the provider refused or could not be reached).
    pub async fn release_refund_claim(&self, serial: &str) -> Result<()> {
        sqlx::query("UPDATE passes SET refund_claimed_at = NULL WHERE serial = $1")
            .bind(serial)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How a pass was refunded, if it was: when, and the card refund (the provider's refund id
    /// and the amount in minor units) when its price went back to a card.
    pub async fn pass_refund(&self, serial: &str) -> Result<Option<PassRefund>> {
        let row: Option<(Option<i64>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT refunded_at, refund_ref, refund_minor FROM passes WHERE serial = $1",
        )
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(at, id, amount)| {
            Some(PassRefund {
                at: at?,
                card: id.zip(amount),
            })
        }))
    }

    pub async fn pass(&self, serial: &str) -> Result<PassRow> {
        sqlx::query_as(
            "SELECT serial, order_id, product_id, category_id, holder, price_minor, currency, kid, token, \
             issued_at, expires_at, revoked_at FROM passes WHERE serial = $1",
        )
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("pass {serial}")))
    }

    pub async fn order_by_id(&self, id: i64) -> Result<OrderRow> {
        sqlx::query_as(&format!("{SELECT_ORDER} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("order".into()))
    }

    pub async fn order_by_public_id(&self, public_id: &str) -> Result<OrderRow> {
        sqlx::query_as(&format!("{SELECT_ORDER} WHERE public_id = $1"))
            .bind(public_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("order".into()))
    }

    /// A order by the code a buyer reads out at a desk ("4F3A-9C00", the id's first 8 hex digits).
    pub async fn find_order_by_code(&self, code: &str) -> Result<Option<OrderRow>> {
        let prefix: String = code
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_lowercase();
        if prefix.len() != 8 {
            return Ok(None);
        }
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT public_id FROM orders WHERE public_id LIKE $1 ORDER BY created_at DESC LIMIT 2",
        )
        .bind(format!("{prefix}%"))
        .fetch_all(&self.pool)
        .await?;
        // Two orders sharing a code (1 in 4 billion per pair) cannot be told apart: ask for the link.
        match ids.as_slice() {
            [one] => Ok(Some(self.order_by_public_id(one).await?)),
            _ => Ok(None),
        }
    }

    /// The uses of a pass that count (see [`super::NO_USE_FLAGS`]), oldest first: what the
    /// visitor's pages and wallet passes show and compute validity from.
    pub async fn counted_uses_of_pass(&self, serial: &str) -> Result<Vec<PassUse>> {
        let mut uses = self.uses_of_pass(serial).await?;
        uses.retain(|u| {
            !u.flag
                .as_deref()
                .is_some_and(|f| super::NO_USE_FLAGS.contains(&f))
        });
        Ok(uses)
    }

    /// Where and when a pass has been used, oldest first: (scanned_at unix ms, venue, offer, flag).
    pub async fn uses_of_pass(&self, serial: &str) -> Result<Vec<PassUse>> {
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT r.scanned_at, v.doc, o.doc, r.flag FROM redemptions r JOIN venues v ON v.id = r.venue_id \
             LEFT JOIN offers o ON o.id = r.offer_id WHERE r.serial = $1 ORDER BY r.scanned_at, r.id",
        )
        .bind(serial)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(at, venue, offer, flag)| {
                let venue = serde_json::from_str(&venue)
                    .map_err(|e| StoreError::Corrupt(format!("venue: {e}")))?;
                let offer = offer
                    .map(|o| {
                        serde_json::from_str(&o)
                            .map_err(|e| StoreError::Corrupt(format!("offer: {e}")))
                    })
                    .transpose()?;
                Ok(PassUse {
                    scanned_at_ms: at,
                    venue,
                    offer,
                    flag,
                })
            })
            .collect()
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

pub(super) const SELECT_ORDER: &str = "SELECT id, public_id, payment_provider, sales_point_id, email, language, status, channel, currency, \
     total_minor, created_at, paid_at FROM orders";

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

async fn lines_of(tx: &mut Transaction<'_, Any>, order_id: i64) -> Result<Vec<LineRow>> {
    Ok(sqlx::query_as(
        "SELECT id, product_id, category_id, holder, quantity, price_minor FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?)
}
