-- Login throttling that a stranger cannot turn against the owner (docs/ARCHITECTURE.md, "Logging in").

-- Failed logins counted per client address and per email, for emails without an account too, so
-- that both get the same answers. Keys are SHA-256 hashes: `address:<hash of the address>` and
-- `email:<hash of the normalised email>`. A row is deleted once it has stood unused for a day.
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  -- Counting starts again after 15 minutes without a failure.
  window_ends_at timestamptz NOT NULL,
  -- Attempts before this time are answered 429 without checking a password.
  blocked_until timestamptz
);

-- Browsers an account has logged in from: the known-device cookie holds a random token, this table
-- its hash. Such a browser is not held back by the email's lock nor its address's, only by its own
-- count of failures for that account.
CREATE TABLE login_devices (
  token_hash text NOT NULL,
  user_id integer NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 0,
  window_ends_at timestamptz,
  blocked_until timestamptz,
  PRIMARY KEY (token_hash, user_id)
);
CREATE INDEX login_devices_user ON login_devices (user_id);

-- The account-wide lock is replaced by the table above.
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- Each session has its own CSRF secret, made at login: tokens made before the login, or from a
-- cookie someone planted, are refused once signed in. The app always gives one; the default is
-- for the sessions open at the upgrade (their open pages' forms are refused once).
ALTER TABLE sessions ADD COLUMN csrf_secret text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
