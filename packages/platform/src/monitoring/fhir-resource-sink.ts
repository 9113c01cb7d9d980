import type { Resource } from '@medplum/fhirtypes';
import type { SqlClient } from '../store/sql-client.ts';

/** A FHIR resource with a caller-assigned id. */
export type IdentifiedResource = Resource & { id: string };

/**
 * Where the monitoring runtime writes FHIR resources (score Observations, Subscription status):
 * create-or-update with caller-assigned ids, all in one transaction.
 */
export interface FhirResourceSink {
  upsert(resources: readonly IdentifiedResource[]): Promise<void>;
}

/** The batch-write entry point of the FHIR repository (fhir/fhir-repository.ts `writeTransaction`). */
export interface BatchWritingRepository {
  writeTransaction(ops: readonly { readonly kind: 'update'; readonly resource: IdentifiedResource }[]): Promise<unknown>;
}

/** Writes through the FHIR repository: validated, versioned, and indexed for FHIR search. */
export function repositorySink(repository: BatchWritingRepository): FhirResourceSink {
  return {
    async upsert(resources) {
      if (resources.length === 0) return;
      await repository.writeTransaction(resources.map((resource) => ({ kind: 'update' as const, resource })));
    },
  };
}

/**
 * Writes straight into fhir_resource and fhir_resource_version with the shape the repository
 * uses (meta.versionId and meta.lastUpdated set, one history row per version whose content is
 * kept in fhir_resource while it is current (migration 006), the patient
 * compartment in `patient_id`), in one statement. It neither validates nor maintains the FHIR
 * search-index tables: use it only where no repository is at hand, and prefer `repositorySink`.
 */
export function directSink(db: SqlClient, nowMs: () => number = Date.now): FhirResourceSink {
  return {
    async upsert(resources) {
      if (resources.length === 0) return;
      const lastUpdated = new Date(nowMs()).toISOString();
      await db.query(
        `WITH v AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS v(resource_type, id, patient_id, content)),
         -- The superseded version gets its content into its history row; the current one's lives in
         -- fhir_resource only (migration 006). Both CTEs read the snapshot from before the statement.
         sup AS (
           UPDATE fhir_resource_version h SET content = r.content
             FROM fhir_resource r JOIN v ON r.resource_type = v.resource_type AND r.id = v.id
            WHERE h.resource_type = r.resource_type AND h.id = r.id AND h.version_id = r.version_id AND h.content IS NULL),
         up AS (
           INSERT INTO fhir_resource AS r (resource_type, id, version_id, last_updated, deleted, patient_id, content)
           SELECT resource_type, id, 1, $5::timestamptz, false, patient_id,
                  vt_fhir_json_text(content || jsonb_build_object('meta', coalesce(content->'meta', '{}'::jsonb)
                                                || jsonb_build_object('versionId', '1', 'lastUpdated', $5::text)))
             FROM v
           ON CONFLICT (resource_type, id) DO UPDATE
             SET version_id = r.version_id + 1, last_updated = EXCLUDED.last_updated, deleted = false,
                 patient_id = EXCLUDED.patient_id,
                 -- The proposed row's document (json, migration 011) with the next version number.
                 content = vt_fhir_json_text(EXCLUDED.content::jsonb || jsonb_build_object('meta',
                             (EXCLUDED.content::jsonb->'meta') || jsonb_build_object('versionId', (r.version_id + 1)::text)))
           RETURNING r.resource_type, r.id, r.version_id)
         INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, deleted, method, content)
         SELECT resource_type, id, version_id, $5::timestamptz, false, CASE WHEN version_id = 1 THEN 'POST' ELSE 'PUT' END, NULL
           FROM up`,
        [
          resources.map((r) => r.resourceType),
          resources.map((r) => r.id),
          resources.map(compartmentPatient),
          resources.map((r) => JSON.stringify(r)),
          lastUpdated,
        ],
      );
    },
  };
}

/** The Patient a resource's subject names (`Patient/{id}`), or the Patient itself. */
function compartmentPatient(resource: IdentifiedResource): string | null {
  if (resource.resourceType === 'Patient') return resource.id;
  const subject = (resource as { subject?: { reference?: string } }).subject?.reference;
  const m = subject === undefined ? null : /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(subject);
  return m?.[1] ?? null;
}
