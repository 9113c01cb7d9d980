-- FHIR patient series index, version 10 (fhir/series-index.ts). Runs unchanged on PGlite (PostgreSQL
-- 18) and PostgreSQL 15+.
--
-- One row per patient × coding × date of an Observation: its subject when that is a Patient, each
-- coding of Observation.code, each date of Observation.effective (NULL bounds when it has none).
-- One patient's series of one code is then one range of the search index, in date order, instead of
-- the intersection of three sets each as large as the patient's record (reference, token and date
-- rows). `patient` is the exact id, so no reference check is needed behind it.
CREATE TABLE fhir_series (
  rid bigint NOT NULL,
  key integer NOT NULL,
  patient text COLLATE "C" NOT NULL,
  system text COLLATE "C" NOT NULL,
  code text COLLATE "C" NOT NULL,
  lo timestamptz,
  hi timestamptz
);
CREATE INDEX fhir_series_search_idx ON fhir_series (key, patient, code, hi) INCLUDE (system, lo, rid);
CREATE INDEX fhir_series_rid_idx ON fhir_series (rid);

-- The series' key, as SearchIndexKeys registers it (the patient, code and date branches).
INSERT INTO fhir_search_path (resource_type, expression, index_table)
VALUES ('Observation', 'Observation.subject;Observation.code;Observation.effective', 'series')
ON CONFLICT (resource_type, expression, index_table) DO NOTHING;

-- Backfill: Observations stored before this version get their rows from their single-parameter
-- index rows, as the writer derives them (series-index.ts seriesRows).
WITH k AS (
  SELECT
    (SELECT key FROM fhir_search_path WHERE resource_type = 'Observation' AND index_table = 'series'
        AND expression = 'Observation.subject;Observation.code;Observation.effective') AS series,
    (SELECT key FROM fhir_search_path WHERE resource_type = 'Observation' AND index_table = 'reference'
        AND expression = 'Observation.subject') AS subject,
    (SELECT key FROM fhir_search_path WHERE resource_type = 'Observation' AND index_table = 'token'
        AND expression = 'Observation.code') AS code,
    (SELECT key FROM fhir_search_path WHERE resource_type = 'Observation' AND index_table = 'date'
        AND expression = 'Observation.effective') AS effective),
p AS (
  SELECT DISTINCT r.rid, r.target_id AS patient FROM fhir_reference r, k
   WHERE r.key = k.subject AND r.target_type = 'Patient')
INSERT INTO fhir_series (rid, key, patient, system, code, lo, hi)
SELECT p.rid, k.series, p.patient, t.system, t.code, d.lo, d.hi
  FROM p CROSS JOIN k
  JOIN fhir_token t ON t.rid = p.rid AND t.key = k.code
  LEFT JOIN fhir_date d ON d.rid = p.rid AND d.key = k.effective;
