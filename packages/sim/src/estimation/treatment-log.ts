import type { CarbEntry, InsulinDose } from '../forecast/oref0-forecaster.ts';
import { SimInputError, type SimProblem } from '../sim-input-error.ts';

/** From `timeMin` on, the pump delivers `uPerH` (until the next change). Pumps show basal in U/h. */
export interface BasalRateChange {
  readonly timeMin: number;
  readonly uPerH: number;
}

/**
 * What the person logged, in the CGM series' time base (minutes): basal rate changes (scheduled and
 * temporary), boluses (units, delivered within their minute) and meals (grams of carbohydrate,
 * announced at their minute and eaten at simglucose's 5 g/min). The same shapes as the oref0
 * forecaster's logs (`InsulinDose`, `CarbEntry`), plus basal.
 */
export interface TreatmentLog {
  readonly basal: readonly BasalRateChange[];
  readonly boluses: readonly InsulinDose[];
  readonly meals: readonly CarbEntry[];
}

export const emptyTreatmentLog: TreatmentLog = Object.freeze({ basal: [], boluses: [], meals: [] });

/** Validates a log (finite times, non-negative amounts) and returns time-sorted copies. */
export function normaliseTreatmentLog(log: Partial<TreatmentLog>): TreatmentLog {
  const problems: SimProblem[] = [];
  const check = <T extends { readonly timeMin: number }>(items: readonly T[] | undefined, key: string, amount: (x: T) => number): T[] => {
    const out = [...(items ?? [])];
    out.forEach((x, i) => {
      if (!Number.isFinite(x.timeMin)) problems.push({ path: `${key}[${i}].timeMin`, message: 'must be a finite number' });
      const a = amount(x);
      if (!Number.isFinite(a) || a < 0) problems.push({ path: `${key}[${i}]`, message: 'amount must be a finite number >= 0' });
    });
    return out.sort((a, b) => a.timeMin - b.timeMin);
  };
  const basal = check(log.basal, 'basal', (x) => x.uPerH);
  const boluses = check(log.boluses, 'boluses', (x) => x.units);
  const meals = check(log.meals, 'meals', (x) => x.grams);
  if (problems.length > 0) throw new SimInputError('invalid treatment log', problems);
  return { basal, boluses, meals };
}

/**
 * Per-minute inputs from a log, read forward in time without allocating: each event belongs to the
 * minute ⌊timeMin⌋. Events after `knownUntilMin` are ignored (a forecaster must not see treatments
 * logged after its origin); before the first basal entry, and after the cut-off, the basal rate is
 * the last one known (or `defaultBasalUPerMin` when the log has none).
 */
export class TreatmentCursor {
  private readonly log: TreatmentLog;
  private readonly defaultBasalUPerMin: number;
  private knownUntilMin = Number.POSITIVE_INFINITY;
  private iBasal = 0;
  private iBolus = 0;
  private iMeal = 0;
  private basalUPerMin: number;
  private lastMinute = Number.NEGATIVE_INFINITY;

  constructor(log: TreatmentLog, defaultBasalUPerMin: number) {
    this.log = log;
    this.defaultBasalUPerMin = defaultBasalUPerMin;
    this.basalUPerMin = defaultBasalUPerMin;
  }

  /** Positions the cursor so that the next `read` may be for `minute`; events before it are skipped. */
  seek(minute: number, knownUntilMin = Number.POSITIVE_INFINITY): void {
    this.knownUntilMin = knownUntilMin;
    this.iBasal = 0;
    this.iBolus = lowerBound(this.log.boluses, minute);
    this.iMeal = lowerBound(this.log.meals, minute);
    this.basalUPerMin = this.defaultBasalUPerMin;
    const basal = this.log.basal;
    while (this.iBasal < basal.length && Math.floor(basal[this.iBasal]!.timeMin) < minute && basal[this.iBasal]!.timeMin <= knownUntilMin) {
      this.basalUPerMin = basal[this.iBasal]!.uPerH / 60;
      this.iBasal += 1;
    }
    this.lastMinute = minute - 1;
  }

  /** Current basal rate [U/min] (after the last `read`). */
  get currentBasalUPerMin(): number {
    return this.basalUPerMin;
  }

  /**
   * Inputs of integer `minute` (strictly increasing between calls): writes announced carbohydrate [g]
   * to `out[0]`, the basal rate [U/min] to `out[1]` and the units bolused within the minute to `out[2]`.
   */
  read(minute: number, out: Float64Array): void {
    if (minute <= this.lastMinute) throw new RangeError(`TreatmentCursor.read: minute ${minute} is not after ${this.lastMinute}`);
    this.lastMinute = minute;
    const { basal, boluses, meals } = this.log;
    const cut = this.knownUntilMin;
    while (this.iBasal < basal.length && Math.floor(basal[this.iBasal]!.timeMin) <= minute && basal[this.iBasal]!.timeMin <= cut) {
      this.basalUPerMin = basal[this.iBasal]!.uPerH / 60;
      this.iBasal += 1;
    }
    let bolus = 0;
    while (this.iBolus < boluses.length && Math.floor(boluses[this.iBolus]!.timeMin) <= minute) {
      const b = boluses[this.iBolus]!;
      if (Math.floor(b.timeMin) === minute && b.timeMin <= cut) bolus += b.units;
      this.iBolus += 1;
    }
    let carbs = 0;
    while (this.iMeal < meals.length && Math.floor(meals[this.iMeal]!.timeMin) <= minute) {
      const m = meals[this.iMeal]!;
      if (Math.floor(m.timeMin) === minute && m.timeMin <= cut) carbs += m.grams;
      this.iMeal += 1;
    }
    out[0] = carbs;
    out[1] = this.basalUPerMin;
    out[2] = bolus;
  }
}

/** Index of the first entry whose minute ⌊timeMin⌋ is ≥ `minute` (entries sorted by time). */
function lowerBound(entries: readonly { readonly timeMin: number }[], minute: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.floor(entries[mid]!.timeMin) < minute) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The basal rate the person's therapy is built around [U/min]: the time-weighted mean of the logged
 * basal rates from the first change to the last logged event (basal, bolus or meal), or the single
 * rate when that span is empty; undefined when the log has no basal entry.
 */
export function treatmentLogBasalUPerMin(log: TreatmentLog): number | undefined {
  const basal = log.basal;
  if (basal.length === 0) return undefined;
  const from = basal[0]!.timeMin;
  const lastOf = (items: readonly { readonly timeMin: number }[]): number => (items.length > 0 ? items[items.length - 1]!.timeMin : from);
  const to = Math.max(lastOf(basal), lastOf(log.boluses), lastOf(log.meals));
  if (!(to > from)) return basal[basal.length - 1]!.uPerH / 60;
  let sum = 0;
  for (let i = 0; i < basal.length; i++) {
    const end = i + 1 < basal.length ? basal[i + 1]!.timeMin : to;
    sum += (basal[i]!.uPerH / 60) * Math.max(0, end - basal[i]!.timeMin);
  }
  return sum / (to - from);
}
