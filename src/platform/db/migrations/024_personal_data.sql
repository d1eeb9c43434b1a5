-- Personal data under control: look-up, access and erasure by email, and retention.

-- Retention erases a solidarity message's author name once its edition's period is over; the
-- message stays on the wall, signed "a supporter" in the reader's language.
ALTER TABLE solidarity_messages ALTER COLUMN author DROP NOT NULL;

-- "Send me my data" / "delete me" from the public /privacy page: a one-time link by email.
-- The table holds no readable address: the link's token is stored as its SHA-256, the address
-- sealed (XChaCha20-Poly1305) under a key derived from the token, so only the link opens it;
-- the address and the client's address are also kept as digests, to count requests per hour
-- (the rate limit, shared by every node). Rows are deleted a day after they were made.
CREATE TABLE privacy_requests (
  token_hash text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('access', 'erasure')),
  locale text NOT NULL,
  email_sealed text NOT NULL,
  email_digest text NOT NULL,
  address_digest text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX privacy_requests_email ON privacy_requests (email_digest, created_at);
CREATE INDEX privacy_requests_address ON privacy_requests (address_digest, created_at);
CREATE INDEX privacy_requests_created ON privacy_requests (created_at);

-- A person's ledger rows found by their supporter record (look-up, erasure, retention); the
-- other personal rows are found by their email's keyed hash (indexed by migration 023).
-- Partial: most ledger rows (letters, reports) name no supporter and cost nothing here.
CREATE INDEX actions_supporter ON actions (supporter_id) WHERE supporter_id IS NOT NULL;
