//! Card payments: the provider's payment intent of each order, and the provider events handled
//! (by id, so that a replayed webhook changes nothing).

use super::{Result, Store};

impl Store {
    /// The payment intent of an order, if any, and when it paid the order.
    pub async fn card_intent(&self, order_id: i64) -> Result<Option<(String, Option<i64>)>> {
        Ok(
            sqlx::query_as("SELECT intent_id, paid_at FROM card_payments WHERE order_id = $1")
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The order a payment intent was made for.
    pub async fn order_of_intent(&self, intent_id: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT order_id FROM card_payments WHERE intent_id = $1")
                .bind(intent_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Makes `new` the order's payment intent if the order's intent is still `old` (none: the
    /// first one). False when another request replaced it first: that one is the order's.
    pub async fn replace_card_intent(
        &self,
        order_id: i64,
        provider: &str,
        old: Option<&str>,
        new: &str,
        now: i64,
    ) -> Result<bool> {
        let done = match old {
            None => {
                sqlx::query(
                    "INSERT INTO card_payments (order_id, provider, intent_id, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING",
                )
                .bind(order_id)
                .bind(provider)
                .bind(new)
                .bind(now)
                .execute(&self.pool)
                .await?
            }
            Some(old) => {
                sqlx::query(
                    "UPDATE card_payments SET intent_id = $3, created_at = $4 \
                     WHERE order_id = $1 AND intent_id = $2 AND paid_at IS NULL",
                )
                .bind(order_id)
                .bind(old)
                .bind(new)
                .bind(now)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }

    /// Whether a provider event was handled already.
    pub async fn provider_event_seen(&self, provider: &str, event_id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM provider_events WHERE provider = $1 AND event_id = $2",
        )
        .bind(provider)
        .bind(event_id)
        .fetch_one(&self.pool)
        .await?
            > 0)
    }

    /// Records a provider event as handled (after its handling succeeded; handling twice, by a
    /// crash in between, is harmless: what it does is idempotent).
    pub async fn record_provider_event(
        &self,
        provider: &str,
        event_id: &str,
        kind: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO provider_events (provider, event_id, kind, received_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (provider, event_id) DO NOTHING",
        )
        .bind(provider)
        .bind(event_id)
        .bind(kind)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
