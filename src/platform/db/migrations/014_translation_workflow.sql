-- Everything a supporter reads is translatable, and a translation stays public while it is only
-- outdated.

-- Where solidarity cards go is a text of the case, per language like its story.
ALTER TABLE case_texts ADD COLUMN cards_address text NOT NULL DEFAULT '';
UPDATE case_texts t SET cards_address = c.solidarity_address
  FROM cases c WHERE c.id = t.case_id AND t.language = c.source_language;
ALTER TABLE cases DROP COLUMN solidarity_address;

-- A target's salutation ("Dear Attorney General"), and its title, salutation and address lines in
-- other languages. Its name is not translated.
ALTER TABLE targets ADD COLUMN salutation text NOT NULL DEFAULT '';
CREATE TABLE target_texts (
  target_id integer NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  language text NOT NULL,
  title text NOT NULL DEFAULT '',
  salutation text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  PRIMARY KEY (target_id, language)
);

-- Field states now also cover the new case field and each target's fields (target.<id>.<part>).
ALTER TABLE case_text_fields DROP CONSTRAINT case_text_fields_field_check;
ALTER TABLE case_text_fields ADD CONSTRAINT case_text_fields_field_check CHECK (
  field IN ('title', 'summary', 'story', 'ask', 'sample_letter', 'photo_alt', 'cards_address')
  OR field ~ '^target\.[0-9]{1,9}\.(title|salutation|address)$'
);

-- What the public site shows of a translated field: the text last approved, and the source
-- revision it was translated from. It stays while the source moves on (outdated is not
-- unpublished) and is cleared by a substantial source change. edited_by is who last changed the
-- text: with a review required, someone else must approve it.
ALTER TABLE case_text_fields
  ADD COLUMN published_text text,
  ADD COLUMN published_source_revision integer,
  ADD COLUMN edited_by integer REFERENCES users (id);
UPDATE case_text_fields f
   SET published_text = CASE f.field
         WHEN 'title' THEN t.title WHEN 'summary' THEN t.summary WHEN 'story' THEN t.story
         WHEN 'ask' THEN t.ask WHEN 'sample_letter' THEN t.sample_letter WHEN 'photo_alt' THEN t.photo_alt
       END,
       published_source_revision = f.source_revision
  FROM case_texts t JOIN cases c ON c.id = t.case_id
 WHERE t.case_id = f.case_id AND t.language = f.language AND t.language <> c.source_language
   AND f.status = 'approved';

-- The source text of every revision, so a translator sees exactly what changed since the revision
-- she translated; a substantial revision (a new ask, a release) took the translations of the
-- older revisions off the public site.
CREATE TABLE case_source_revisions (
  case_id integer NOT NULL REFERENCES cases (id),
  field text NOT NULL,
  revision integer NOT NULL,
  text text NOT NULL,
  substantial boolean NOT NULL DEFAULT false,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, field, revision)
);
INSERT INTO case_source_revisions (case_id, field, revision, text)
SELECT f.case_id, f.field, f.revision,
       CASE f.field
         WHEN 'title' THEN t.title WHEN 'summary' THEN t.summary WHEN 'story' THEN t.story
         WHEN 'ask' THEN t.ask WHEN 'sample_letter' THEN t.sample_letter WHEN 'photo_alt' THEN t.photo_alt
       END
  FROM case_text_fields f
  JOIN cases c ON c.id = f.case_id AND c.source_language = f.language
  JOIN case_texts t ON t.case_id = f.case_id AND t.language = f.language
ON CONFLICT DO NOTHING;

-- Four eyes: the languages of a section whose translations someone other than their translator
-- must approve.
ALTER TABLE sections ADD COLUMN review_languages text[] NOT NULL DEFAULT '{}';
