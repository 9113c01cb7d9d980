import type { FhirBundle } from '../api/api-types.ts';

/**
 * Insulin and meals for the glucose chart, read the way the glucose twin reads them
 * (platform twin/fhir-treatments.ts): MedicationAdministration with a dose in insulin units (`U`,
 * `[iU]`) is a bolus, with a `rateQuantity` in U/h a basal rate; Observation LOINC 9059-7
 * "Carbohydrate intake Estimated" in g is a meal. Entered-in-error, not-done and cancelled are
 * skipped. Sorted by time.
 */
export interface TreatmentEvent {
  readonly timeMs: number;
  readonly kind: 'bolus' | 'basal' | 'meal';
  readonly amount: number;
  readonly unit: 'U' | 'U/h' | 'g';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const skipped = new Set(['entered-in-error', 'not-done', 'cancelled']);

function amount(q: unknown, units: readonly string[]): number | null {
  if (!isObj(q) || typeof q['value'] !== 'number' || !Number.isFinite(q['value'])) return null;
  const unit = String(q['code'] ?? q['unit'] ?? '').toLowerCase();
  return units.includes(unit) ? q['value'] : null;
}

export function treatmentEvents(bundles: readonly (FhirBundle | undefined)[]): TreatmentEvent[] {
  const out: TreatmentEvent[] = [];
  for (const bundle of bundles) {
    for (const entry of bundle?.entry ?? []) {
      const r = entry.resource as Json | undefined;
      if (!r || skipped.has(String(r['status']))) continue;
      const period = isObj(r['effectivePeriod']) ? r['effectivePeriod'] : undefined;
      const when = typeof r['effectiveDateTime'] === 'string' ? r['effectiveDateTime'] : period?.['start'];
      const timeMs = typeof when === 'string' ? Date.parse(when) : Number.NaN;
      if (Number.isNaN(timeMs)) continue;
      if (r['resourceType'] === 'Observation') {
        const coding = isObj(r['code']) && Array.isArray(r['code']['coding']) ? r['code']['coding'].filter(isObj) : [];
        const grams = amount(r['valueQuantity'], ['g']);
        if (grams !== null && coding.some((c) => c['system'] === 'http://loinc.org' && c['code'] === '9059-7')) {
          out.push({ timeMs, kind: 'meal', amount: grams, unit: 'g' });
        }
      } else if (r['resourceType'] === 'MedicationAdministration') {
        const dosage = isObj(r['dosage']) ? r['dosage'] : {};
        const rate = amount(dosage['rateQuantity'], ['u/h', '[iu]/h', 'iu/h']);
        const dose = amount(dosage['dose'], ['u', '[iu]', 'iu']);
        if (rate !== null) out.push({ timeMs, kind: 'basal', amount: rate, unit: 'U/h' });
        else if (dose !== null) out.push({ timeMs, kind: 'bolus', amount: dose, unit: 'U' });
      }
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs || a.kind.localeCompare(b.kind));
}
