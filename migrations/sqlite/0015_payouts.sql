-- townpass schema 15 (SQLite): paying partners. For a closed month, `townpass payouts` (or the
-- admin page) writes the SEPA credit transfer file (pain.001.001.09) for partners paid in EUR and a
-- list of every statement's payout; both are kept here with who made them and when. A month is
-- paid once (the period is the key); the operator then confirms that the bank has paid it.
-- Paired with ../postgres/0015_payouts.sql.
CREATE TABLE payout_runs (
    period         TEXT PRIMARY KEY REFERENCES periods (period),
    message_id     TEXT NOT NULL,                 -- the transfer file's MsgId
    execution_date TEXT NOT NULL,                 -- YYYY-MM-DD the bank is asked to pay on
    sepa_xml       TEXT,                          -- pain.001.001.09; none without a EUR transfer
    list_csv       TEXT NOT NULL,                 -- every partner statement's payout
    exported_at    BIGINT NOT NULL,
    exported_by    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('exported', 'paid')),
    paid_at        BIGINT,
    paid_by        TEXT
);

-- One partner statement's payout: a SEPA transfer, a payment by hand (another currency), a
-- negative balance carried to the next month, or nothing to pay.
CREATE TABLE payout_lines (
    period          TEXT NOT NULL REFERENCES payout_runs (period),
    party           TEXT NOT NULL,                -- 'partner:CODE'
    currency        TEXT NOT NULL,                -- the statement's
    number          TEXT NOT NULL,                -- the statement number: the transfer's end-to-end id
    method          TEXT NOT NULL CHECK (method IN ('sepa', 'by_hand', 'carried', 'nothing')),
    statement_minor BIGINT NOT NULL,              -- the statement's total
    payout_currency TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL,              -- what is paid, in payout_currency
    iban            TEXT,
    bic             TEXT,
    PRIMARY KEY (period, party, currency)
);
