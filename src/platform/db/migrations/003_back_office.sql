-- The back office: accounts, sessions, mail, the audit log, and what staff edit.

-- Emails are stored lower-cased; a person has one account and one role.
CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
  name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('admin', 'coordinator', 'translator', 'organizer')),
  -- NULL until an invitation is accepted or a reset completes.
  password_hash text,
  -- Coordinators run these sections; organizers report for these sections' countries.
  section_ids integer[] NOT NULL DEFAULT '{}',
  -- Translators translate into these languages (BCP 47 tags).
  languages text[] NOT NULL DEFAULT '{}',
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the session token is stored: a copy of this table opens no session.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links sent by email: invitations and password resets.
CREATE TABLE account_tokens (
  token_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  purpose text NOT NULL CHECK (purpose IN ('invite', 'reset')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX account_tokens_user ON account_tokens (user_id);

-- Every email the platform sends is kept here; without SMTP it is only kept here (and logged).
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recipient text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  error text
);

-- Who changed what, when, with the row before and after. Written in the same transaction as
-- the change itself, so there is no change without its record.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id integer,
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_user ON audit_log (user_id, at DESC);

-- Sections: contact details and the cases they feature, per edition.
ALTER TABLE sections
  ADD COLUMN contact_email text,
  ADD COLUMN contact_phone text,
  ADD COLUMN website text,
  ADD COLUMN postal_address text;

CREATE TABLE section_featured_cases (
  section_id integer NOT NULL REFERENCES sections (id),
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  case_id integer NOT NULL REFERENCES cases (id),
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (section_id, campaign_id, case_id)
);

-- Cases: published or not, the language they are written in, where solidarity cards go.
ALTER TABLE cases
  ADD COLUMN published boolean NOT NULL DEFAULT true,
  ADD COLUMN source_language text NOT NULL DEFAULT 'en',
  ADD COLUMN solidarity_address text NOT NULL DEFAULT '',
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A translation shows on the public site once it is public (every field approved, or the
-- source language); photo_alt and sample_letter may be empty (the site has defaults).
ALTER TABLE case_texts
  ADD COLUMN sample_letter text NOT NULL DEFAULT '',
  ADD COLUMN photo_alt text NOT NULL DEFAULT '',
  ADD COLUMN public boolean NOT NULL DEFAULT true;

-- The state of each translatable field in each language. A translation records the source
-- field's revision it was made from; when the source moves on, the translation is outdated.
CREATE TABLE case_text_fields (
  case_id integer NOT NULL REFERENCES cases (id),
  language text NOT NULL,
  field text NOT NULL CHECK (field IN ('title', 'summary', 'story', 'ask', 'sample_letter', 'photo_alt')),
  status text NOT NULL CHECK (status IN ('draft', 'needs_review', 'approved')),
  revision integer NOT NULL DEFAULT 1,
  source_revision integer,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  PRIMARY KEY (case_id, language, field)
);

-- Photos are kept in the database in their resized forms, so every node can serve them.
CREATE TABLE case_photos (
  id uuid PRIMARY KEY,
  case_id integer NOT NULL REFERENCES cases (id),
  width integer NOT NULL,
  height integer NOT NULL,
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_photos_case ON case_photos (case_id);
ALTER TABLE cases ADD COLUMN photo_id uuid;

-- Letter-writing events. Times are stored as instants; the time zone is kept to show them
-- as the organizer entered them.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  organizer_id integer NOT NULL REFERENCES users (id),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  address text NOT NULL,
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  time_zone text NOT NULL,
  capacity integer CHECK (capacity > 0),
  public boolean NOT NULL DEFAULT true,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX events_public ON events (campaign_id, starts_at) WHERE public AND cancelled_at IS NULL;
CREATE INDEX events_organizer ON events (organizer_id);

CREATE TABLE event_rsvps (
  id uuid PRIMARY KEY,
  event_id uuid NOT NULL REFERENCES events (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, email)
);

-- Offline reports: letters written on paper, counted by an organizer or a coordinator. Each
-- report is one ledger entry (idempotency key 'report:<id>'); a correction is a new report
-- with a negative or positive quantity, a reason and the report it corrects.
CREATE TABLE reports (
  id uuid PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  case_id integer NOT NULL REFERENCES cases (id),
  type text NOT NULL,
  country char(2) NOT NULL,
  quantity integer NOT NULL CHECK (quantity <> 0),
  occurred_on date NOT NULL,
  event_id uuid REFERENCES events (id),
  reason text,
  corrects uuid REFERENCES reports (id),
  import_id uuid,
  reported_by integer NOT NULL REFERENCES users (id),
  late boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (quantity > 0 OR reason IS NOT NULL)
);
CREATE INDEX reports_recent ON reports (created_at DESC);
CREATE INDEX reports_event ON reports (event_id);
CREATE INDEX reports_reporter ON reports (reported_by);

-- Moderation: who decided about a solidarity message.
ALTER TABLE solidarity_messages ADD COLUMN moderated_by integer REFERENCES users (id);
