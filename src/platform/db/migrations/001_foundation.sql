-- The foundation: editions, sections, cases, the action ledger and its hourly rollups.

CREATE TABLE campaigns (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  goal bigint NOT NULL CHECK (goal >= 0),
  previous_id integer REFERENCES campaigns (id),
  default_language text NOT NULL DEFAULT 'en',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);

CREATE TABLE sections (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  country char(2) NOT NULL UNIQUE CHECK (country ~ '^[A-Z]{2}$'),
  name text NOT NULL,
  languages text[] NOT NULL CHECK (cardinality(languages) > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE section_goals (
  section_id integer NOT NULL REFERENCES sections (id),
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  goal bigint NOT NULL CHECK (goal >= 0),
  PRIMARY KEY (section_id, campaign_id)
);

-- A case may be featured in several editions, so it is not owned by one.
CREATE TABLE cases (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaign_cases (
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  case_id integer NOT NULL REFERENCES cases (id),
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, case_id)
);

CREATE TABLE case_texts (
  case_id integer NOT NULL REFERENCES cases (id),
  language text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL,
  story text NOT NULL,
  ask text NOT NULL,
  PRIMARY KEY (case_id, language)
);

CREATE TABLE targets (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id integer NOT NULL REFERENCES cases (id),
  position integer NOT NULL DEFAULT 0,
  name text NOT NULL,
  title text NOT NULL,
  postal_address text NOT NULL,
  email text
);

CREATE TABLE supporters (
  id uuid PRIMARY KEY,
  email text UNIQUE,
  name text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The ledger. Rows are only ever inserted; a correction is a new row with a negative
-- quantity and a reason. campaign_id and case_id are checked against the in-memory
-- catalog before insert; the foreign keys keep the ledger honest if that ever fails.
CREATE TABLE actions (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  case_id integer NOT NULL REFERENCES cases (id),
  type text NOT NULL CHECK (type IN ('letter', 'solidarity', 'petition', 'email', 'sms', 'social')),
  quantity integer NOT NULL CHECK (quantity <> 0),
  country char(2) NOT NULL,
  channel text NOT NULL,
  section_id integer,
  supporter_id uuid,
  reporter text,
  reason text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  idempotency_key text,
  CHECK (quantity > 0 OR reason IS NOT NULL)
);

CREATE UNIQUE INDEX actions_idempotency ON actions (campaign_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- campaign × country × case × type × hour → count; written in the same transaction as the
-- ledger rows, one upsert per distinct key per batch.
CREATE TABLE rollups (
  campaign_id integer NOT NULL,
  country char(2) NOT NULL,
  case_id integer NOT NULL,
  type text NOT NULL,
  hour timestamptz NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (campaign_id, country, case_id, type, hour)
);

-- Each writer (a node, a seeding run) numbers its committed batches 1, 2, 3…; a node that
-- reads the rollups also reads these numbers in the same snapshot, so it knows which
-- announced batches the snapshot already holds.
CREATE TABLE counter_origins (
  origin text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now()
);
