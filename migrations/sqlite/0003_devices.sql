-- townpass schema 3 (SQLite): venue devices and their one-time enrolment codes.
-- Paired with ../postgres/0003_devices.sql.

-- A scanner at a venue. It gets its Ed25519 public key at enrolment; uploads carry a per-device
-- sequence number, stored idempotently on (device, sequence).
CREATE TABLE devices (
    id              INTEGER PRIMARY KEY,
    venue_id        INTEGER NOT NULL REFERENCES venues (id),
    name            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    public_key      TEXT UNIQUE,                   -- 64 hex digits, set at enrolment
    created_at      INTEGER NOT NULL,
    enrolled_at     INTEGER,
    last_seen_at    INTEGER,
    clock_offset_ms INTEGER,                       -- device clock minus server clock, at the last sync
    UNIQUE (venue_id, name)
);

-- One-time codes the operator hands to venue staff ("7JAK-TTAY-UEKS"); only a hash is stored.
CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
