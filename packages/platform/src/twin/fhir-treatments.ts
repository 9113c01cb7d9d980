import type { BasalRateChange, TreatmentLog } from '@vitaltwin/sim';

/**
 * Treatments for the glucose twin from FHIR R4 resources of one patient:
 *
 * - insulin: `MedicationAdministration` whose medication (text, coding display or code) names insulin
 *   or whose dose is in insulin units (UCUM `U` / `[iU]` / `[IU]`); `dosage.dose` at `effectiveDateTime`
 *   (or `effectivePeriod.start`) is a bolus; `dosage.rateQuantity` in U/h (`U/h`, `[iU]/h`, `[IU]/h`)
 *   is a basal rate from `effectivePeriod.start` (until `end`, after which the previous rate resumes);
 * - carbohydrate: `Observation` with LOINC 9059-7 "Carbohydrate intake Estimated" (as the Finnish
 *   Kanta PHR macronutrient-intake profile uses it) and a `valueQuantity` in g.
 *
 * Resources with status `entered-in-error`, `not-done` or `cancelled` are skipped. Times become
 * minutes since the Unix epoch, the time base the twin uses for CGM readings.
 */
export const carbIntakeLoinc = '9059-7';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const skippedStatus = new Set(['entered-in-error', 'not-done', 'cancelled']);
const insulinUnits = new Set(['u', '[iu]', 'iu']);
const insulinRateUnits = new Set(['u/h', '[iu]/h', 'iu/h']);

function minutesOf(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 60_000 : undefined;
}

function quantity(q: unknown, units: ReadonlySet<string>): number | undefined {
  if (!isObj(q) || typeof q['value'] !== 'number' || !Number.isFinite(q['value']) || q['value'] < 0) return undefined;
  const unit = String(q['code'] ?? q['unit'] ?? '').toLowerCase();
  return units.has(unit) ? q['value'] : undefined;
}

function mentionsInsulin(med: unknown): boolean {
  if (!isObj(med)) return false;
  const texts = [
    med['text'],
    ...(Array.isArray(med['coding']) ? med['coding'].flatMap((c: unknown) => (isObj(c) ? [c['display'], c['code']] : [])) : []),
  ];
  return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes('insulin'));
}

export function treatmentsFromFhir(resources: readonly unknown[]): TreatmentLog {
  const boluses: { timeMin: number; units: number }[] = [];
  const meals: { timeMin: number; grams: number }[] = [];
  const segments: { start: number; end: number; uPerH: number }[] = [];
  for (const r of resources) {
    if (!isObj(r) || skippedStatus.has(String(r['status']))) continue;
    const period = isObj(r['effectivePeriod']) ? r['effectivePeriod'] : undefined;
    const time = minutesOf(r['effectiveDateTime']) ?? minutesOf(period?.['start']);
    if (time === undefined) continue;
    if (r['resourceType'] === 'Observation') {
      const coding = isObj(r['code']) && Array.isArray(r['code']['coding']) ? r['code']['coding'] : [];
      const isCarbs = coding.some((c: unknown) => isObj(c) && c['system'] === 'http://loinc.org' && c['code'] === carbIntakeLoinc);
      const grams = quantity(r['valueQuantity'], new Set(['g']));
      if (isCarbs && grams !== undefined) meals.push({ timeMin: time, grams });
      continue;
    }
    if (r['resourceType'] !== 'MedicationAdministration') continue;
    const dosage = isObj(r['dosage']) ? r['dosage'] : {};
    const dose = quantity(dosage['dose'], insulinUnits);
    const rate = quantity(dosage['rateQuantity'], insulinRateUnits);
    if (!mentionsInsulin(r['medicationCodeableConcept']) && dose === undefined && rate === undefined) continue;
    if (rate !== undefined) segments.push({ start: time, end: minutesOf(period?.['end']) ?? Number.POSITIVE_INFINITY, uPerH: rate });
    else if (dose !== undefined) boluses.push({ timeMin: time, units: dose });
  }
  return { basal: basalChanges(segments), boluses, meals };
}

/**
 * Basal segments → rate changes. An open-ended segment (no `end`) is a scheduled rate; a segment with
 * an end is a temporary rate, after which the last scheduled rate resumes (unless another segment
 * starts first).
 */
function basalChanges(segments: { start: number; end: number; uPerH: number }[]): BasalRateChange[] {
  segments.sort((a, b) => a.start - b.start);
  const changes: BasalRateChange[] = [];
  let scheduled: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    changes.push({ timeMin: s.start, uPerH: s.uPerH });
    if (!Number.isFinite(s.end)) {
      scheduled = s.uPerH;
      continue;
    }
    const next = segments[i + 1];
    if ((!next || next.start > s.end) && scheduled !== undefined) changes.push({ timeMin: s.end, uPerH: scheduled });
  }
  return changes;
}
