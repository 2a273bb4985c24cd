-- townpass schema 14 (sqlite): partners paid in their own currency. The operator records an
-- exchange rate per month and currency pair (`townpass rates set`, the admin page, a rates file);
-- closing a month converts each statement in another currency than the partner's payout currency
-- at that rate and stores the conversion with it. Rates of a closed month never change.
-- Paired with ../postgres/0014_exchange_rates.sql.
CREATE TABLE exchange_rates (
    period  TEXT NOT NULL,                    -- 'YYYY-MM'
    base    TEXT NOT NULL,                    -- ISO 4217: 1 unit of base ...
    quote   TEXT NOT NULL,                    -- ... buys `rate` units of quote
    rate    TEXT NOT NULL,                    -- the exact decimal as recorded, e.g. '61.5000'
    source  TEXT NOT NULL,                    -- e.g. 'NBRM 2026-10-31'
    set_at  BIGINT NOT NULL,
    set_by  TEXT NOT NULL,
    PRIMARY KEY (period, base, quote)
);

-- The conversion of one issued statement into the partner's payout currency, written when the
-- month closes: the statement's total, the rate and its source as they were, and the payout.
CREATE TABLE statement_payouts (
    period          TEXT NOT NULL REFERENCES periods (period),
    party           TEXT NOT NULL,
    currency        TEXT NOT NULL,            -- the statement's (the sales') currency
    amount_minor    BIGINT NOT NULL,
    payout_currency TEXT NOT NULL,
    pair            TEXT NOT NULL,            -- the recorded pair used, e.g. 'EUR/MKD'
    rate            TEXT NOT NULL,
    source          TEXT NOT NULL,
    payout_minor    BIGINT NOT NULL,
    PRIMARY KEY (period, party, currency)
);

CREATE TRIGGER exchange_rates_closed_insert BEFORE INSERT ON exchange_rates
WHEN (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER exchange_rates_closed_update BEFORE UPDATE ON exchange_rates
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed' OR (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER exchange_rates_closed_delete BEFORE DELETE ON exchange_rates
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER statement_payouts_closed_insert BEFORE INSERT ON statement_payouts
WHEN (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER statement_payouts_closed_update BEFORE UPDATE ON statement_payouts
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed' OR (SELECT status FROM periods WHERE period = NEW.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;

CREATE TRIGGER statement_payouts_closed_delete BEFORE DELETE ON statement_payouts
WHEN (SELECT status FROM periods WHERE period = OLD.period) = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'settlement period is closed and cannot change');
END;
