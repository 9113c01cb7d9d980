import { patientsOf } from '../patient-compartment.ts';
import type { DeidentificationReport } from './deidentification-report.ts';
import {
  countOf,
  generaliseAddress,
  isAttachment,
  isHumanName,
  isObject,
  isReferenceLike,
  pseudonymiseReference,
} from './deidentify-elements.ts';
import { fhirDateYear, isFullFhirDate, isPartialFhirDate, shiftFhirDate } from './fhir-date-shift.ts';
import type { Pseudonymizer } from './pseudonymizer.ts';

/**
 * HIPAA Safe Harbor de-identification of one FHIR R4 resource (45 CFR 164.514(b)(2); HHS 2012
 * guidance). The 18 identifier kinds and what happens to them here:
 *  names (of anyone: HumanName, mother's maiden name) → removed; addresses → state, country and
 *  3-digit ZIP (000 for the 17 small areas); facility names and geolocation → removed; dates →
 *  shifted by a per-patient number of days (intervals kept), birth date → its shifted year; ages
 *  over 89 → "90 or older"; telecom (phone, fax, e-mail, URLs) → removed; identifiers (SSN, MRN,
 *  health plan, account, licence, passport), device serial numbers and resource ids → stable keyed
 *  pseudonyms; narratives, notes, free-text values (valueString, comment; extensions keep theirs),
 *  attachments (documents, images) and photos → removed; network
 *  addresses → removed. Dates are shifted rather than cut to the year (the brief's choice, keeping
 *  intervals for research); what was removed is counted in the report.
 */
export interface DeidentifyOptions {
  readonly pseudonymizer: Pseudonymizer;
  /** The year ages of living patients are computed in (the export's year; passed in, no clock here). */
  readonly referenceYear: number;
}

/** Marks a de-identified resource (HL7 v3 ObservationValue "PSEUDED": pseudonymized). */
export const pseudonymizedLabel = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'PSEUDED',
  display: 'pseudonymized',
} as const;

/** Extension replacing a birth date of someone over 89. */
export const ageGroupExtensionUrl = 'https://vitaltwin.dev/fhir/StructureDefinition/safe-harbor-age-group';

interface Ctx {
  readonly pseudonymizer: Pseudonymizer;
  readonly referenceYear: number;
  readonly shiftDays: number;
  readonly report: DeidentificationReport;
}

const removedExtensions: Readonly<Record<string, 'name' | 'geolocation'>> = {
  'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName': 'name',
  'http://hl7.org/fhir/StructureDefinition/geolocation': 'geolocation',
};
/** Resources whose `name` is a place or organisation that can reveal the patient's town. */
const placeNamedTypes = new Set(['Organization', 'Location', 'HealthcareService', 'InsurancePlan']);
/** FHIR R4 device identifiers and serial numbers (Safe Harbor (M)) and plan subscriber ids. */
const deviceIdKeys = new Set([
  'serialNumber',
  'lotNumber',
  'distinctIdentifier',
  'deviceIdentifier',
  'carrierHRF',
  'carrierAIDC',
  'subscriberId',
]);

const REMOVE = Symbol('remove');
type Walked = unknown | typeof REMOVE;

function isDateKey(key: string): boolean {
  return (
    key === 'start' ||
    key === 'end' ||
    /Date(Time)?$/.test(key) ||
    /^(date|issued|recorded|authored|lastUpdated|created|timestamp|instant|event)$/.test(key)
  );
}

function walkString(value: string, key: string, ctx: Ctx): Walked {
  if (isFullFhirDate(value) || (isDateKey(key) && isPartialFhirDate(value))) {
    ctx.report.date += 1;
    return shiftFhirDate(value, ctx.shiftDays) ?? REMOVE;
  }
  return value;
}

function walk(value: unknown, key: string, ctx: Ctx): Walked {
  if (typeof value === 'string') return walkString(value, key, ctx);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const w = walk(item, key, ctx);
      if (w !== REMOVE) out.push(w);
    }
    return out.length === 0 && value.length > 0 ? REMOVE : out;
  }
  if (isObject(value)) return walkObject(value, ctx);
  return value;
}

function oneOrMany(value: unknown, each: (item: unknown) => Walked): Walked {
  if (!Array.isArray(value)) return each(value);
  const out = value.map(each).filter((v) => v !== REMOVE);
  return out.length === 0 ? REMOVE : out;
}

function pseudonymiseIdentifier(identifier: unknown, ctx: Ctx): Walked {
  if (!isObject(identifier)) return REMOVE;
  ctx.report.identifier += 1;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(identifier)) {
    if (k === 'value') {
      if (typeof v === 'string')
        out.value = ctx.pseudonymizer.identifier(typeof identifier.system === 'string' ? identifier.system : undefined, v);
      continue;
    }
    const w = walk(v, k, ctx);
    if (w !== REMOVE) out[k] = w;
  }
  return out;
}

/** birthDate → shifted year, or removed (with an age-group extension) for ages over 89 (Safe Harbor (C)). */
function birthYear(obj: Record<string, unknown>, ctx: Ctx): { value?: string; over89: boolean } {
  const birth = obj.birthDate as string;
  const born = fhirDateYear(birth);
  const died = typeof obj.deceasedDateTime === 'string' ? fhirDateYear(obj.deceasedDateTime) : undefined;
  ctx.report.birthDate += 1;
  if (born === undefined) return { over89: false };
  // Whole years between the birth year and the end year: errs towards "over 89" near a birthday.
  if ((died ?? ctx.referenceYear) - born > 89) {
    ctx.report.ageOver89 += 1;
    return { over89: true };
  }
  const shifted = shiftFhirDate(birth, ctx.shiftDays);
  return shifted === undefined ? { over89: false } : { value: shifted.slice(0, 4), over89: false };
}

function walkObject(obj: Record<string, unknown>, ctx: Ctx, inExtension = false): Walked {
  const { report, pseudonymizer } = ctx;
  const resourceType = typeof obj.resourceType === 'string' ? obj.resourceType : undefined;
  const out: Record<string, unknown> = {};
  let over89 = false;
  let attachmentCounted = false;
  const reference = isReferenceLike(obj);
  const attachment = isAttachment(obj);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'resourceType') {
      out[k] = v;
    } else if (resourceType !== undefined && k === 'id' && typeof v === 'string') {
      report.resourceId += 1;
      out.id = pseudonymizer.resourceId(v);
    } else if (k === 'text' && isObject(v) && 'div' in v) {
      report.narrative += 1;
    } else if ((k === 'name' || k === 'valueHumanName' || k === 'alias') && isHumanName(v)) {
      report.name += countOf(v);
    } else if ((k === 'name' || k === 'alias') && resourceType !== undefined && placeNamedTypes.has(resourceType)) {
      report.organizationName += countOf(v);
    } else if (k === 'telecom' || k === 'valueContactPoint') {
      report.telecom += countOf(v);
    } else if (k === 'address' || k === 'valueAddress') {
      const w = oneOrMany(v, (a) => generaliseAddress(a, report) ?? REMOVE);
      if (w !== REMOVE) out[k] = w;
    } else if (k === 'photo') {
      report.photo += countOf(v);
    } else if (k === 'note') {
      report.note += countOf(v);
    } else if ((k === 'valueString' || k === 'comment') && !inExtension) {
      // Free text can hold anything; Synthea's PRAPARE survey puts the street address in one.
      report.freeText += 1;
    } else if (k === 'position' && resourceType === 'Location') {
      report.geolocation += 1;
    } else if (k === 'network' && isObject(v)) {
      report.networkAddress += 1;
    } else if (k === 'identifier' || k === 'valueIdentifier') {
      const w = oneOrMany(v, (i) => pseudonymiseIdentifier(i, ctx));
      if (w !== REMOVE) out[k] = w;
    } else if (deviceIdKeys.has(k) && typeof v === 'string') {
      report.deviceIdentifier += 1;
      out[k] = pseudonymizer.identifier(k, v);
    } else if (k === 'reference' && typeof v === 'string') {
      report.reference += 1;
      const r = pseudonymiseReference(v, pseudonymizer);
      if (r !== undefined) out.reference = r;
    } else if (k === 'display' && typeof v === 'string' && reference) {
      report.referenceDisplay += 1;
    } else if ((k === 'data' || k === 'url') && attachment) {
      if (!attachmentCounted) report.attachment += 1;
      attachmentCounted = true;
    } else if (k === 'birthDate' && typeof v === 'string') {
      const b = birthYear(obj, ctx);
      over89 = b.over89;
      if (b.value !== undefined) out.birthDate = b.value;
    } else if (k === 'meta' && isObject(v)) {
      const { source, ...rest } = v;
      if (source !== undefined) report.metaSource += 1;
      const w = walk(rest, k, ctx);
      if (w !== REMOVE) out.meta = w;
    } else if ((k === 'extension' || k === 'modifierExtension') && Array.isArray(v)) {
      const kept: unknown[] = [];
      for (const ext of v) {
        const kind = isObject(ext) && typeof ext.url === 'string' ? removedExtensions[ext.url] : undefined;
        if (kind !== undefined) {
          report[kind] += 1;
          continue;
        }
        const w = isObject(ext) ? walkObject(ext, ctx, true) : REMOVE;
        if (w !== REMOVE) kept.push(w);
      }
      if (kept.length > 0) out[k] = kept;
    } else if (/Age$/.test(k) && isObject(v) && typeof v.value === 'number' && v.value > 89) {
      report.ageOver89 += 1;
      out[k] = { ...v, value: 90, comparator: '>=' };
    } else {
      const w = walk(v, k, ctx);
      if (w !== REMOVE) out[k] = w;
    }
  }
  if (over89) {
    const extension = Array.isArray(out.extension) ? out.extension : [];
    out.extension = [...extension, { url: ageGroupExtensionUrl, valueString: '90 or older' }];
  }
  if (resourceType !== undefined) {
    const meta = isObject(out.meta) ? out.meta : {};
    const security = Array.isArray(meta.security) ? meta.security : [];
    out.meta = { ...meta, security: [...security, { ...pseudonymizedLabel }] };
  }
  // An element left empty (a Reference that only had a display) goes too.
  return Object.keys(out).length === 0 && Object.keys(obj).length > 0 ? REMOVE : out;
}

/**
 * De-identifies one resource. `patientKey` picks the date shift: pass the patient the resource
 * belongs to (it defaults to the first patient the resource references, or a shared shift).
 * Counts are added to `report`.
 */
export function deidentifyResource(
  resource: Readonly<Record<string, unknown>>,
  options: DeidentifyOptions & { readonly patientKey?: string },
  report: DeidentificationReport,
): Record<string, unknown> {
  const patientKey = options.patientKey ?? patientsOf(resource)[0] ?? '';
  const ctx: Ctx = {
    pseudonymizer: options.pseudonymizer,
    referenceYear: options.referenceYear,
    shiftDays: options.pseudonymizer.dateShiftDays(patientKey),
    report,
  };
  const out = walkObject(resource as Record<string, unknown>, ctx);
  return out === REMOVE ? {} : (out as Record<string, unknown>);
}
