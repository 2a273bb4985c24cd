//! Card payments: the provider's payment intent of each order, and the provider events taken
//! (by id, so that a replayed webhook changes nothing).

use super::{Result, Store};

impl Store {
    /// The payment intent made for an order, if any.
    pub async fn card_intent(&self, order_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT intent_id FROM card_payments WHERE order_id = $1")
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

    /// Records `intent_id` as the order's payment intent (replacing one the provider cancelled).
    pub async fn set_card_intent(
        &self,
        order_id: i64,
        provider: &str,
        intent_id: &str,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM card_payments WHERE order_id = $1")
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO card_payments (order_id, provider, intent_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(order_id)
        .bind(provider)
        .bind(intent_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a provider event once: true the first time its id is seen, false for a replay.
    pub async fn take_provider_event(
        &self,
        provider: &str,
        event_id: &str,
        kind: &str,
        now: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO provider_events (provider, event_id, kind, received_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (provider, event_id) DO NOTHING",
        )
        .bind(provider)
        .bind(event_id)
        .bind(kind)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets that an event was taken (its handling failed: the provider's retry is handled).
    pub async fn release_provider_event(&self, provider: &str, event_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM provider_events WHERE provider = $1 AND event_id = $2")
            .bind(provider)
            .bind(event_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
