-- townpass schema 2 (SQLite): people who log in, their sessions, API keys, and the e-mail outbox.
-- Paired with ../postgres/0002_users_sessions_outbox.sql.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,           -- stored lower-case
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,                  -- argon2id PHC string
    role           TEXT NOT NULL CHECK (role IN ('admin', 'desk', 'partner')),
    sales_point_id INTEGER REFERENCES sales_points (id),   -- desk users
    partner_id     INTEGER REFERENCES partners (id),       -- partner users
    created_at     INTEGER NOT NULL,
    disabled_at    INTEGER
);

-- A session cookie holds a random token; only its SHA-256 is stored, so a database leak does not
-- leak sessions. The CSRF token is per session.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per e-mail and per client address, for rate limiting across instances.
CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,                     -- 'email:...' or 'ip:...'
    at          INTEGER NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- API keys for sales points' systems: "tp_<prefix>_<secret>"; only the secret's SHA-256 is stored.
CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY,
    prefix         TEXT NOT NULL UNIQUE,
    secret_hash    TEXT NOT NULL,
    name           TEXT NOT NULL,
    sales_point_id INTEGER REFERENCES sales_points (id),
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);

-- Mail to send. The worker claims a row, renders and sends it, and on failure retries with
-- backoff; an SMTP outage delays mail and never loses it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('order_passes')),
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- Who marked an order paid (desk user), and the pass revocation's author.
ALTER TABLE orders ADD COLUMN paid_by INTEGER REFERENCES users (id);
ALTER TABLE revocations ADD COLUMN revoked_by TEXT;
