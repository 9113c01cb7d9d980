-- Alert lifecycle, version 5: the state the core reducer (packages/core alerts/alert-lifecycle.ts)
-- needs beyond migration 001's columns, and a revision for optimistic concurrency, so that a rule
-- update and a clinician's acknowledgement racing on the same alert never overwrite each other.
-- Runs on PGlite (PostgreSQL 18) and PostgreSQL 15+. The new columns accept NULL so rows written
-- with migration 001's columns only stay valid: a NULL peak severity reads as `severity`, a NULL
-- last firing as `updated_at` (monitoring/alert-record.ts).
ALTER TABLE alert ADD COLUMN peak_severity text;
ALTER TABLE alert ADD COLUMN device_id text;
ALTER TABLE alert ADD COLUMN last_fired_at timestamptz;
ALTER TABLE alert ADD COLUMN occurrences integer NOT NULL DEFAULT 1;
ALTER TABLE alert ADD COLUMN escalations integer NOT NULL DEFAULT 0;
ALTER TABLE alert ADD COLUMN resolution text CHECK (resolution IN ('manual', 'condition-cleared'));
ALTER TABLE alert ADD COLUMN acknowledge_note text;
ALTER TABLE alert ADD COLUMN resolve_note text;
-- Bumped by every write; writers update only the revision they read (compare-and-set).
ALTER TABLE alert ADD COLUMN revision integer NOT NULL DEFAULT 1;
-- Wall-clock time of the last write (updated_at is the data time the reducer tracks), for `since` polling.
ALTER TABLE alert ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX alert_opened_idx ON alert (opened_at DESC, id DESC);
CREATE INDEX alert_changed_idx ON alert (changed_at);
