-- Four eyes and word diffs for an edition's and a section's own texts, as case texts have them.
-- edited_by is who last changed a text (updated_by also moves when someone only approves it):
-- with review on, that person may not approve it. The source texts of every revision are kept
-- so a translator sees, word by word, what changed since the revision she translated.
ALTER TABLE campaign_texts ADD COLUMN edited_by integer REFERENCES users (id);
ALTER TABLE section_texts ADD COLUMN edited_by integer REFERENCES users (id);
UPDATE campaign_texts SET edited_by = updated_by;
UPDATE section_texts SET edited_by = updated_by;

CREATE TABLE campaign_source_revisions (
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  field text NOT NULL,
  revision integer NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (campaign_id, field, revision)
);

CREATE TABLE section_source_revisions (
  section_id integer NOT NULL REFERENCES sections (id),
  field text NOT NULL,
  revision integer NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (section_id, field, revision)
);

-- The current source texts are the first revisions kept (older ones were never stored).
INSERT INTO campaign_source_revisions (campaign_id, field, revision, text)
SELECT t.campaign_id, t.field, t.revision, t.text
  FROM campaign_texts t JOIN campaigns c ON c.id = t.campaign_id
 WHERE lower(t.language) = lower(c.default_language);

INSERT INTO section_source_revisions (section_id, field, revision, text)
SELECT t.section_id, t.field, t.revision, t.text
  FROM section_texts t JOIN sections s ON s.id = t.section_id
 WHERE lower(t.language) = lower(s.languages[1]);
