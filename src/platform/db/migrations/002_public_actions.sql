-- What the public site stores beside the ledger when someone acts on a case page.

-- A petition signature is accepted only with consent; the record proves what was agreed to,
-- when, and under which version of the privacy notice.
CREATE TABLE consents (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL,
  idempotency_key text NOT NULL,
  email text NOT NULL,
  purpose text NOT NULL,
  notice_version text NOT NULL,
  given_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, idempotency_key)
);

-- Solidarity messages wait for moderation before they appear on a case's public wall. The
-- message and its ledger entry share the form's idempotency key, so a repeated submission
-- stores neither twice.
CREATE TABLE solidarity_messages (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL,
  case_id integer NOT NULL,
  idempotency_key text NOT NULL,
  author text NOT NULL CHECK (char_length(author) BETWEEN 1 AND 100),
  country char(2) NOT NULL,
  language text NOT NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 500),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  moderated_at timestamptz,
  UNIQUE (campaign_id, idempotency_key)
);

CREATE INDEX solidarity_wall ON solidarity_messages (case_id, created_at DESC) WHERE status = 'approved';
CREATE INDEX solidarity_queue ON solidarity_messages (created_at) WHERE status = 'pending';
