import { SimInputError, type SimProblem } from '../sim-input-error.ts';
import type { WhatIfOption } from './future-inputs.ts';

/** Largest what-if horizon accepted [min] (24 h). */
export const MAX_WHAT_IF_HORIZON_MIN = 1440;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates what-if options given as untyped JSON (CLI file, API body):
 * `[{"label":"bolus 4 U now","boluses":[{"inMin":0,"units":4}]},
 *   {"label":"60 g meal in 30 min","meals":[{"inMin":30,"carbsG":60}]},
 *   {"label":"temp basal 0 for 1 h","basal":[{"fromMin":0,"toMin":60,"basalUPerH":0}]}]`.
 * Basal entries take `basalUPerMin` or `basalUPerH` (pumps show U/h). Times are minutes from now,
 * within [0, horizonMin). Throws one `SimInputError` listing every problem with its JSON path.
 */
export function parseWhatIfOptions(json: unknown, horizonMin: number, pathPrefix = 'options'): WhatIfOption[] {
  const problems: SimProblem[] = [];
  if (!Array.isArray(json))
    throw new SimInputError('invalid what-if options', [{ path: pathPrefix, message: 'must be an array of options' }]);
  if (json.length === 0) problems.push({ path: pathPrefix, message: 'must list at least one option' });
  if (json.length > 20) problems.push({ path: pathPrefix, message: 'at most 20 options per request' });
  const labels = new Set<string>();
  const out: WhatIfOption[] = [];
  json.forEach((item: unknown, i) => {
    const at = `${pathPrefix}[${i}]`;
    if (!isObject(item)) {
      problems.push({ path: at, message: 'must be an object' });
      return;
    }
    for (const k of Object.keys(item)) {
      if (!['label', 'boluses', 'meals', 'basal'].includes(k))
        problems.push({ path: `${at}.${k}`, message: 'unknown property (allowed: label, boluses, meals, basal)' });
    }
    const label = item['label'];
    if (typeof label !== 'string' || label.trim() === '' || label.length > 80) {
      problems.push({ path: `${at}.label`, message: 'must be a non-empty string of at most 80 characters' });
    } else if (labels.has(label)) problems.push({ path: `${at}.label`, message: 'duplicate label' });
    else labels.add(label);
    const num = (v: unknown, path: string, min: number, max: number): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
        problems.push({ path, message: `must be a number in [${min}, ${max}]` });
        return Number.NaN;
      }
      return v;
    };
    const list = (key: string): Obj[] => {
      const v = item[key];
      if (v === undefined) return [];
      if (!Array.isArray(v)) {
        problems.push({ path: `${at}.${key}`, message: 'must be an array' });
        return [];
      }
      return v.filter((e: unknown, j) => {
        if (!isObject(e)) problems.push({ path: `${at}.${key}[${j}]`, message: 'must be an object' });
        return isObject(e);
      }) as Obj[];
    };
    const lastMinute = horizonMin - 1;
    const boluses = list('boluses').map((b, j) => ({
      inMin: num(b['inMin'], `${at}.boluses[${j}].inMin`, 0, lastMinute),
      units: num(b['units'], `${at}.boluses[${j}].units`, 0, 50),
    }));
    const meals = list('meals').map((m, j) => ({
      inMin: num(m['inMin'], `${at}.meals[${j}].inMin`, 0, lastMinute),
      carbsG: num(m['carbsG'], `${at}.meals[${j}].carbsG`, 0, 300),
    }));
    const basal = list('basal').map((b, j) => {
      const path = `${at}.basal[${j}]`;
      const fromMin = num(b['fromMin'], `${path}.fromMin`, 0, lastMinute);
      const toMin = num(b['toMin'], `${path}.toMin`, 0, horizonMin);
      if (fromMin >= toMin) problems.push({ path: `${path}.toMin`, message: 'must be greater than fromMin' });
      const perMin = b['basalUPerMin'];
      const perH = b['basalUPerH'];
      let rate = Number.NaN;
      if ((perMin === undefined) === (perH === undefined)) problems.push({ path, message: 'give exactly one of basalUPerMin, basalUPerH' });
      else if (perMin !== undefined) rate = num(perMin, `${path}.basalUPerMin`, 0, 1);
      else rate = num(perH, `${path}.basalUPerH`, 0, 60) / 60;
      return { fromMin, toMin, basalUPerMin: rate };
    });
    out.push({ label: typeof label === 'string' ? label : '', boluses, meals, basal });
  });
  if (problems.length > 0) throw new SimInputError(`invalid what-if options: ${problems.length} problem(s)`, problems);
  return out;
}
