-- townpass schema 12 (sqlite): the order confirmation e-mail (sent when an order is placed, before
-- it is paid) and card refunds recorded per pass. Paired with ../postgres/0012_order_mail_refunds.sql.
-- SQLite cannot change a CHECK constraint in place: the outbox is rebuilt (nothing refers to it).
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('order_passes', 'order_placed')),
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    sent_at         INTEGER,
    last_error      TEXT
);
INSERT INTO outbox_new (id, kind, order_id, recipient, language, created_at, attempts,
                        next_attempt_at, locked_until, sent_at, last_error)
    SELECT id, kind, order_id, recipient, language, created_at, attempts, next_attempt_at,
           locked_until, sent_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- A pass refunded to the card that paid for it: the provider's refund id and the amount given
-- back (minor units of the order's currency).
ALTER TABLE passes ADD COLUMN refund_ref TEXT;
ALTER TABLE passes ADD COLUMN refund_minor BIGINT;
