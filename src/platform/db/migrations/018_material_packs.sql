-- Case packs: per section and language, one ZIP of every material of the cases it features.
-- A pack is named by the sha-256 of its manifest (which case, material, language of each part,
-- text revisions, photo, edition texts), so two sections featuring the same cases in the same
-- language share one, and a pack is built once whichever node asks first: the row is claimed
-- with INSERT ... ON CONFLICT before anything is rendered. The ZIP is kept here, so every node
-- serves it.
CREATE TABLE material_packs (
  hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  language text NOT NULL,
  manifest jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('building', 'ready', 'failed')),
  -- The node building it, and since when: a claim older than the build bound is taken over.
  builder text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  built_at timestamptz,
  zip bytea,
  bytes integer,
  CHECK ((state = 'ready') = (zip IS NOT NULL))
);

-- Which pack each section's language is at, and the one before (for "what changed").
CREATE TABLE material_pack_current (
  section_id integer NOT NULL REFERENCES sections (id),
  language text NOT NULL,
  hash text NOT NULL REFERENCES material_packs (hash),
  previous_hash text REFERENCES material_packs (hash),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (section_id, language)
);

-- Who downloaded which pack version, and when (the international team reads it).
CREATE TABLE material_pack_downloads (
  id bigserial PRIMARY KEY,
  section_id integer NOT NULL REFERENCES sections (id),
  language text NOT NULL,
  hash text NOT NULL REFERENCES material_packs (hash),
  user_id integer REFERENCES users (id) ON DELETE SET NULL,
  downloaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX material_pack_downloads_recent ON material_pack_downloads (downloaded_at DESC);
