-- townpass schema 16 (PostgreSQL): a payout file the bank rejected (or that was never sent) is withdrawn,
-- with why, before the month is exported again; the withdrawn file is kept here as it was. A
-- month confirmed paid cannot be withdrawn. Paired with ../sqlite/0016_payout_withdrawals.sql.
CREATE TABLE payout_withdrawals (
    period       TEXT NOT NULL REFERENCES periods (period),
    attempt      BIGINT NOT NULL,                 -- 1 for the month's first file, then 2, ...
    message_id   TEXT NOT NULL,
    sepa_xml     TEXT,
    list_csv     TEXT NOT NULL,
    exported_at  BIGINT NOT NULL,
    exported_by  TEXT NOT NULL,
    withdrawn_at BIGINT NOT NULL,
    withdrawn_by TEXT NOT NULL,
    reason       TEXT NOT NULL,
    PRIMARY KEY (period, attempt)
);
