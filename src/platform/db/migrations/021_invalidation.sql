-- Invalidation: taking fraudulent actions back out of the counter, exactly, while actions keep
-- flowing. A job states its criteria and reason; its selection is fixed when it starts (rows in
-- invalidated_actions, claimed under a unique index so no action is taken out twice at once);
-- each selected action gets one compensating ledger entry, keyed invalidate:<job>:<action>, so a
-- job resumed after a crash counts nothing twice. A revert writes revert:<job>:<action>.

-- Address, network and email-domain criteria read action_origins (migration 020: the client
-- address and email domain the append statement records with each action).

CREATE TABLE invalidation_jobs (
  id bigserial PRIMARY KEY,
  -- What to take out, as the office or the CLI stated it (case slug, type, from, to, network,
  -- domain, country); the selection is read from it by one SQL builder (criteria.ts).
  criteria jsonb NOT NULL,
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  state text NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'reverting', 'reverted', 'failed')),
  cancel_requested boolean NOT NULL DEFAULT false,
  -- The preview shown when it was started (actions, quantity), to compare with what it took.
  previewed_actions integer,
  previewed_quantity bigint,
  -- Set when the selection is fixed: how many actions it holds and their quantity.
  selected_actions integer,
  selected_quantity bigint,
  -- Taken out so far (compensations written), and restored by a revert.
  taken_actions integer NOT NULL DEFAULT 0,
  taken_quantity bigint NOT NULL DEFAULT 0,
  restored_actions integer NOT NULL DEFAULT 0,
  restored_quantity bigint NOT NULL DEFAULT 0,
  created_by integer REFERENCES users (id) ON DELETE SET NULL,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  revert_reason text,
  reverted_by_label text,
  revert_requested_at timestamptz,
  reverted_at timestamptz,
  -- The node working on it and until when its lease holds; a node renews it while it works
  -- (the heartbeat), and another node takes over a job whose lease ran out (its node died).
  lease_owner text,
  lease_until timestamptz,
  error text
);
CREATE INDEX invalidation_jobs_open ON invalidation_jobs (id) WHERE state IN ('queued', 'running', 'reverting');

CREATE TABLE invalidated_actions (
  job_id bigint NOT NULL REFERENCES invalidation_jobs (id),
  action_id uuid NOT NULL,
  campaign_id integer NOT NULL,
  quantity integer NOT NULL,
  -- pending: selected, not yet taken out; out: its compensation is in the ledger;
  -- restoring / restored: the revert's entry is being / has been written;
  -- handed: left out at the revert because its solidarity message is rejected meanwhile
  -- (approving the message restores it).
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'out', 'restoring', 'restored', 'handed')),
  compensation_id uuid,
  revert_id uuid,
  PRIMARY KEY (job_id, action_id),
  CHECK ((state = 'pending') = (compensation_id IS NULL))
);
-- An action is held by one job at a time: a second job's selection skips it, and two jobs
-- started at once cannot both take it.
CREATE UNIQUE INDEX invalidated_actions_held ON invalidated_actions (action_id) WHERE state IN ('pending', 'out');
CREATE INDEX invalidated_actions_work ON invalidated_actions (job_id, state, action_id);
CREATE INDEX invalidated_actions_handed ON invalidated_actions (action_id) WHERE state = 'handed';

-- Moderation: how many rejections of a message took it out of the counter (reject:<id>:<n>)
-- and how many approvals put it back (approve:<id>:<n>). It is out while rejections > restorations.
ALTER TABLE solidarity_messages
  ADD COLUMN rejections integer NOT NULL DEFAULT 0,
  ADD COLUMN restorations integer NOT NULL DEFAULT 0,
  ADD CHECK (rejections - restorations BETWEEN 0 AND 1);
