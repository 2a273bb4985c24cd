-- townpass schema 1 (SQLite). Paired with ../postgres/0001_catalogue_keys_sales.sql: same tables,
-- same columns, same meaning. Money is integer minor units, times are unix seconds UTC.

-- The catalogue. Each row keeps its whole definition as JSON in `doc` (what `catalog export` writes
-- back); the other columns are what queries join or filter on.
CREATE TABLE operator (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    doc         TEXT NOT NULL
);

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,              -- the number in the token (1 adult, 2 child, ...)
    code        TEXT NOT NULL UNIQUE,
    doc         TEXT NOT NULL
);

CREATE TABLE towns (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    country     TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    doc         TEXT NOT NULL
);

CREATE TABLE partners (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    currency    TEXT NOT NULL,
    doc         TEXT NOT NULL
);

CREATE TABLE venues (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    partner_id  INTEGER NOT NULL REFERENCES partners (id),
    town_id     INTEGER NOT NULL REFERENCES towns (id),
    doc         TEXT NOT NULL
);

CREATE TABLE offers (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    doc         TEXT NOT NULL
);

-- A product version. `id` is the product number signed into passes, so a sold version is never
-- edited: a change to a sold product inserts version + 1 and takes the old one off sale.
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    on_sale     INTEGER NOT NULL DEFAULT 1,       -- 0 or 1
    created_at  INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE product_offers (
    product_id  INTEGER NOT NULL REFERENCES products (id),
    offer_id    INTEGER NOT NULL REFERENCES offers (id),
    PRIMARY KEY (product_id, offer_id)
);

CREATE TABLE product_prices (
    product_id  INTEGER NOT NULL REFERENCES products (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (product_id, category_id)
);

CREATE TABLE sales_points (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    commission_bp INTEGER NOT NULL,
    doc           TEXT NOT NULL
);

-- Issuer keys: public halves only. The private keys live in the key directory (mode 0600).
CREATE TABLE issuer_keys (
    kid           TEXT PRIMARY KEY,                -- 8 hex digits
    public_key    TEXT NOT NULL UNIQUE,            -- 64 hex digits
    status        TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
    created_at    INTEGER NOT NULL,
    retired_at    INTEGER,
    revoked_at    INTEGER,
    revoke_reason TEXT
);

-- Orders: one buyer, one or more passes. Passes exist only once the order is paid.
CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,         -- unguessable, in the order page URL
    email            TEXT,
    language         TEXT NOT NULL DEFAULT 'en',
    status           TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled')),
    channel          TEXT NOT NULL CHECK (channel IN ('web', 'desk', 'api', 'cli')),
    sales_point_id   INTEGER REFERENCES sales_points (id),
    commission_bp    INTEGER NOT NULL DEFAULT 0,   -- the sales point's rate at the time of sale
    currency         TEXT NOT NULL,
    total_minor      INTEGER NOT NULL,
    payment_provider TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    paid_at          INTEGER
);

CREATE TABLE order_lines (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    product_id  INTEGER NOT NULL REFERENCES products (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    holder      TEXT,
    quantity    INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    price_minor INTEGER NOT NULL                 -- each
);
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE passes (
    serial        TEXT PRIMARY KEY,                -- 16 hex digits
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    line_id       INTEGER REFERENCES order_lines (id),
    product_id    INTEGER NOT NULL REFERENCES products (id),
    category_id   INTEGER NOT NULL REFERENCES categories (id),
    holder        TEXT,
    price_minor   INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    kid           TEXT NOT NULL REFERENCES issuer_keys (kid),
    token         TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT
);
CREATE INDEX passes_order ON passes (order_id);
CREATE INDEX passes_kid_expiry ON passes (kid, expires_at);

-- Revoked passes in order, so a scanner bundle can ask for "everything since cursor N".
CREATE TABLE revocations (
    seq         INTEGER PRIMARY KEY,
    serial      TEXT NOT NULL REFERENCES passes (serial),
    reason      TEXT NOT NULL,
    revoked_at  INTEGER NOT NULL
);

-- At most one active issuer key, even with several server instances starting at once.
CREATE UNIQUE INDEX issuer_keys_one_active ON issuer_keys (status) WHERE status = 'active';
