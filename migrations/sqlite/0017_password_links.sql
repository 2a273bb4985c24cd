-- townpass schema 17 (SQLite): set-password links sent by e-mail, for an invitation or a password
-- reset. Paired with ../postgres/0017_password_links.sql.
-- Only the link's SHA-256 is kept here; the link itself waits in the outbox row that sends it
-- and is erased from there once the message is out.
CREATE TABLE password_links (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_by  TEXT                                -- the admin who invited or reset; NULL: the user asked
);
CREATE INDEX password_links_user ON password_links (user_id, created_at);

-- SQLite cannot change a CHECK or NOT NULL in place: the outbox is rebuilt (nothing refers to it).
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('order_passes', 'order_placed', 'password_link')),
    order_id        INTEGER REFERENCES orders (id),
    link_id         INTEGER REFERENCES password_links (id),
    secret          TEXT,
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    sent_at         INTEGER,
    last_error      TEXT,
    CHECK ((kind = 'password_link') = (link_id IS NOT NULL AND order_id IS NULL))
);
INSERT INTO outbox_new (id, kind, order_id, recipient, language, created_at, attempts,
                        next_attempt_at, locked_until, sent_at, last_error)
    SELECT id, kind, order_id, recipient, language, created_at, attempts, next_attempt_at,
           locked_until, sent_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
