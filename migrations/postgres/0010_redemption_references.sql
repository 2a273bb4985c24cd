-- townpass schema 10 (PostgreSQL): redemptions name their device, venue and offer without a
-- foreign-key check per row. Paired with ../sqlite/0010_redemption_references.sql.
--
-- Checked row by row (a lookup and a row lock on the device, venue and offer for every visit),
-- the three foreign keys took more than half of storing an upload: 18 ms of 33 ms per 1,000
-- visits, measured here. An upload reads its device, venue and offers in its own transaction,
-- and none of these rows is ever deleted; a trigger now refuses any DELETE of them, so no
-- redemption can name a row that does not exist, which is what the foreign keys guaranteed.
ALTER TABLE redemptions DROP CONSTRAINT IF EXISTS redemptions_device_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT IF EXISTS redemptions_venue_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT IF EXISTS redemptions_offer_id_fkey;

CREATE FUNCTION townpass_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are never deleted: redemptions name them (disable or retire instead)',
        TG_TABLE_NAME;
END $$;
CREATE TRIGGER devices_never_deleted BEFORE DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION townpass_never_deleted();
CREATE TRIGGER venues_never_deleted BEFORE DELETE ON venues
    FOR EACH ROW EXECUTE FUNCTION townpass_never_deleted();
CREATE TRIGGER offers_never_deleted BEFORE DELETE ON offers
    FOR EACH ROW EXECUTE FUNCTION townpass_never_deleted();

-- A redemption whose token is byte for byte the one the server issued stores '' as its token:
-- the pass's own token is that text, and passes are never deleted either.
CREATE TRIGGER passes_never_deleted BEFORE DELETE ON passes
    FOR EACH ROW EXECUTE FUNCTION townpass_never_deleted();
