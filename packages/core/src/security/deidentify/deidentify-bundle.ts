import { compartmentReferences, patientIdFromReference } from '../patient-compartment.ts';
import type { DeidentificationReport } from './deidentification-report.ts';
import { isObject, pseudonymiseReference } from './deidentify-elements.ts';
import { type DeidentifyOptions, deidentifyResource } from './deidentify-resource.ts';

/**
 * De-identifies a FHIR Bundle (transaction, collection, searchset): every entry's resource, with
 * each resource's dates shifted by its own patient's offset. Patients are found through `urn:uuid:`
 * full URLs as well as `Patient/x` references, so a Synthea transaction bundle keeps consistent
 * dates; a resource that names no patient gets the bundle's only patient, if there is one.
 */
export function deidentifyBundle(
  bundle: Readonly<Record<string, unknown>>,
  options: DeidentifyOptions,
  report: DeidentificationReport,
): Record<string, unknown> {
  const entries = Array.isArray(bundle.entry) ? bundle.entry.filter(isObject) : [];
  const patientByUrl = new Map<string, string>();
  for (const entry of entries) {
    const resource = entry.resource;
    if (isObject(resource) && resource.resourceType === 'Patient' && typeof resource.id === 'string') {
      patientByUrl.set(`Patient/${resource.id}`, resource.id);
      if (typeof entry.fullUrl === 'string') patientByUrl.set(entry.fullUrl, resource.id);
    }
  }
  const onlyPatient = patientByUrl.size > 0 && new Set(patientByUrl.values()).size === 1 ? [...patientByUrl.values()][0] : undefined;
  const patientOf = (resource: Record<string, unknown>): string | undefined => {
    if (resource.resourceType === 'Patient' && typeof resource.id === 'string') return resource.id;
    for (const ref of compartmentReferences(resource)) {
      const id = patientByUrl.get(ref) ?? patientIdFromReference(ref);
      if (id !== undefined) return id;
    }
    return onlyPatient;
  };
  const out: Record<string, unknown> = { resourceType: 'Bundle' };
  if (typeof bundle.type === 'string') out.type = bundle.type;
  if (typeof bundle.total === 'number') out.total = bundle.total;
  out.entry = entries.map((entry) => {
    const e: Record<string, unknown> = {};
    if (typeof entry.fullUrl === 'string') {
      report.reference += 1;
      const url = pseudonymiseReference(entry.fullUrl, options.pseudonymizer);
      if (url !== undefined) e.fullUrl = url;
    }
    if (isObject(entry.resource)) {
      const patientKey = patientOf(entry.resource);
      e.resource = deidentifyResource(entry.resource, patientKey === undefined ? options : { ...options, patientKey }, report);
    }
    if (isObject(entry.request) && typeof entry.request.method === 'string' && typeof entry.request.url === 'string') {
      const url = entry.request.url;
      // "Patient" (create) stays; "Patient/x" and conditional URLs get the pseudonymised form.
      const rewritten = /^[A-Z][A-Za-z]+$/.test(url) ? url : pseudonymiseReference(url, options.pseudonymizer);
      if (rewritten !== undefined) e.request = { method: entry.request.method, url: rewritten };
    }
    if (isObject(entry.search)) e.search = entry.search;
    return e;
  });
  return out;
}
