-- townpass schema 12 (PostgreSQL): the order confirmation e-mail (sent when an order is placed,
-- before it is paid) and card refunds recorded per pass. Paired with ../sqlite/0012_order_mail_refunds.sql.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('order_passes', 'order_placed'));

-- A pass refunded to the card that paid for it: the provider's refund id and the amount given
-- back (minor units of the order's currency).
ALTER TABLE passes ADD COLUMN refund_ref TEXT;
ALTER TABLE passes ADD COLUMN refund_minor BIGINT;
