-- Vitaltwin schema, version 1. Runs unchanged on PGlite (PostgreSQL 18) and PostgreSQL 15+.

-- FHIR resources: the current version of each resource, plus every version in history.
CREATE TABLE fhir_resource (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  -- The patient compartment the resource belongs to (Patient id), for patient-scoped queries.
  patient_id text,
  content jsonb,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX fhir_resource_patient_idx ON fhir_resource (patient_id, resource_type) WHERE patient_id IS NOT NULL;
CREATE INDEX fhir_resource_updated_idx ON fhir_resource (resource_type, last_updated);

CREATE TABLE fhir_resource_version (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  method text NOT NULL,
  content jsonb,
  PRIMARY KEY (resource_type, id, version_id)
);

-- Device time series: one compact row per reading, partitioned by month on `t`.
-- The primary key is also the per-patient series index and suppresses device re-sends.
CREATE TABLE device_reading (
  patient_id text NOT NULL,
  code text NOT NULL,
  t timestamptz NOT NULL,
  value double precision NOT NULL,
  unit text NOT NULL,
  device_id text NOT NULL DEFAULT '',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (patient_id, code, t, device_id)
) PARTITION BY RANGE (t);

-- Alerts raised by the monitoring rules, with their lifecycle.
CREATE TABLE alert (
  id text PRIMARY KEY,
  patient_id text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  dedup_key text NOT NULL,
  title text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  resolved_by text
);
-- At most one unresolved alert per de-duplication key.
CREATE UNIQUE INDEX alert_dedup_open_idx ON alert (dedup_key) WHERE status <> 'resolved';
CREATE INDEX alert_patient_status_idx ON alert (patient_id, status);

-- Audit trail: append-only, each row chained to the previous one by hash.
CREATE TABLE audit_event (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recorded timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entity text,
  patient_id text,
  outcome text NOT NULL,
  source text,
  content jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_event_patient_idx ON audit_event (patient_id, recorded);
