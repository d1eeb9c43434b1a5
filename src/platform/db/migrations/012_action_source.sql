-- Which share link brought an action (?source=whatsapp on the case page), from a fixed list in
-- src/features/sharing/sources.ts; NULL when the visitor came another way. Never personal data.
-- `channel` keeps saying how the action entered (web, report, import); a source is orthogonal to it.
ALTER TABLE actions ADD COLUMN source text CHECK (source ~ '^[a-z]{1,16}$');

-- The dashboard's "actions by source" reads only these rows, from the index alone.
CREATE INDEX actions_source ON actions (campaign_id, source) INCLUDE (quantity) WHERE source IS NOT NULL;
