-- The ledger has no foreign keys: their per-row checks doubled the cost of writing a batch.
-- campaign_id and case_id are checked against the in-memory catalog before insert, campaigns
-- and cases are never deleted, and `inkwell verify` reports any row whose campaign or case does
-- not exist.
--
-- This edit was once made inside 001_foundation.sql after 001 had shipped; 001 is back to its
-- shipped content and the edit lives here. Databases made from the shipped 001 have the two
-- foreign keys and lose them here; databases made while 001 carried the edit never had them,
-- and this changes nothing there. The keys are found by what they are, not by their name.
DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN
    SELECT c.conname
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.conrelid = 'actions'::regclass
       AND c.contype = 'f'
       AND c.confrelid IN ('campaigns'::regclass, 'cases'::regclass)
       AND a.attname IN ('campaign_id', 'case_id')
  LOOP
    EXECUTE format('ALTER TABLE actions DROP CONSTRAINT IF EXISTS %I', fk.conname);
  END LOOP;
END
$$;
