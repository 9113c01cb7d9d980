-- FHIR history, version 6: each version's content is stored once. The current version's content
-- lives only in fhir_resource.content; its fhir_resource_version row keeps NULL there until a newer
-- version (or a deletion) supersedes it, when the writer copies the content into that row in the
-- same statement (fhir/index-insert.ts, monitoring/fhir-resource-sink.ts). Readers of a version take
-- COALESCE(version content, current content of the same version) (fhir/resource-reads.ts).
-- Runs unchanged on PGlite (PostgreSQL 18) and PostgreSQL 15+.
UPDATE fhir_resource_version v SET content = NULL
  FROM fhir_resource r
 WHERE r.resource_type = v.resource_type AND r.id = v.id AND r.version_id = v.version_id
   AND v.content IS NOT NULL;
