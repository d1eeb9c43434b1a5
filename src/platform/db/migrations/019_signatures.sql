-- One person, one signature: a petition signature is a row here, unique per edition, case and
-- person. The person is a key computed from the email in one place (personKey,
-- src/platform/person-key.ts), so the rule holds under concurrency and across nodes by this
-- table's unique key, not by reading first. The ledger entry that counts a signature is
-- inserted by the same statement as the row (src/core/ledger/append.ts): a signature is counted
-- exactly when its row says so.

-- An edition may count signatures only once the signer followed a link sent by email.
ALTER TABLE campaigns ADD COLUMN confirm_signatures boolean NOT NULL DEFAULT false;

CREATE TABLE signatures (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  case_id integer NOT NULL REFERENCES cases (id),
  -- Who signed; NULL once withdrawn ("it wasn't me"), which erases the person and lets the
  -- address's owner sign after all.
  person_key text,
  status text NOT NULL CHECK (status IN ('pending', 'counted', 'withdrawn')),
  -- The post's (or API call's) idempotency key: the same post sent again is told apart from a
  -- second signature by the same person.
  idempotency_key text,
  -- Set for a pending signature; one counted at once names its supporter through its action.
  supporter_id uuid,
  -- The ledger entry that counts it, once counted; a withdrawal compensates this entry.
  action_id uuid,
  -- What the ledger entry is made of when a pending signature is confirmed.
  country char(2) NOT NULL,
  channel text NOT NULL,
  section_id integer,
  source text,
  occurred_at timestamptz NOT NULL,
  -- The signer's interface language: the confirmation, the reminder and their pages use it.
  language text NOT NULL,
  signed_at timestamptz NOT NULL DEFAULT now(),
  counted_at timestamptz,
  reminded_at timestamptz,
  withdrawn_at timestamptz,
  -- The person first: a person's signatures are found by it too (erasure, access requests).
  UNIQUE (person_key, campaign_id, case_id),
  -- A withdrawn signature has no person; a standing one loses its person only to an erasure
  -- (an access request, retention), and then stays counted.
  CHECK (status <> 'withdrawn' OR person_key IS NULL),
  CHECK (status <> 'counted' OR action_id IS NOT NULL)
);

-- The office's pending numbers per case, and the reminder's scan.
CREATE INDEX signatures_pending ON signatures (campaign_id, case_id) WHERE status = 'pending';
CREATE INDEX signatures_to_remind ON signatures (signed_at) WHERE status = 'pending' AND reminded_at IS NULL;

-- The links sent for a signature: confirm it, or withdraw it ("it wasn't me"). Only a hash of
-- each random token is kept, so a copy of the database cannot follow them.
CREATE TABLE signature_links (
  hash bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
  signature_id uuid NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('confirm', 'withdraw')),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Confirmation links expire; a withdrawal link works as long as the signature is kept.
  expires_at timestamptz,
  CHECK (purpose = 'withdraw' OR expires_at IS NOT NULL)
);
CREATE INDEX signature_links_signature ON signature_links (signature_id);
