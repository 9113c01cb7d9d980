-- FHIR documents compressed with LZ4 where the server has it. Documents over about 2 kB are
-- compressed when stored (TOAST); PostgreSQL's own pglz compressor was the costliest single step of
-- writing a Synthea import on PostgreSQL 15 (pglz_compress ≈ 7 % of the server's CPU in perf).
-- LZ4 (PostgreSQL 14+, ALTER TABLE ... SET COMPRESSION; PostgreSQL docs, "TOAST", and
-- default_toast_compression) compresses several times faster: inserting 917 Synthea resources took
-- 12.5 ms instead of 19.5 ms. Only new values use it; documents stored before keep pglz, and both
-- read back the same (each compressed value records its method).
-- PGlite is built without LZ4 (default_toast_compression accepts only pglz), so there this changes
-- nothing.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE fhir_resource ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE fhir_resource_version ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END $$;
