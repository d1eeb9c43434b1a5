-- RSVPs are confirmed by email before they take a place. A new RSVP is pending: it holds the
-- sha-256 of a one-time link's token and when the link expires, and takes no place. Following
-- the link confirms it (confirmed_at) if a place is free; pending ones that expire are deleted.
-- The RSVPs that existed before were places taken: they count as confirmed.
ALTER TABLE event_rsvps ADD COLUMN confirmed_at timestamptz;
ALTER TABLE event_rsvps ADD COLUMN token_hash text;
ALTER TABLE event_rsvps ADD COLUMN expires_at timestamptz;
UPDATE event_rsvps SET confirmed_at = created_at;
ALTER TABLE event_rsvps ADD CONSTRAINT event_rsvps_pending
  CHECK (confirmed_at IS NOT NULL OR (token_hash IS NOT NULL AND expires_at IS NOT NULL));
CREATE UNIQUE INDEX event_rsvps_token ON event_rsvps (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX event_rsvps_confirmed ON event_rsvps (event_id) WHERE confirmed_at IS NOT NULL;
CREATE INDEX event_rsvps_expiring ON event_rsvps (expires_at) WHERE confirmed_at IS NULL;
