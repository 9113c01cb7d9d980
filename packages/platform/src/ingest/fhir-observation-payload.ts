import { z } from 'zod';
import type { DecodedSample, DecodeOutcome, SampleRejection } from './decoded-sample.ts';
import { rejectMessage } from './decoded-sample.ts';
import { sampleText, schemaIssueDetail, truncate } from './schema-issue-detail.ts';

/**
 * FHIR R4 Observations on the `fhir` topic: one Observation, or a Bundle whose entries are
 * Observations (FHIR R4 Vital Signs profile: LOINC `code`, `effective[x]`, `valueQuantity` in UCUM,
 * blood pressure as `component`s). Sample index = Bundle entry index (0 for a single Observation).
 */
export const loincSystem = 'http://loinc.org';
export const ucumSystem = 'http://unitsofmeasure.org';

const maxEntries = 10_000;

const quantity = z.object({
  value: z.number(),
  unit: z.string().max(64).optional(),
  system: z.string().optional(),
  code: z.string().max(64).optional(),
});

const codeableConcept = z.object({
  coding: z.array(z.object({ system: z.string().optional(), code: z.string().optional() }).loose()).optional(),
});

// FHIR R4 dateTime with a time must carry a timezone (R4 §2.24.0.1 dateTime); device readings need the time.
const dateTime = z.iso.datetime({ offset: true });

const observation = z
  .object({
    resourceType: z.literal('Observation'),
    status: z.string(),
    code: codeableConcept,
    subject: z.object({ reference: z.string().optional() }).loose().optional(),
    effectiveDateTime: dateTime.optional(),
    effectiveInstant: dateTime.optional(),
    effectivePeriod: z.object({ start: dateTime.optional(), end: dateTime.optional() }).optional(),
    valueQuantity: quantity.optional(),
    component: z.array(z.object({ code: codeableConcept, valueQuantity: quantity.optional() }).loose()).optional(),
    hasMember: z.array(z.unknown()).optional(),
  })
  .loose();

type Observation = z.infer<typeof observation>;
type Quantity = z.infer<typeof quantity>;

/** Statuses whose values are measurements (FHIR R4 observation-status); the others are not stored. */
const acceptedStatuses = new Set(['final', 'amended', 'corrected', 'preliminary']);

/** Tells whether device ingest knows a LOINC code, so the best of several codings can be chosen. */
export type KnownCode = (code: string) => boolean;

export function decodeFhirObservations(json: unknown, isKnownCode: KnownCode): DecodeOutcome {
  const resourceType = typeof json === 'object' && json !== null ? (json as { resourceType?: unknown }).resourceType : undefined;
  const samples: DecodedSample[] = [];
  const rejections: SampleRejection[] = [];
  if (resourceType === 'Bundle') {
    const entries = (json as { entry?: unknown }).entry;
    if (!Array.isArray(entries) || entries.length === 0) return rejectMessage('schema', 'Bundle.entry: expected a non-empty array');
    if (entries.length > maxEntries) return rejectMessage('schema', `Bundle.entry: more than ${maxEntries} entries`);
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as { resource?: unknown } | null;
      decodeOne(
        typeof entry === 'object' && entry !== null ? entry.resource : undefined,
        index,
        `Bundle.entry.${index}.resource`,
        isKnownCode,
        samples,
        rejections,
      );
    }
    return { samples, rejections };
  }
  if (resourceType !== 'Observation') return rejectMessage('schema', 'resourceType: expected Observation or Bundle');
  decodeOne(json, 0, 'Observation', isKnownCode, samples, rejections);
  return { samples, rejections };
}

function decodeOne(
  resource: unknown,
  index: number,
  path: string,
  isKnownCode: KnownCode,
  samples: DecodedSample[],
  rejections: SampleRejection[],
): void {
  const reject = (reason: SampleRejection['reason'], detail: string) =>
    rejections.push({ index, reason, detail: truncate(detail, 300), sampleText: sampleText(resource) });
  const parsed = observation.safeParse(resource);
  if (!parsed.success) {
    const type = (resource as { resourceType?: unknown } | null)?.resourceType;
    if (typeof type === 'string' && type !== 'Observation')
      reject('schema', `${path}: ${type.slice(0, 40)} is not ingested; only Observation`);
    else reject('schema', schemaIssueDetail(parsed.error, path));
    return;
  }
  const obs = parsed.data;
  if (!acceptedStatuses.has(obs.status)) {
    reject('schema', `${path}.status: "${obs.status.slice(0, 20)}" is not a measurement status (final, amended, corrected, preliminary)`);
    return;
  }
  const time = obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.end ?? obs.effectivePeriod?.start;
  if (time === undefined) {
    reject('schema', `${path}.effective[x]: a dateTime, instant or Period is required`);
    return;
  }
  const timeMs = Date.parse(time);
  const subjectReference = obs.subject?.reference;
  const parts: { code: string | undefined; quantity: Quantity | undefined; where: string }[] = [];
  if (obs.valueQuantity !== undefined) parts.push({ code: pickLoinc(obs.code, isKnownCode), quantity: obs.valueQuantity, where: path });
  obs.component?.forEach((c, i) => {
    parts.push({ code: pickLoinc(c.code, isKnownCode), quantity: c.valueQuantity, where: `${path}.component.${i}` });
  });
  if (parts.length === 0) {
    // A panel that only groups other Observations (hasMember) carries no value of its own: nothing to store.
    if (obs.hasMember !== undefined && obs.hasMember.length > 0) return;
    reject('schema', `${path}: no valueQuantity or component values (dataAbsentReason is not stored)`);
    return;
  }
  for (const part of parts) {
    if (part.code === undefined) {
      reject('unknown-code', `${part.where}.code: no LOINC coding`);
      continue;
    }
    if (part.quantity === undefined) {
      reject('schema', `${part.where}.valueQuantity: required`);
      continue;
    }
    const unit = ucumUnit(part.quantity);
    if (unit === undefined) {
      reject('wrong-unit', `${part.where}.valueQuantity: a UCUM unit (system ${ucumSystem}) is required`);
      continue;
    }
    samples.push({
      index,
      code: part.code,
      value: part.quantity.value,
      unit,
      timeMs,
      ...(subjectReference !== undefined ? { subjectReference } : {}),
      source: resource,
    });
  }
}

/** The first LOINC coding device ingest knows, else the first LOINC coding (rejected later as unknown). */
function pickLoinc(concept: Observation['code'], isKnownCode: KnownCode): string | undefined {
  const loinc = (concept.coding ?? []).filter((c) => c.system === loincSystem && typeof c.code === 'string').map((c) => c.code as string);
  return loinc.find(isKnownCode) ?? loinc[0];
}

/** UCUM code of a Quantity: `code` when the system is UCUM (or absent), else none. */
function ucumUnit(q: Quantity): string | undefined {
  if (q.system !== undefined && q.system !== ucumSystem) return undefined;
  return q.code ?? q.unit;
}
