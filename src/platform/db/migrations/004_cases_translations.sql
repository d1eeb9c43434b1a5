-- Cases and translations in the back office.

-- Languages an admin has opened for translation beyond the sections' languages and the
-- languages cases are already written in (any BCP 47 tag).
CREATE TABLE translation_languages (
  language text PRIMARY KEY,
  added_by integer REFERENCES users (id),
  added_at timestamptz NOT NULL DEFAULT now()
);

-- A photo is a set of resized variants sharing one id (cases.photo_id); each variant is
-- found by that id and its width.
ALTER TABLE case_photos ADD COLUMN set_id uuid;
UPDATE case_photos SET set_id = id WHERE set_id IS NULL;
ALTER TABLE case_photos ALTER COLUMN set_id SET NOT NULL;
CREATE UNIQUE INDEX case_photos_set_width ON case_photos (set_id, width);

-- Texts written before the back office have no field states: the source language's fields
-- are approved at revision 1, and public translations are approved translations of revision 1.
-- Optional fields (sample letter, photo text) only get a state where they have a text, or in
-- the source language.
INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision)
SELECT t.case_id, t.language, f.field, 'approved', 1,
       CASE WHEN t.language = c.source_language THEN NULL ELSE 1 END
  FROM case_texts t
  JOIN cases c ON c.id = t.case_id
  CROSS JOIN (VALUES ('title'), ('summary'), ('story'), ('ask'), ('sample_letter'), ('photo_alt')) AS f (field)
 WHERE (t.public OR t.language = c.source_language)
   AND (t.language = c.source_language
        OR f.field IN ('title', 'summary', 'story', 'ask')
        OR (f.field = 'sample_letter' AND t.sample_letter <> '')
        OR (f.field = 'photo_alt' AND t.photo_alt <> ''))
ON CONFLICT DO NOTHING;
