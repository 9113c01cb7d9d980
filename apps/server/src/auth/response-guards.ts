import {
  type DeidentificationReport,
  deidentifyResource,
  emptyReport,
  inPatientCompartment,
  isCompartmentType,
  type Pseudonymizer,
  patientsOf,
  pseudonymiseReference,
} from '@vitaltwin/core';

/**
 * Last checks on FHIR responses before they leave the server, independent of how the route built
 * them: de-identification for de-identified subjects (researchers), and, for patient tokens,
 * removal of anything outside the patient's own compartment (defence in depth behind the query
 * rewrite done before the handler).
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function deidentifyOne(resource: Json, pseudonymizer: Pseudonymizer, referenceYear: number, report: DeidentificationReport): Json {
  if (resource.resourceType === 'OperationOutcome') return resource;
  const patientKey = patientsOf(resource)[0];
  return deidentifyResource(
    resource,
    patientKey === undefined ? { pseudonymizer, referenceYear } : { pseudonymizer, referenceYear, patientKey },
    report,
  );
}

function deidentifyJson(value: Json, pseudonymizer: Pseudonymizer, referenceYear: number): Json {
  const report = emptyReport();
  if (value.resourceType !== 'Bundle') return deidentifyOne(value, pseudonymizer, referenceYear, report);
  const entries = Array.isArray(value.entry) ? value.entry.filter(isObject) : [];
  return {
    resourceType: 'Bundle',
    ...(typeof value.type === 'string' ? { type: value.type } : {}),
    ...(typeof value.total === 'number' ? { total: value.total } : {}),
    ...(Array.isArray(value.link) ? { link: value.link } : {}),
    entry: entries.map((e) => ({
      ...(typeof e.fullUrl === 'string' ? { fullUrl: pseudonymiseReference(e.fullUrl, pseudonymizer) } : {}),
      ...(isObject(e.resource) ? { resource: deidentifyOne(e.resource, pseudonymizer, referenceYear, report) } : {}),
      ...(isObject(e.search) ? { search: e.search } : {}),
    })),
  };
}

/** De-identifies a JSON or NDJSON FHIR payload; undefined when it cannot (not FHIR JSON: fail closed). */
export function deidentifyPayload(
  text: string,
  contentType: string,
  pseudonymizer: Pseudonymizer,
  referenceYear: number,
): string | undefined {
  try {
    if (contentType.includes('ndjson')) {
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.stringify(deidentifyJson(JSON.parse(line) as Json, pseudonymizer, referenceYear)))
        .join('\n')
        .concat('\n');
    }
    if (!contentType.includes('json')) return undefined;
    const value = JSON.parse(text) as unknown;
    // A Bulk Data status manifest lists output file URLs and counts only, no patient data
    // (FHIR Bulk Data Access IG, "Response - Complete Status"): it passes unchanged.
    if (isBulkDataManifest(value)) return text;
    return isObject(value) && typeof value.resourceType === 'string'
      ? JSON.stringify(deidentifyJson(value, pseudonymizer, referenceYear))
      : undefined;
  } catch {
    return undefined;
  }
}

function isBulkDataManifest(value: unknown): boolean {
  return (
    isObject(value) &&
    value.resourceType === undefined &&
    typeof value.transactionTime === 'string' &&
    Array.isArray(value.output) &&
    value.output.every((o) => isObject(o) && typeof o.type === 'string' && typeof o.url === 'string')
  );
}

function visibleTo(resource: unknown, patientId: string): boolean {
  if (!isObject(resource) || typeof resource.resourceType !== 'string') return true;
  if (resource.resourceType === 'OperationOutcome' || !isCompartmentType(resource.resourceType)) return true;
  return inPatientCompartment(resource, patientId);
}

/**
 * Keeps only what the patient may see. A single resource of another patient becomes 'not-found';
 * foreign entries are dropped from a Bundle (and counted, so the caller can log the routing gap).
 */
export function compartmentFilterPayload(
  text: string,
  contentType: string,
  patientId: string,
): { text: string; dropped: number } | 'not-found' | undefined {
  if (!contentType.includes('json') || contentType.includes('ndjson')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return { text, dropped: 0 };
  if (value.resourceType !== 'Bundle') return visibleTo(value, patientId) ? { text, dropped: 0 } : 'not-found';
  const entries = Array.isArray(value.entry) ? value.entry : [];
  const kept = entries.filter((e) => !isObject(e) || visibleTo(e.resource, patientId));
  if (kept.length === entries.length) return { text, dropped: 0 };
  return { text: JSON.stringify({ ...value, entry: kept }), dropped: entries.length - kept.length };
}

/** The first patient a FHIR JSON payload references (for the audit record), without parsing it. */
export function patientInPayload(text: string): string | undefined {
  const m = /"reference"\s*:\s*"(?:[^"]*\/)?Patient\/([A-Za-z0-9\-.]{1,64})"/.exec(text.length > 262_144 ? text.slice(0, 262_144) : text);
  if (m) return m[1];
  const own = /^\{\s*"resourceType"\s*:\s*"Patient"\s*,\s*"id"\s*:\s*"([A-Za-z0-9\-.]{1,64})"/.exec(text);
  return own?.[1];
}
