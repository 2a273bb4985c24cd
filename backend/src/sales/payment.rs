//! How an order gets paid. The shop talks to a `PaymentProvider`; today the only one is "pay at
//! pickup" (the order waits until a desk user marks it paid). A card provider is a later issue and
//! plugs in here.

use crate::i18n::t;

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Stored on the order.
    fn name(&self) -> &'static str;
    /// What the buyer reads on the order page while the order waits for payment.
    fn instructions(&self, lang: &str) -> String;
}

/// Pay in person at a sales desk; the desk marks the order paid and the passes are issued.
#[derive(Debug, Default)]
pub struct PayAtPickup;

impl PaymentProvider for PayAtPickup {
    fn name(&self) -> &'static str {
        "pay_at_pickup"
    }

    fn instructions(&self, lang: &str) -> String {
        t(lang, "order_pending")
    }
}
