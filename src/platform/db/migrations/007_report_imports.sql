-- Offline report imports between preview and confirmation. The uploaded CSV is kept here,
-- owned by the person who uploaded it, until it is confirmed or expires; a confirmed import
-- keeps its row (without the file) so that a second confirm finds it done and imports nothing.
CREATE TABLE report_imports (
  id uuid PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  campaign_id integer NOT NULL REFERENCES campaigns (id),
  content text,
  row_count integer NOT NULL CHECK (row_count > 0),
  quantity bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz
);
CREATE INDEX report_imports_pending ON report_imports (expires_at) WHERE confirmed_at IS NULL;

ALTER TABLE reports ADD CONSTRAINT reports_import FOREIGN KEY (import_id) REFERENCES report_imports (id);
-- The corrections of a report are summed to keep it from going below zero.
CREATE INDEX reports_corrects ON reports (corrects) WHERE corrects IS NOT NULL;
