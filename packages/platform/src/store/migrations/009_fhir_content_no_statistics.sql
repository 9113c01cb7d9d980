-- FHIR documents without planner statistics. No query filters on the value of a whole document
-- (search conditions use the index tables and the id / last_updated columns), so statistics on
-- `content` are never used, yet ANALYZE detoasted and compared every sampled document to build
-- them: about half of ANALYZE fhir_resource's time after a bulk import. A statistics target of 0
-- leaves the column out of ANALYZE (PostgreSQL docs, ALTER TABLE ... SET STATISTICS).
-- Runs unchanged on PGlite (PostgreSQL 18) and PostgreSQL 15+.
ALTER TABLE fhir_resource ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE fhir_resource_version ALTER COLUMN content SET STATISTICS 0;
