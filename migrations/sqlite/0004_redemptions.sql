-- townpass schema 4 (SQLite): redemptions, as venue devices upload them.
-- Paired with ../postgres/0004_redemptions.sql.

-- One use of a pass at a venue, recorded by a device. A device numbers its redemptions itself
-- (local_id); (device, local_id) is unique, so an upload retried after a crash or a cut connection,
-- even inside another batch, never counts a visit twice. Nothing uploaded is dropped: a conflict
-- (double use, use after validity, revoked pass) is stored with a flag and left out of payouts
-- until the operator reviews it.
CREATE TABLE redemptions (
    id           INTEGER PRIMARY KEY,
    device_id    INTEGER NOT NULL REFERENCES devices (id),
    local_id     INTEGER NOT NULL,
    serial       TEXT NOT NULL,                    -- 16 hex digits; the pass may be unknown here (forged)
    token        TEXT NOT NULL,                    -- as scanned, re-verified by the server
    venue_id     INTEGER NOT NULL REFERENCES venues (id),
    offer_id     INTEGER REFERENCES offers (id),
    scanned_at   INTEGER NOT NULL,                 -- unix ms, the device's clock
    received_at  INTEGER NOT NULL,                 -- unix s, the server's clock
    flag         TEXT,                             -- NULL when clean, else the conflict's code
    flag_detail  TEXT,
    review       TEXT CHECK (review IN ('accepted', 'rejected')),
    UNIQUE (device_id, local_id)
);
CREATE INDEX redemptions_serial ON redemptions (serial, scanned_at);
