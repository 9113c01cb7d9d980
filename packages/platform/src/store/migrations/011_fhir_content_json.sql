-- FHIR documents kept as the JSON text the writer produced, version 11. Runs unchanged on PGlite
-- (PostgreSQL 18) and PostgreSQL 15+.
--
-- Every read of a document hands it to a client as JSON text. As jsonb it was parsed into the binary
-- form on write and printed back to text on every read, with its keys reordered (shortest first, so
-- resourceType came last and the server parsed and re-serialised each document to put it first).
-- As json the stored text is the text served: the server splices it into responses unparsed.
-- Queries that read inside documents use the operators json shares with jsonb (->, ->>, #>>), and
-- cast to jsonb where they need containment (@>).
--
-- Documents stored before this version are rewritten with resourceType first (what the writer
-- stores; FHIR R4 json.html puts it first), keeping jsonb's order for the other keys. The function
-- stays for writers that build a document with jsonb operators (monitoring/fhir-resource-sink.ts).
CREATE FUNCTION vt_fhir_json_text(doc jsonb) RETURNS json LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN doc IS NULL THEN NULL
    WHEN jsonb_typeof(doc) <> 'object' OR NOT doc ? 'resourceType' THEN doc::json
    WHEN doc - 'resourceType' = '{}'::jsonb THEN ('{"resourceType":' || (doc -> 'resourceType')::text || '}')::json
    ELSE ('{"resourceType":' || (doc -> 'resourceType')::text || ',' || substr((doc - 'resourceType')::text, 2))::json
  END
$$;
ALTER TABLE fhir_resource ALTER COLUMN content TYPE json USING vt_fhir_json_text(content);
ALTER TABLE fhir_resource_version ALTER COLUMN content TYPE json USING vt_fhir_json_text(content);
-- As in version 9: no query filters on a whole document, so no statistics are gathered for it.
ALTER TABLE fhir_resource ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE fhir_resource_version ALTER COLUMN content SET STATISTICS 0;
