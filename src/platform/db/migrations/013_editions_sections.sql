-- Editions made in the back office: the time zone their dates were entered in, how long reports
-- stay possible after the end, and the texts of editions and sections, translated per language.

ALTER TABLE campaigns
  ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC',
  -- Letters written on paper keep arriving for months: reports for the edition are taken until
  -- ends_at + this many days.
  ADD COLUMN late_report_days integer NOT NULL DEFAULT 90 CHECK (late_report_days BETWEEN 0 AND 3650),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- One row per edition × language × field, with the statuses of case texts. The edition's
-- default language is the source: its title is also campaigns.title (what older readers use).
-- A translation records the source field's revision it was made from; when the source moves
-- on, the translation is outdated (and, being approved, stays public until it is updated).
CREATE TABLE campaign_texts (
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  language text NOT NULL,
  field text NOT NULL CHECK (field IN ('title', 'intro', 'event_kit')),
  text text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'needs_review', 'approved')),
  revision integer NOT NULL DEFAULT 1,
  source_revision integer,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  PRIMARY KEY (campaign_id, language, field)
);

-- The same for a section's own texts; its first language is the source.
CREATE TABLE section_texts (
  section_id integer NOT NULL REFERENCES sections (id),
  language text NOT NULL,
  field text NOT NULL CHECK (field IN ('intro', 'contacts')),
  text text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'needs_review', 'approved')),
  revision integer NOT NULL DEFAULT 1,
  source_revision integer,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  PRIMARY KEY (section_id, language, field)
);
