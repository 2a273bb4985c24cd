-- townpass schema 7 (sqlite): idempotency keys of the sales API. Paired with ../postgres/0007_idempotency.sql.
-- Stripe's meaning: a retried POST /api/v1/orders with the same Idempotency-Key and the same body
-- answers what the first one answered, and sells nothing more; the same key with another body is
-- refused. The answer is written in the transaction that writes the order, so a crash leaves
-- either both or neither. Rows are kept for 48 hours (at least the promised 24).
CREATE TABLE idempotency_keys (
    caller        TEXT NOT NULL,                   -- 'sales_point:ID'
    idem_key      TEXT NOT NULL,                   -- as the client sent it
    request_hash  TEXT NOT NULL,                   -- SHA-256 of the request body, hex
    status        INTEGER NOT NULL,                -- the first answer's HTTP status
    body          TEXT NOT NULL,                   -- and its JSON
    created_at    BIGINT NOT NULL,                 -- unix s
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
