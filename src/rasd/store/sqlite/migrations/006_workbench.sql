-- The analysts' workbench (issue 14): one token per analyst, so that every correction and
-- review decision names its author; the review state of events; the confidence filter.
--
-- Tokens: only a hash of each token is kept (SHA-256 of the token's text; the tokens are
-- 32 random bytes, so no salt is needed), so a copy of the store gives nobody a token.
-- A revoked token stays listed (revoked_at set) and its name is never given again, so an
-- author's name in the history always means one analyst.
CREATE TABLE analyst_tokens (
    name        TEXT PRIMARY KEY,              -- the author name corrections and reviews carry
    token_hash  TEXT NOT NULL UNIQUE,          -- hex SHA-256 of the token
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    revoked_at  TEXT                           -- NULL while the token works
);

-- Review decisions are rows of `corrections` (field 'review', value "accepted" or "rejected";
-- a rejection also writes field 'rejected'), anchored and resolved like any correction; the
-- override cache keeps the decision in force so that the review queue is a plain filter.
ALTER TABLE event_overrides ADD COLUMN review TEXT;   -- accepted | rejected | NULL (not reviewed)

-- The rows one correction or review request writes share `request` (the id of its first row),
-- so an event's history shows each request as one entry (their created_at may differ by a ms).
ALTER TABLE corrections ADD COLUMN request INTEGER;

-- The review queue and the min_confidence filter read the coder's confidence.
CREATE INDEX events_confidence ON events(confidence, event_id);
