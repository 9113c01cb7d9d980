import { type CgmEvent, type ProblemDetail, parseCgmTimestamp, VitaltwinError } from '@vitaltwin/core';
import type { TreatmentLog } from '@vitaltwin/sim';

/**
 * The treatment log of `vitaltwin twin ...` commands, as a JSON file:
 * `{"basal":[{"time":"2024-03-01T00:00","uPerH":0.8}], "boluses":[{"time":"2024-03-01T07:05","units":4.5}],
 *   "meals":[{"time":"2024-03-01T07:00","carbsG":45}]}` — times in ISO 8601 (unzoned = --tz-offset),
 * each list optional. Returned in minutes since the Unix epoch (the CGM series' time base).
 */
export function treatmentLogFromJson(json: unknown, timeZoneOffsetMin: number, file: string): TreatmentLog {
  const problems: ProblemDetail[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new VitaltwinError('VT_ERR_VALIDATION', `${file}: must be a JSON object {"basal": [...], "boluses": [...], "meals": [...]}`);
  }
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj))
    if (!['basal', 'boluses', 'meals'].includes(k))
      problems.push({ message: 'unknown property (allowed: basal, boluses, meals)', expression: k });
  const list = <T>(key: string, amountKey: string, max: number, make: (timeMin: number, amount: number) => T): T[] => {
    const v = obj[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push({ message: 'must be an array', expression: key });
      return [];
    }
    const out: T[] = [];
    v.forEach((item: unknown, i) => {
      const at = `${key}[${i}]`;
      const e = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const ms = typeof e['time'] === 'string' ? parseCgmTimestamp(e['time'], timeZoneOffsetMin) : undefined;
      if (ms === undefined) problems.push({ message: 'must be an ISO 8601 date-time', expression: `${at}.time` });
      const amount = e[amountKey];
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > max) {
        problems.push({ message: `must be a number in [0, ${max}]`, expression: `${at}.${amountKey}` });
      } else if (ms !== undefined) out.push(make(ms / 60_000, amount));
    });
    return out;
  };
  const log: TreatmentLog = {
    basal: list('basal', 'uPerH', 30, (timeMin, uPerH) => ({ timeMin, uPerH })),
    boluses: list('boluses', 'units', 50, (timeMin, units) => ({ timeMin, units })),
    meals: list('meals', 'carbsG', 300, (timeMin, grams) => ({ timeMin, grams })),
  };
  if (problems.length > 0)
    throw new VitaltwinError('VT_ERR_VALIDATION', `${file}: invalid treatment log, ${problems.length} problem(s)`, problems);
  return log;
}

/**
 * Treatments recorded in a CGM export (Dexcom Clarity `Insulin` and `Carbs` events): fast-acting
 * insulin is a bolus; a long-acting injection is taken as a constant basal of units/24 U/h from
 * that time (a once-daily basal analogue covers about 24 h); carbs are meals.
 */
export function treatmentLogFromCgmEvents(events: readonly CgmEvent[]): TreatmentLog {
  const basal: { timeMin: number; uPerH: number }[] = [];
  const boluses: { timeMin: number; units: number }[] = [];
  const meals: { timeMin: number; grams: number }[] = [];
  for (const e of events) {
    if (e.value === undefined || !(e.value >= 0)) continue;
    const timeMin = e.timeMs / 60_000;
    const type = e.type.toLowerCase();
    if (type === 'carbs') meals.push({ timeMin, grams: e.value });
    else if (type === 'insulin' && (e.subtype ?? '').toLowerCase().startsWith('long')) basal.push({ timeMin, uPerH: e.value / 24 });
    else if (type === 'insulin') boluses.push({ timeMin, units: e.value });
  }
  return { basal, boluses, meals };
}
