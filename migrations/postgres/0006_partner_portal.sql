-- townpass schema 6 (PostgreSQL): the partner portal. Paired with ../sqlite/0006_partner_portal.sql.

-- A key for a partner's own systems (statements and visits over /api/v1), instead of a sales point.
ALTER TABLE api_keys ADD COLUMN partner_id BIGINT REFERENCES partners (id);

-- A partner's visits by venue and time (dashboard, visits table, API).
CREATE INDEX redemptions_venue_time ON redemptions (venue_id, scanned_at);
