-- townpass schema 19 (SQLite): when a device was replaced by a new enrolment. A replaced device
-- is disabled (no more bundles: it is no gate any more) but may still hand in the visits it
-- scanned before, so nothing a replaced scanner recorded is lost; disabling a device (lost,
-- stolen) clears this and cuts it off entirely.
-- Paired with ../postgres/0019_device_replaced_at.sql.
ALTER TABLE devices ADD COLUMN replaced_at BIGINT;
