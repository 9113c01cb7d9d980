-- Audit rows keep what was recorded, not the FHIR AuditEvent built from it. An AuditEvent is a
-- pure function of the record's fields (toAuditEvent in @vitaltwin/core), so rows written from now
-- on store the three fields the row lacked (role, HTTP status, detail) and leave content NULL; the
-- AuditEvent is built again when the trail is read. A row then takes 235 bytes of the table
-- instead of 1,275 (the AuditEvent's ~1 kB of JSON was most of each row and of its WAL), and its
-- write costs the server less (no jsonb to parse). Rows written before keep their content and are read, and their
-- hashes checked, as before (audit-log.ts: the hashed form follows whether content is present).
ALTER TABLE audit_event
  ADD COLUMN role text,
  ADD COLUMN http_status integer,
  ADD COLUMN detail text,
  ALTER COLUMN content DROP NOT NULL;
