-- Device ingest: messages and samples that were not stored, with the reason, so nothing is lost
-- silently. One row per rejected message (sample_index NULL: invalid JSON, unknown device, ...) or
-- per rejected sample (sample_index = its position in the message: unknown code, wrong unit,
-- implausible value). `payload` is the raw message text for message-level rows and the sample's
-- JSON for sample-level rows.
CREATE TABLE dead_letter (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at timestamptz NOT NULL,
  transport text NOT NULL CHECK (transport IN ('mqtt', 'http')),
  topic text,
  device_id text,
  reason text NOT NULL,
  detail text NOT NULL,
  sample_index integer,
  payload text NOT NULL
);
CREATE INDEX dead_letter_reason_idx ON dead_letter (reason, id);
CREATE INDEX dead_letter_device_idx ON dead_letter (device_id, id);
