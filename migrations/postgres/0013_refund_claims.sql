-- townpass schema 13 (postgres): a card refund in progress is claimed on its pass first, so that two
-- refunds of one pass asked at once (two operators, a double click) cannot both reach the card
-- provider. A claim older than a few minutes (a crash mid-refund) may be taken over: the provider
-- is then asked for the earlier refund by the pass's number first. Paired with
-- ../sqlite/0013_refund_claims.sql.
ALTER TABLE passes ADD COLUMN refund_claimed_at BIGINT;
