-- townpass schema 11 (sqlite): card payments through a provider (Stripe's PaymentIntents). Paired
-- with ../postgres/0011_card_payments.sql.
-- One payment intent per order at a time: made when the buyer first opens the card form, reused
-- while the order waits, replaced (compare-and-set on intent_id) only after a failed attempt. The
-- passes are issued by whichever of the webhook and the buyer's page asks first (the order's
-- status decides); paid_at says the order was paid by this intent (a payment by any other way
-- while it was open is refunded).
CREATE TABLE card_payments (
    order_id      BIGINT PRIMARY KEY REFERENCES orders(id),
    provider      TEXT NOT NULL,                   -- 'stripe'
    intent_id     TEXT NOT NULL UNIQUE,            -- pi_...
    created_at    BIGINT NOT NULL,                 -- unix s
    paid_at       BIGINT                           -- unix s, when this intent paid the order
);
-- Every provider event handled, by its id (written after its handling succeeded): a replayed
-- event changes nothing.
CREATE TABLE provider_events (
    provider      TEXT NOT NULL,
    event_id      TEXT NOT NULL,                   -- evt_...
    kind          TEXT NOT NULL,                   -- payment_intent.succeeded, ...
    received_at   BIGINT NOT NULL,                 -- unix s
    PRIMARY KEY (provider, event_id)
);
