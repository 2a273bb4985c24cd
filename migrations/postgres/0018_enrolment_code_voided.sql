-- townpass schema 18 (PostgreSQL): a device has one valid enrolment code, the newest. Making a new code,
-- enrolling with one, or disabling the device voids the device's other unused codes, so a lost code
-- stops working and cannot enrol a device that knocks the real one offline.
-- Paired with ../sqlite/0018_enrolment_code_voided.sql.
ALTER TABLE enrolment_codes ADD COLUMN voided_at BIGINT;
