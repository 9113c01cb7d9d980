import { SimInputError, type SimProblem } from '../../sim-input-error.ts';

export type MealDelivery = 'eat-rate' | 'one-minute';
export type CgmSensorName = 'Dexcom' | 'GuardianRT' | 'Navigator';
export type InsulinPumpName = 'Insulet' | 'Cozmo';

export const mealDeliveries: readonly MealDelivery[] = ['eat-rate', 'one-minute'];
export const cgmSensorNames: readonly CgmSensorName[] = ['Dexcom', 'GuardianRT', 'Navigator'];
export const insulinPumpNames: readonly InsulinPumpName[] = ['Insulet', 'Cozmo'];

/** Longest scenario accepted: one leap year of minutes. */
export const MAX_SCENARIO_MINUTES = 527_040;

export interface ScenarioMeal {
  /** Minute the meal is announced (0-based, < durationMin). */
  readonly minute: number;
  readonly carbsG: number;
}

export interface ScenarioBolus {
  /** Minute of the bolus; the whole dose is delivered within that minute (dose U → U/min). */
  readonly minute: number;
  readonly units: number;
}

/**
 * A what-if glucose scenario, in the JSON form accepted by the CLI and API:
 * `{"durationMin":1440, "basal":"steady" | {"uPerMin":0.02}, "meals":[{"minute":420,"carbsG":50}],
 *   "boluses":[{"minute":420,"units":5}], "mealDelivery":"eat-rate" | "one-minute",
 *   "sensor":"none" | "Dexcom" | "GuardianRT" | "Navigator", "pump":"none" | "Insulet" | "Cozmo", "seed":1}`.
 * `steady` basal = u2ss·BW/6000 U/min; `eat-rate` eats announced meals at 5 g/min (simglucose),
 * `one-minute` puts each whole meal into its minute.
 */
export interface GlucoseScenario {
  readonly durationMin: number;
  readonly basal: 'steady' | { readonly uPerMin: number };
  readonly meals: readonly ScenarioMeal[];
  readonly boluses: readonly ScenarioBolus[];
  readonly mealDelivery: MealDelivery;
  readonly sensor: CgmSensorName | 'none';
  readonly pump: InsulinPumpName | 'none';
  /** Seed of every random draw of the run (sensor noise). */
  readonly seed: number;
}

export const scenarioDefaults = {
  durationMin: 1440,
  basal: 'steady',
  mealDelivery: 'eat-rate',
  sensor: 'none',
  pump: 'none',
  seed: 0,
} as const;

const topLevelKeys = ['durationMin', 'basal', 'meals', 'boluses', 'mealDelivery', 'sensor', 'pump', 'seed'];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(o: Obj, allowed: readonly string[], prefix: string, problems: SimProblem[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      problems.push({ path: prefix ? `${prefix}.${k}` : k, message: `unknown property (allowed: ${allowed.join(', ')})` });
  }
}

function finiteNumber(v: unknown, path: string, problems: SimProblem[]): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.push({ path, message: 'must be a finite number' });
    return false;
  }
  return true;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T, path: string, problems: SimProblem[]): T {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push({ path, message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` });
  return fallback;
}

function events<K extends 'carbsG' | 'units'>(
  v: unknown,
  key: 'meals' | 'boluses',
  amountKey: K,
  durationMin: number | undefined,
  problems: SimProblem[],
) {
  const out: ({ minute: number } & Record<K, number>)[] = [];
  if (v === undefined) return out;
  if (!Array.isArray(v)) {
    problems.push({ path: key, message: 'must be an array' });
    return out;
  }
  v.forEach((item: unknown, i) => {
    const at = `${key}[${i}]`;
    if (!isObject(item)) {
      problems.push({ path: at, message: 'must be an object' });
      return;
    }
    unknownKeys(item, ['minute', amountKey], at, problems);
    const before = problems.length;
    const minute = item['minute'];
    if (typeof minute !== 'number' || !Number.isInteger(minute)) problems.push({ path: `${at}.minute`, message: 'must be an integer' });
    else if (minute < 0) problems.push({ path: `${at}.minute`, message: 'must be >= 0' });
    else if (durationMin !== undefined && minute >= durationMin) {
      problems.push({ path: `${at}.minute`, message: `beyond durationMin (must be < ${durationMin})` });
    }
    const amount = item[amountKey];
    if (finiteNumber(amount, `${at}.${amountKey}`, problems) && amount < 0)
      problems.push({ path: `${at}.${amountKey}`, message: 'must be >= 0' });
    if (problems.length === before)
      out.push({ minute: minute as number, [amountKey]: amount as number } as { minute: number } & Record<K, number>);
  });
  return out;
}

/** Problems of a scenario given as untyped JSON, each with its JSON path; empty when valid. */
export function validateGlucoseScenario(json: unknown): SimProblem[] {
  try {
    parseGlucoseScenario(json);
    return [];
  } catch (e) {
    if (e instanceof SimInputError) return [...e.problems];
    throw e;
  }
}

/**
 * Validates a scenario given as untyped JSON and fills in defaults (`scenarioDefaults`). Throws one
 * `SimInputError` listing every problem with its JSON path, e.g. `meals[1].carbsG: must be >= 0`,
 * `boluses[0].minute: beyond durationMin (must be < 1440)`.
 */
export function parseGlucoseScenario(json: unknown): GlucoseScenario {
  const problems: SimProblem[] = [];
  if (!isObject(json)) throw new SimInputError('invalid scenario', [{ path: '$', message: 'scenario must be a JSON object' }]);
  unknownKeys(json, topLevelKeys, '', problems);

  let durationMin: number | undefined = scenarioDefaults.durationMin;
  const d = json['durationMin'];
  if (d !== undefined) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_SCENARIO_MINUTES) {
      problems.push({ path: 'durationMin', message: `must be an integer in 1..${MAX_SCENARIO_MINUTES}` });
      durationMin = undefined;
    } else durationMin = d;
  }

  let basal: GlucoseScenario['basal'] = scenarioDefaults.basal;
  const b = json['basal'];
  if (b !== undefined && b !== 'steady') {
    if (!isObject(b)) problems.push({ path: 'basal', message: 'must be "steady" or {"uPerMin": number}' });
    else {
      unknownKeys(b, ['uPerMin'], 'basal', problems);
      const u = b['uPerMin'];
      if (finiteNumber(u, 'basal.uPerMin', problems)) {
        if (u < 0) problems.push({ path: 'basal.uPerMin', message: 'must be >= 0' });
        else basal = { uPerMin: u };
      }
    }
  }

  const meals = events(json['meals'], 'meals', 'carbsG', durationMin, problems);
  const boluses = events(json['boluses'], 'boluses', 'units', durationMin, problems);
  const mealDelivery = oneOf(json['mealDelivery'], mealDeliveries, scenarioDefaults.mealDelivery, 'mealDelivery', problems);
  const sensor = oneOf<CgmSensorName | 'none'>(json['sensor'], ['none', ...cgmSensorNames], scenarioDefaults.sensor, 'sensor', problems);
  const pump = oneOf<InsulinPumpName | 'none'>(json['pump'], ['none', ...insulinPumpNames], scenarioDefaults.pump, 'pump', problems);

  let seed: number = scenarioDefaults.seed;
  const s = json['seed'];
  if (s !== undefined) {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)
      problems.push({ path: 'seed', message: 'must be a non-negative integer' });
    else seed = s;
  }

  if (problems.length > 0) throw new SimInputError(`invalid scenario: ${problems.length} problem(s)`, problems);
  return { durationMin: durationMin ?? scenarioDefaults.durationMin, basal, meals, boluses, mealDelivery, sensor, pump, seed };
}

/** Per-minute inputs of a scenario, compiled once and reusable across patients. */
export interface ScenarioInputs {
  readonly durationMin: number;
  /** Carbohydrate announced at each minute [g] (meals at the same minute are summed). */
  readonly announcedCarbsG: Float64Array;
  /** Bolus insulin delivered within each minute [U], i.e. its rate in U/min for that minute. */
  readonly bolusU: Float64Array;
}

export function compileScenarioInputs(s: GlucoseScenario): ScenarioInputs {
  const announcedCarbsG = new Float64Array(s.durationMin);
  const bolusU = new Float64Array(s.durationMin);
  for (const m of s.meals) announcedCarbsG[m.minute] = announcedCarbsG[m.minute]! + m.carbsG;
  for (const b of s.boluses) bolusU[b.minute] = bolusU[b.minute]! + b.units;
  return { durationMin: s.durationMin, announcedCarbsG, bolusU };
}
