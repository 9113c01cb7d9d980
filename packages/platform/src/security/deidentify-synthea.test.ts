import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPseudonymizer, deidentifyBundle, emptyReport, shiftFhirDate } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { nodeHmacSha256 } from './node-keyed-hash.ts';

/**
 * HIPAA Safe Harbor de-identification against all 16 Synthea bundles of the shared data: every
 * identifier of each patient must be gone from the output text, and every date must have moved by
 * the same number of days within one patient (so intervals are kept).
 */
const root = fileURLToPath(new URL('../../../../../shared/data/synthea/', import.meta.url));
const files = ['pathling', 'smart-generated-sample-data'].flatMap((dir) =>
  readdirSync(`${root}${dir}`)
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${root}${dir}/${f}`),
);

type Json = Record<string, unknown>;
const pseudonymizer = createPseudonymizer(nodeHmacSha256(Buffer.from('synthea test secret, 32 bytes long!')));
const options = { pseudonymizer, referenceYear: 2025 };
const dayMs = 86_400_000;

/** Every identifying string of the bundle's patient, read from the original Patient resource. */
function identifiersOf(patient: Json): string[] {
  const out = new Set<string>([patient.id as string, patient.birthDate as string]);
  for (const name of (patient.name as Json[] | undefined) ?? []) {
    for (const g of (name.given as string[] | undefined) ?? []) out.add(g);
    if (typeof name.family === 'string') out.add(name.family);
  }
  for (const ext of (patient.extension as Json[] | undefined) ?? []) {
    if (typeof ext.valueString === 'string' && String(ext.url).includes('mothersMaidenName'))
      for (const w of ext.valueString.split(' ')) out.add(w);
    const birthPlace = ext.valueAddress as Json | undefined;
    if (birthPlace && typeof birthPlace.city === 'string') out.add(birthPlace.city);
  }
  for (const id of (patient.identifier as Json[] | undefined) ?? []) out.add(id.value as string);
  for (const t of (patient.telecom as Json[] | undefined) ?? []) out.add(t.value as string);
  for (const a of (patient.address as Json[] | undefined) ?? []) {
    for (const line of (a.line as string[] | undefined) ?? []) out.add(line);
    if (typeof a.city === 'string') out.add(a.city);
    if (typeof a.postalCode === 'string') out.add(a.postalCode);
  }
  return [...out].filter((s) => s.length >= 4);
}

/** Pairs of (original, de-identified) values at date-typed paths that both versions still have. */
const datePaths = [
  ['effectiveDateTime'],
  ['issued'],
  ['period', 'start'],
  ['period', 'end'],
  ['onsetDateTime'],
  ['abatementDateTime'],
  ['recordedDate'],
  ['authoredOn'],
  ['occurrenceDateTime'],
  ['billablePeriod', 'start'],
  ['created'],
  ['performedPeriod', 'start'],
  ['date'],
  ['deceasedDateTime'],
] as const;

function at(resource: Json, path: readonly string[]): string | undefined {
  let v: unknown = resource;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Json)[p] : undefined;
  return typeof v === 'string' ? v : undefined;
}

describe('Safe Harbor de-identification of the Synthea bundles', () => {
  it('reads all 16 bundles', () => {
    expect(files.length).toBe(16);
  });

  it.each(files.map((f) => [f.split('/').pop() as string, f]))('%s: no identifier left, one date shift per patient', (_name, file) => {
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const entries = bundle.entry as { resource: Json }[];
    const patient = entries.find((e) => e.resource.resourceType === 'Patient')?.resource as Json;
    const report = emptyReport();
    const out = deidentifyBundle(bundle, options, report);
    const text = JSON.stringify(out);
    const leaked = identifiersOf(patient).filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
    // SSN, MRN, driver's licence and passport were all present and replaced.
    const types = ((patient.identifier as Json[]) ?? []).map(
      (i) => ((i.type as Json | undefined)?.coding as Json[] | undefined)?.[0]?.code,
    );
    expect(report.identifier).toBeGreaterThanOrEqual(types.filter(Boolean).length);
    expect(report.name).toBeGreaterThan(0);
    expect(report.address).toBeGreaterThan(0);
    expect(report.telecom).toBeGreaterThan(0);

    const shiftDays = pseudonymizer.dateShiftDays(patient.id as string);
    const outEntries = (out.entry as { resource: Json }[]).map((e) => e.resource);
    let compared = 0;
    entries.forEach((entry, i) => {
      const deid = outEntries[i] as Json;
      for (const path of datePaths) {
        const before = at(entry.resource, path);
        const after = at(deid, path);
        if (before === undefined || after === undefined || before.length < 10) continue;
        expect(Date.parse(after.slice(0, 10)) - Date.parse(before.slice(0, 10)), `${entry.resource.resourceType}.${path.join('.')}`).toBe(
          shiftDays * dayMs,
        );
        compared += 1;
      }
    });
    expect(compared).toBeGreaterThan(20);
    const deidPatient = outEntries.find((r) => r.resourceType === 'Patient') as Json;
    const birthYear = (shiftFhirDate(patient.birthDate as string, shiftDays) as string).slice(0, 4);
    if (deidPatient.birthDate !== undefined) expect(deidPatient.birthDate).toBe(birthYear);
    else expect(JSON.stringify(deidPatient.extension)).toContain('90 or older');
  });
});
