-- townpass schema 14 (postgres): partners paid in their own currency. The operator records an
-- exchange rate per month and currency pair (`townpass rates set`, the admin page, a rates file);
-- closing a month converts each statement in another currency than the partner's payout currency
-- at that rate and stores the conversion with it. Rates of a closed month never change.
-- Paired with ../sqlite/0014_exchange_rates.sql.
CREATE TABLE exchange_rates (
    period  TEXT NOT NULL,
    base    TEXT NOT NULL,
    quote   TEXT NOT NULL,
    rate    TEXT NOT NULL,
    source  TEXT NOT NULL,
    set_at  BIGINT NOT NULL,
    set_by  TEXT NOT NULL,
    PRIMARY KEY (period, base, quote)
);

CREATE TABLE statement_payouts (
    period          TEXT NOT NULL REFERENCES periods (period),
    party           TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL,
    payout_currency TEXT NOT NULL,
    pair            TEXT NOT NULL,
    rate            TEXT NOT NULL,
    source          TEXT NOT NULL,
    payout_minor    BIGINT NOT NULL,
    PRIMARY KEY (period, party, currency)
);

-- (Migration 9 gave townpass_refuse_closed_new/old a run column these tables do not have.)
CREATE FUNCTION townpass_refuse_closed_month_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN periods p ON p.period = n.period WHERE p.status = 'closed') THEN
        RAISE EXCEPTION 'settlement period is closed and cannot change';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION townpass_refuse_closed_month_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN periods p ON p.period = o.period WHERE p.status = 'closed') THEN
        RAISE EXCEPTION 'settlement period is closed and cannot change';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER exchange_rates_closed_insert AFTER INSERT ON exchange_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_new();
CREATE TRIGGER exchange_rates_closed_update_new AFTER UPDATE ON exchange_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_new();
CREATE TRIGGER exchange_rates_closed_update_old AFTER UPDATE ON exchange_rates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_old();
CREATE TRIGGER exchange_rates_closed_delete AFTER DELETE ON exchange_rates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_old();
CREATE TRIGGER statement_payouts_closed_insert AFTER INSERT ON statement_payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_new();
CREATE TRIGGER statement_payouts_closed_update_new AFTER UPDATE ON statement_payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_new();
CREATE TRIGGER statement_payouts_closed_update_old AFTER UPDATE ON statement_payouts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_old();
CREATE TRIGGER statement_payouts_closed_delete AFTER DELETE ON statement_payouts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION townpass_refuse_closed_month_old();
