-- townpass schema 9 (SQLite): settlement as a background job that writes in short transactions.
-- Paired with ../postgres/0009_settlement_jobs.sql.
--
-- A settlement run writes its items in many short transactions under its own run number, unseen;
-- one short transaction then makes it the month's run (and, for a close, closes the month). So no
-- write transaction lasts as long as the computation, and uploads never wait for one. Readers see
-- only a month's current run, through the views below. Rows of other runs are garbage, deleted in
-- short steps after (the triggers allow that, even in a closed month; a closed month's current
-- run never changes).
ALTER TABLE periods ADD COLUMN run BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_items ADD COLUMN run BIGINT NOT NULL DEFAULT 0;
DROP INDEX settlement_items_statement;
CREATE INDEX settlement_items_statement ON settlement_items (period, run, party, currency);

DROP TRIGGER settlement_items_closed_delete;
CREATE TRIGGER settlement_items_closed_delete BEFORE DELETE ON settlement_items
WHEN (SELECT status = 'closed' AND run = OLD.run FROM periods WHERE period = OLD.period)
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

-- settled_passes gets the run into its key: rebuilt, with its triggers.
DROP TRIGGER settled_passes_closed_insert;
DROP TRIGGER settled_passes_closed_update;
DROP TRIGGER settled_passes_closed_delete;
CREATE TABLE settled_passes_by_run (
    period       TEXT NOT NULL REFERENCES periods (period),
    run          BIGINT NOT NULL DEFAULT 0,
    serial       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    gross_minor  BIGINT NOT NULL,
    refund_minor BIGINT NOT NULL,
    PRIMARY KEY (period, run, serial)
);
INSERT INTO settled_passes_by_run (period, run, serial, currency, gross_minor, refund_minor)
    SELECT period, 0, serial, currency, gross_minor, refund_minor FROM settled_passes;
DROP TABLE settled_passes;
ALTER TABLE settled_passes_by_run RENAME TO settled_passes;
CREATE INDEX settled_passes_serial ON settled_passes (serial);

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
WHEN (SELECT status = 'closed' AND run = OLD.run FROM periods WHERE period = OLD.period)
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE VIEW current_items AS
    SELECT i.* FROM settlement_items i JOIN periods p ON p.period = i.period AND p.run = i.run;
CREATE VIEW current_settled AS
    SELECT s.* FROM settled_passes s JOIN periods p ON p.period = s.period AND p.run = s.run;

-- A settlement asked for (a draft, or a close): run by one server instance at a time, which holds
-- a lease it renews while it works; an instance that dies leaves the lease to run out, and another
-- takes the job up again (a new attempt, a new run number: id * 1000 + attempt).
CREATE TABLE settlement_jobs (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL,
    close_by      TEXT,                          -- who asked to close the month; NULL for a draft
    requested_by  TEXT NOT NULL,
    requested_at  BIGINT NOT NULL,               -- unix s
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts      BIGINT NOT NULL DEFAULT 0,
    lease_owner   TEXT,
    lease_until   BIGINT,                        -- unix s
    passes_read   BIGINT NOT NULL DEFAULT 0,
    passes_total  BIGINT,
    started_at    BIGINT,
    finished_at   BIGINT,
    error         TEXT
);
-- One job per month at a time.
CREATE UNIQUE INDEX settlement_jobs_one_per_period ON settlement_jobs (period)
    WHERE status IN ('queued', 'running');
