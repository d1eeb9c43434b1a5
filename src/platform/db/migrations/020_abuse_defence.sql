-- Abuse defence (docs/ARCHITECTURE.md, "Limits on actions").

-- What each client address (an IPv4 address, an IPv6 /64) has used of its budgets: per case and
-- in all (case_id 0), per minute (span 60, the burst) and per hour (span 3600, the sustained
-- rate), counted in actions (a batch of 20 letters uses 20). Fixed windows: a row holds the
-- window it counts and starts again when a request arrives in the next one, so the table holds
-- one row per address, case and span, not one per window. Every node shares it: the budget is
-- the same whichever node a request reaches.
--
-- UNLOGGED: the counts are written at the rate actions arrive and are worth nothing after a
-- crash (the windows are an hour at most), so they skip the write-ahead log. A crash of the
-- database server empties the table; the limits then start again from zero.
-- fillfactor leaves room on each page for the in-place (HOT) updates every request makes.
CREATE UNLOGGED TABLE action_budgets (
  address inet NOT NULL,
  case_id integer NOT NULL,
  span integer NOT NULL CHECK (span IN (60, 3600)),
  window_start timestamptz NOT NULL,
  used integer NOT NULL,
  PRIMARY KEY (address, case_id, span)
) WITH (fillfactor = 70);

-- Where each online action came from, written by the ledger's append statement with the
-- action: the client address as the node saw it (behind TRUST_PROXY, the proxy's forwarded one),
-- and the email's domain in lower case when the action came with an email. Narrow on purpose: the
-- ledger stays as it is, and only actions posted by a client have a row (reports, imports,
-- compensations and the demo's history have none). `inet`, so that a network matches with
-- `address <<= '203.0.113.0/24'` (the btree index serves it); the case, edition, quantity and
-- time are copied so that the activity page reads this table alone.
CREATE TABLE action_origins (
  action_id uuid PRIMARY KEY,
  campaign_id integer NOT NULL,
  case_id integer NOT NULL,
  quantity integer NOT NULL,
  recorded_at timestamptz NOT NULL,
  address inet,
  email_domain text CHECK (email_domain = lower(email_domain)),
  CHECK (address IS NOT NULL OR email_domain IS NOT NULL)
);
-- The activity page reads an hour at a time; rows arrive in time order, so a BRIN index is a few
-- pages and costs the inserts next to nothing.
CREATE INDEX action_origins_recorded ON action_origins USING brin (recorded_at);
-- An address's or a network's actions over time (the usual level; an invalidation by network).
CREATE INDEX action_origins_address ON action_origins (address, recorded_at);
CREATE INDEX action_origins_domain ON action_origins (email_domain, recorded_at) WHERE email_domain IS NOT NULL;

-- The secret that signs proof-of-work challenges (HMAC), one per database so every node checks
-- the challenges every other node made, without a setting. As in 016, gen_random_uuid() draws
-- from the server's strong random source; two of them give 244 random bits.
CREATE TABLE challenge_keys (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret text NOT NULL
);
INSERT INTO challenge_keys (secret)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- Solved challenges already used: a solution is accepted once, on whichever node. Kept until the
-- challenge expires (after that its signature is refused anyway), then deleted hourly.
CREATE TABLE challenge_uses (
  signature text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
