-- A case page form sent without scripts carries no idempotency key (the page is the same for
-- everyone, so it holds none): the server recognises the same form sent again by the same
-- client within a short window (docs/ARCHITECTURE.md, "Double submits").

-- fingerprint: SHA-256 of the client (address, browser), the form, its case and edition and the
-- values sent. idempotency_key: a random key minted for the first post, used in the ledger (and
-- for the consent or message beside it) by every post with this fingerprint until the window
-- from first_at ends. Rows are deleted once their window is over (hourly).
CREATE TABLE form_submissions (
  fingerprint text PRIMARY KEY,
  idempotency_key text NOT NULL,
  first_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_first_at ON form_submissions (first_at);
