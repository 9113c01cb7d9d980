import type { FhirBundle, FhirResource } from '../api/api-types.ts';

/**
 * The record panel's content from FHIR R4 resources: demographics from Patient, problems from
 * Condition (active first, then by onset, newest first) and medicines from MedicationRequest
 * (active first, then by authoredOn, newest first). Display text follows FHIR's CodeableConcept
 * rules: `text`, else the first coding's display, else its code.
 */
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Demographics {
  readonly id: string;
  readonly name: string;
  readonly gender: string | null;
  readonly birthDate: string | null;
  readonly identifiers: readonly { readonly system: string; readonly value: string }[];
  readonly deceased: boolean;
}

export interface RecordItem {
  readonly id: string;
  readonly text: string;
  readonly status: string | null;
  readonly active: boolean;
  readonly date: string | null;
}

export function conceptText(concept: unknown): string | null {
  if (!isObj(concept)) return null;
  if (typeof concept['text'] === 'string' && concept['text'].trim() !== '') return concept['text'];
  const codings = Array.isArray(concept['coding']) ? concept['coding'].filter(isObj) : [];
  for (const c of codings) if (typeof c['display'] === 'string' && c['display'] !== '') return c['display'];
  const first = codings[0];
  return first && typeof first['code'] === 'string' ? first['code'] : null;
}

export function humanName(patient: Json): string {
  const names = Array.isArray(patient['name']) ? patient['name'].filter(isObj) : [];
  const name = names.find((n) => n['use'] === 'official') ?? names[0];
  if (name === undefined) return String(patient['id'] ?? 'Unnamed patient');
  if (typeof name['text'] === 'string' && name['text'].trim() !== '') return name['text'];
  const given = Array.isArray(name['given']) ? name['given'].filter((g) => typeof g === 'string').join(' ') : '';
  const family = typeof name['family'] === 'string' ? name['family'] : '';
  return `${given} ${family}`.trim() || String(patient['id'] ?? 'Unnamed patient');
}

export function demographics(patient: FhirResource): Demographics {
  const identifiers = (Array.isArray(patient['identifier']) ? patient['identifier'].filter(isObj) : []).flatMap((i) =>
    typeof i['value'] === 'string' ? [{ system: typeof i['system'] === 'string' ? i['system'] : '', value: i['value'] }] : [],
  );
  return {
    id: patient.id ?? '',
    name: humanName(patient as Json),
    gender: typeof patient['gender'] === 'string' ? patient['gender'] : null,
    birthDate: typeof patient['birthDate'] === 'string' ? patient['birthDate'] : null,
    identifiers,
    deceased: patient['deceasedBoolean'] === true || typeof patient['deceasedDateTime'] === 'string',
  };
}

function resources(bundle: FhirBundle | undefined, type: string): FhirResource[] {
  return (bundle?.entry ?? []).flatMap((e) => (e.resource && e.resource.resourceType === type ? [e.resource] : []));
}

const byActiveThenDate = (a: RecordItem, b: RecordItem) =>
  Number(b.active) - Number(a.active) || (b.date ?? '').localeCompare(a.date ?? '') || a.text.localeCompare(b.text);

export function conditions(bundle: FhirBundle | undefined): RecordItem[] {
  return resources(bundle, 'Condition')
    .map((c) => {
      const status = conceptText(c['clinicalStatus']);
      const onset =
        typeof c['onsetDateTime'] === 'string' ? c['onsetDateTime'] : typeof c['recordedDate'] === 'string' ? c['recordedDate'] : null;
      return {
        id: c.id ?? '',
        text: conceptText(c['code']) ?? 'Unnamed condition',
        status,
        active: status === null || ['active', 'recurrence', 'relapse'].includes(status),
        date: onset,
      };
    })
    .sort(byActiveThenDate);
}

export function medications(bundle: FhirBundle | undefined): RecordItem[] {
  return resources(bundle, 'MedicationRequest')
    .map((m) => {
      const status = typeof m['status'] === 'string' ? m['status'] : null;
      return {
        id: m.id ?? '',
        text:
          conceptText(m['medicationCodeableConcept']) ??
          (isObj(m['medicationReference']) ? String(m['medicationReference']['display'] ?? 'Medication') : 'Medication'),
        status,
        active: status === 'active' || status === 'on-hold',
        date: typeof m['authoredOn'] === 'string' ? m['authoredOn'] : null,
      };
    })
    .sort(byActiveThenDate);
}
