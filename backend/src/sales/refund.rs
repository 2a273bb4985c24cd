//! Revoking a pass, and giving its money back. A pass paid by card is refunded through the card
//! provider first (a partial refund of the order's payment: this pass's price); only when the
//! provider has refunded it is the pass revoked, with the provider's refund id. A provider that
//! fails leaves the pass valid, and the caller is told so. A retry after a crash between the two
//! finds the refund made before (see [`Card::refund_pass`]): nobody is refunded twice. A pass
//! revoked without a refund (lost, say) can be refunded later; a refund whose pass was revoked
//! by someone else meanwhile is still recorded with it.

use townpass_core::Serial;

use crate::sales::card::Card;
use crate::store::{Store, StoreError};

/// What a revocation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    pub serial: String,
    /// It was revoked before: only the refund happened now.
    pub refunded_only: bool,
    /// The card refund made: (provider's refund id, amount in minor units, currency).
    pub card_refund: Option<(String, i64, String)>,
}

impl Revoked {
    /// One sentence for the person who asked.
    pub fn describe(&self) -> String {
        if self.refunded_only {
            return match &self.card_refund {
                Some((id, amount, currency)) => format!(
                    "Pass {} was already revoked; {} refunded to the card now (refund {id}).",
                    self.serial,
                    crate::i18n::present::money(*amount, currency)
                ),
                None => format!(
                    "Pass {} was already revoked; it is marked refunded now (no card payment to refund: give the money back by hand).",
                    self.serial
                ),
            };
        }
        match &self.card_refund {
            Some((id, amount, currency)) => {
                let money = crate::i18n::present::money(*amount, currency);
                format!(
                    "Pass {} revoked; {money} refunded to the card (refund {id}). Scanners refuse it after their next sync.",
                    self.serial
                )
            }
            None => format!(
                "Pass {} revoked. Scanners refuse it after their next sync.",
                self.serial
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyRevoked(String),
    /// The card refund did not happen: the pass is unchanged (still valid).
    #[error("{0}")]
    RefundFailed(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for RevokeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => RevokeError::NotFound(format!("{m} not found")),
            StoreError::Conflict(m) => RevokeError::AlreadyRevoked(m),
            other => RevokeError::Store(other),
        }
    }
}

/// Revokes `serial`; with `refund`, gives its price back (through `card` when the order was paid
/// by card). `by` is who asked, for the audit trail.
pub async fn revoke(
    store: &Store,
    card: Option<&Card>,
    serial: &Serial,
    reason: &str,
    refund: bool,
    by: &str,
    now: i64,
) -> Result<Revoked, RevokeError> {
    let serial = serial.to_string();
    let pass = store.pass(&serial).await?;
    // A revoked pass can still be refunded later, once.
    if pass.revoked_at.is_some() {
        if !refund {
            return Err(RevokeError::AlreadyRevoked(format!(
                "pass {serial} is already revoked"
            )));
        }
        if store.pass_refund(&serial).await?.is_some() {
            return Err(RevokeError::AlreadyRevoked(format!(
                "pass {serial} is already revoked and refunded"
            )));
        }
    }
    let paid_by_card = match store.card_intent(pass.order_id).await? {
        Some((intent, Some(_paid_at))) => Some(intent),
        _ => None,
    };
    let mut card_refund = None;
    if refund && let Some(intent) = paid_by_card {
        let Some(card) = card else {
            return Err(RevokeError::RefundFailed(format!(
                "pass {serial} was paid by card, and card payments are not configured here \
                 (TOWNPASS_STRIPE_SECRET_KEY): nothing was refunded and the pass is still valid"
            )));
        };
        // One refund of a pass at a time: a second caller is told to wait, not sent on to the
        // provider as well.
        if !store.claim_refund(&serial, now).await? {
            return Err(RevokeError::AlreadyRevoked(format!(
                "a refund of pass {serial} is under way or done; look again in a few minutes"
            )));
        }
        let refunded = card.refund_pass(&intent, &serial, pass.price_minor).await;
        if refunded.is_err() {
            store.release_refund_claim(&serial).await?;
        }
        let id = refunded.map_err(|e| {
            tracing::warn!(%serial, error = %e, "card refund failed; pass left valid");
            RevokeError::RefundFailed(format!(
                "the card refund failed ({e}): nothing was refunded and pass {serial} is \
                     still valid; try again later"
            ))
        })?;
        tracing::info!(%serial, refund = %id, amount = pass.price_minor, "pass refunded to the card");
        card_refund = Some((id, pass.price_minor, pass.currency.clone()));
    }
    let done = store
        .revoke_pass_with(
            &serial,
            reason,
            refund,
            by,
            now,
            card_refund
                .as_ref()
                .map(|(id, amount, _)| (id.as_str(), *amount)),
        )
        .await?;
    Ok(Revoked {
        serial,
        refunded_only: done == crate::store::RevokedNow::RefundedOnly,
        card_refund,
    })
}
