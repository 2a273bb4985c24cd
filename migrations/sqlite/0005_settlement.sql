-- townpass schema 5 (SQLite): settlement. Paired with ../postgres/0005_settlement.sql.

-- A refund gives the buyer the price back (the pass is also revoked); settlement then pays nobody.
ALTER TABLE passes ADD COLUMN refunded_at BIGINT;

-- The operator's decision on a flagged redemption, and who made it when (the audit log has why).
ALTER TABLE redemptions ADD COLUMN reviewed_at BIGINT;
ALTER TABLE redemptions ADD COLUMN reviewed_by TEXT;

-- A settlement month: a calendar month in the operator's time zone. Draft statements are
-- recomputed at will; closing issues them, and from then on nothing of the month changes
-- (the triggers below refuse it): corrections land in a later open month as adjustment lines.
CREATE TABLE periods (
    period      TEXT PRIMARY KEY,                -- 'YYYY-MM'
    starts_at   BIGINT NOT NULL,                 -- unix s, the month's first local midnight
    ends_at     BIGINT NOT NULL,                 -- unix s, the next month's
    status      TEXT NOT NULL CHECK (status IN ('draft', 'closed')),
    computed_at BIGINT NOT NULL,
    closed_at   BIGINT,
    closed_by   TEXT
);

-- Which month settled each pass, with its gross and refund; a later row for the same pass is a
-- correction (a refund after its month closed).
CREATE TABLE settled_passes (
    period       TEXT NOT NULL REFERENCES periods (period),
    serial       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    gross_minor  BIGINT NOT NULL,
    refund_minor BIGINT NOT NULL,
    PRIMARY KEY (period, serial)
);
CREATE INDEX settled_passes_serial ON settled_passes (serial);

-- Every amount of a settlement: one row per pass and recipient, and one per paid visit. A
-- statement line is a sum of items; the CSV behind a statement lists them.
CREATE TABLE settlement_items (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL REFERENCES periods (period),
    party         TEXT NOT NULL,                 -- 'partner:CODE', 'sales_point:CODE' or 'operator'
    currency      TEXT NOT NULL,
    kind          TEXT NOT NULL,                 -- visit, pool_share, fixed_share, commission, operator_fee, breakage, dispute_credit
    product_id    BIGINT NOT NULL,
    offer_id      BIGINT,
    serial        TEXT NOT NULL,
    redemption_id BIGINT,
    amount_minor  BIGINT NOT NULL,
    corrects      TEXT,                          -- an adjustment: the closed month it corrects
    reason        TEXT                           -- an adjustment: what changed
);
CREATE INDEX settlement_items_statement ON settlement_items (period, party, currency);
CREATE INDEX settlement_items_serial ON settlement_items (serial);

-- A partner questions a statement line; the operator accepts (with a credit, paid in the next
-- open month) or rejects it, with a comment either way.
CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY,
    period       TEXT NOT NULL REFERENCES periods (period),
    party        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    line_key     TEXT NOT NULL,
    comment      TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    opened_at    BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    credit_minor BIGINT,
    answer       TEXT,
    resolved_by  TEXT,
    resolved_at  BIGINT
);

-- Who decided what, when and why (flag reviews, disputes, closing months).
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);

-- A closed month never changes.
CREATE TRIGGER settlement_items_closed_insert BEFORE INSERT ON settlement_items
WHEN (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER settlement_items_closed_update BEFORE UPDATE ON settlement_items
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed' OR (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER settlement_items_closed_delete BEFORE DELETE ON settlement_items
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER settled_passes_closed_insert BEFORE INSERT ON settled_passes
WHEN (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER settled_passes_closed_update BEFORE UPDATE ON settled_passes
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed' OR (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER settled_passes_closed_delete BEFORE DELETE ON settled_passes
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER periods_closed_update BEFORE UPDATE ON periods
WHEN OLD.status = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER periods_closed_delete BEFORE DELETE ON periods
WHEN OLD.status = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;
