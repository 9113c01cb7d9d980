-- Security schema, version 4: people who log in, OAuth2 clients (services and devices), refresh
-- tokens, and an append-only guard on the audit trail. Runs on PGlite (PostgreSQL 18) and 15+.
-- Secrets are never stored: passwords as argon2id hashes (RFC 9106); generated client secrets and
-- refresh tokens (random, 256 bits) as SHA-256 digests.

CREATE TABLE app_user (
  id text PRIMARY KEY,
  username text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'clinician', 'patient', 'researcher', 'device')),
  -- The Patient a `patient` user is (SMART launch context "patient").
  patient_id text,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (role <> 'patient' OR patient_id IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username));

-- OAuth2 confidential clients (RFC 6749 §2.1) for the client_credentials grant. A `device` client
-- is bound to one device id: it may ingest for that device only, over HTTP or MQTT.
CREATE TABLE oauth_client (
  client_id text PRIMARY KEY,
  secret_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'clinician', 'patient', 'researcher', 'device')),
  scope text NOT NULL,
  patient_id text,
  device_id text,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  CHECK (role <> 'device' OR device_id IS NOT NULL),
  CHECK (role <> 'patient' OR patient_id IS NOT NULL)
);
CREATE UNIQUE INDEX oauth_client_device_idx ON oauth_client (device_id) WHERE device_id IS NOT NULL;

-- Refresh tokens rotate on every use; all tokens descending from one login share a family, and the
-- reuse of a spent token revokes the whole family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
CREATE TABLE refresh_token (
  id text PRIMARY KEY,
  family_id text NOT NULL,
  token_hash text NOT NULL,
  user_id text NOT NULL REFERENCES app_user (id),
  scope text NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON refresh_token (user_id);

-- The audit trail only grows: UPDATE, DELETE and TRUNCATE are refused by the database itself.
-- (Whoever owns the table can still drop the trigger; the hash chain then exposes the change.)
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
CREATE INDEX audit_event_actor_idx ON audit_event (actor, recorded);
CREATE INDEX audit_event_recorded_idx ON audit_event (recorded);
