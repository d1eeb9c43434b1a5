-- Translation exchange (XLIFF and PO files).
--
-- Interface messages imported in the back office: a running deployment cannot write into its
-- source tree, and every node must show the same words, so an imported message overrides the
-- shipped catalog's from here (read with the catalog, reloaded on every catalog announcement).
CREATE TABLE message_overrides (
  locale text NOT NULL,
  key text NOT NULL,
  message text NOT NULL,
  updated_by integer REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (locale, key)
);

-- The key that signs exported files (HMAC-SHA256), so an import can tell a file whose units,
-- source texts or revisions were changed outside the target texts. One per database: every
-- node shares it without a setting. gen_random_uuid() draws from the server's strong random
-- source; two of them give 244 random bits.
CREATE TABLE exchange_keys (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret text NOT NULL
);
INSERT INTO exchange_keys (secret)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
