-- Supporters' names and emails are stored sealed under the data key (src/platform/privacy):
-- `*_sealed` columns hold [format][key id][nonce][ciphertext + tag], and `email_key` /
-- `recipient_key` the keyed hash (HMAC-SHA256) of the address as one person, which every look-up
-- and unique constraint uses. The clear-text columns stay until the encryption pass (at start, or
-- `inkwell encrypt`) has sealed their rows and set them to NULL; nothing writes them any more.

-- The look-up key: 32 random bytes per database, sealed under the data key. Rotating the data key
-- re-seals this row, so the hashes never change.
CREATE TABLE privacy_keys (
  purpose text PRIMARY KEY CHECK (purpose = 'lookup'),
  sealed bytea NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE supporters
  ADD COLUMN email_key bytea,
  ADD COLUMN email_sealed bytea,
  ADD COLUMN name_sealed bytea;
-- The batch append's upsert key: one supporter per person.
CREATE UNIQUE INDEX supporters_person ON supporters (email_key);

ALTER TABLE event_rsvps
  ADD COLUMN email_key bytea,
  ADD COLUMN email_sealed bytea,
  ADD COLUMN name_sealed bytea,
  ALTER COLUMN name DROP NOT NULL,
  ALTER COLUMN email DROP NOT NULL;
CREATE UNIQUE INDEX event_rsvps_person ON event_rsvps (event_id, email_key);
-- A person's RSVPs to every event (access and erasure requests).
CREATE INDEX event_rsvps_email_key ON event_rsvps (email_key);

ALTER TABLE solidarity_messages
  ADD COLUMN author_sealed bytea,
  ALTER COLUMN author DROP NOT NULL;

ALTER TABLE outbox
  ADD COLUMN recipient_key bytea,
  ADD COLUMN recipient_sealed bytea,
  ADD COLUMN subject_sealed bytea,
  ADD COLUMN body_sealed bytea,
  ALTER COLUMN recipient DROP NOT NULL,
  ALTER COLUMN subject DROP NOT NULL,
  ALTER COLUMN body DROP NOT NULL;
CREATE INDEX outbox_person ON outbox (recipient_key);

-- The consent ledger. A notice is the exact text a person was shown (its version, in its
-- language), stored once and named by the SHA-256 of version, language and text; each consent
-- points at it, says where it came from, and is withdrawn by setting withdrawn_at (never deleted
-- while the person's data is held: it is the proof of what they agreed to, and when).
CREATE TABLE notices (
  hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  version text NOT NULL,
  language text NOT NULL,
  text text NOT NULL,
  first_shown_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE consents
  ADD COLUMN email_key bytea,
  ADD COLUMN email_sealed bytea,
  ALTER COLUMN email DROP NOT NULL,
  ADD COLUMN notice_hash text REFERENCES notices (hash),
  ADD COLUMN source text NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'api', 'import')),
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN withdrawn_how text CHECK (withdrawn_how ~ '^[a-z][a-z_-]{0,31}$'),
  ADD CONSTRAINT consents_withdrawal CHECK ((withdrawn_at IS NULL) = (withdrawn_how IS NULL));
CREATE INDEX consents_person ON consents (email_key);
