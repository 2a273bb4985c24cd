-- townpass schema 8 (sqlite): one order for everything that changes what is known of a pass's use.
-- Paired with ../postgres/0008_pass_state_order.sql.
--
-- Every transaction that stores redemptions, sets a flag, reviews one, or revokes or refunds a pass
-- first updates this one row: such writers take turns (on PostgreSQL as on SQLite, whose single
-- writer does it anyway). So ids of redemptions, revocations and pass changes are handed out in
-- commit order, and a device paging "everything after id N" never skips a row that commits later;
-- and two uploads of one pass are judged one after the other, each seeing the other's visit.
CREATE TABLE pass_state_lock (
    name   TEXT PRIMARY KEY,
    turns  BIGINT NOT NULL
);
INSERT INTO pass_state_lock (name, turns) VALUES ('pass_state', 0);

-- Changes to a pass that settlement must see besides new visits (whose ids are commit-ordered
-- already): a stored visit flagged later (an earlier scan of the pass arrived), a flag reviewed,
-- a revocation or refund. A month records the last visit id and change seq it read; what comes
-- after is corrected in a later month, so a change committed while a month closes lands in exactly
-- one month, whatever the clocks said.
CREATE TABLE pass_changes (
    seq     INTEGER PRIMARY KEY,
    serial  TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('flagged', 'reviewed', 'revoked')),
    at      BIGINT NOT NULL              -- unix s
);
CREATE INDEX pass_changes_serial ON pass_changes (serial, seq);

ALTER TABLE periods ADD COLUMN read_redemption_id BIGINT;
ALTER TABLE periods ADD COLUMN read_change_seq BIGINT;
