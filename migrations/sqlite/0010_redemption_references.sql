-- townpass schema 10 (SQLite): devices, venues, offers and passes are never deleted, because redemptions
-- name them. Paired with ../postgres/0010_redemption_references.sql, which drops PostgreSQL's
-- per-row foreign-key checks on redemptions for the same guarantee at no cost per row. SQLite
-- keeps its foreign keys (checked in-process, they cost little); the triggers make the rule the
-- same on both databases.
CREATE TRIGGER devices_never_deleted BEFORE DELETE ON devices
BEGIN SELECT RAISE(ABORT, 'devices are never deleted: redemptions name them (disable instead)'); END;
CREATE TRIGGER venues_never_deleted BEFORE DELETE ON venues
BEGIN SELECT RAISE(ABORT, 'venues are never deleted: redemptions name them'); END;
CREATE TRIGGER offers_never_deleted BEFORE DELETE ON offers
BEGIN SELECT RAISE(ABORT, 'offers are never deleted: redemptions name them'); END;

-- A redemption whose token is byte for byte the one the server issued stores '' as its token:
-- the pass's own token is that text, and passes are never deleted either.
CREATE TRIGGER passes_never_deleted BEFORE DELETE ON passes
BEGIN SELECT RAISE(ABORT, 'passes are never deleted: redemptions name them (revoke instead)'); END;
